package dev.decaf.core.scaling;

/**
 * A bad input of the λ calculator, naming the input by its key ({@code tau_epoch}, {@code
 * batch_size}) so that the command line can say {@code --tau-epoch} and a recipe {@code
 * optimizer.weight_decay.tau_epoch}.
 */
public final class ScalingValueException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param key the input's key in snake_case ({@code tau_epoch})
     * @param problem what is wrong ({@code must be > 0, got -1})
     */
    public ScalingValueException(String key, String problem) {
        super(key + " " + problem);
        this.key = key;
        this.problem = problem;
    }

    /** Returns the input's key in snake_case. */
    public String key() {
        return key;
    }

    /** Returns what is wrong, without the key ({@code must be > 0, got -1}). */
    public String problem() {
        return problem;
    }

    /**
     * Returns a positive finite value, or throws naming it.
     *
     * @param key the input's key
     * @param value the value
     * @return the value
     */
    static double positive(String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ScalingValueException(key, "must be > 0, got " + Numbers.plain(value));
        }
        return value;
    }

    /**
     * Returns a finite value ≥ 0, or throws naming it.
     *
     * @param key the input's key
     * @param value the value
     * @return the value
     */
    static double nonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ScalingValueException(key, "must be >= 0, got " + Numbers.plain(value));
        }
        return value;
    }
}
