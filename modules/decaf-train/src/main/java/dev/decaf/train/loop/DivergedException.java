package dev.decaf.train.loop;

/** Thrown when training diverged: too many non-finite steps in a row, or a non-finite weight to save. */
public final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what diverged, where, and what to try
     */
    public DivergedException(String message) {
        super(message);
    }
}
