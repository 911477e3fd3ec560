package dev.decaf.core.scaling;

import java.util.Map;

/**
 * λ from the timescale of the exponential moving average that AdamW's weights are (Wang &amp;
 * Aitchison, "How to set AdamW's weight decay as you scale model and dataset size", ICML 2025):
 * the weights average over the last τ_iter = 1/(η·λ) steps, τ_epoch = τ_iter·B/N epochs. Their
 * finding is that the best τ_epoch stays roughly constant as model and data grow, so given τ_epoch
 * {@code λ = B/(η·N·τ_epoch)}; given τ_iter {@code λ = 1/(η·τ_iter)}.
 *
 * @param tau the timescale, > 0
 * @param inEpochs whether {@code tau} is τ_epoch (else τ_iter, in steps)
 */
public record EmaRule(double tau, boolean inEpochs) implements LambdaRule {

    /** Checks that the timescale is positive. */
    public EmaRule {
        ScalingValueException.positive(inEpochs ? "tau_epoch" : "tau_iter", tau);
    }

    /**
     * The rule given τ_epoch.
     *
     * @param tauEpoch τ_epoch, in epochs
     * @return the rule
     */
    public static EmaRule ofEpochs(double tauEpoch) {
        return new EmaRule(tauEpoch, true);
    }

    /**
     * The rule given τ_iter.
     *
     * @param tauIter τ_iter, in steps
     * @return the rule
     */
    public static EmaRule ofIterations(double tauIter) {
        return new EmaRule(tauIter, false);
    }

    @Override
    public String name() {
        return "ema";
    }

    @Override
    public double lambda(ScalingInputs in) {
        return inEpochs ? in.batchSize() / (in.lr() * in.samples() * tau) : 1 / (in.lr() * tau);
    }

    @Override
    public String formula(ScalingInputs in) {
        String n = Numbers.plain(in.lr()) + "·";
        return inEpochs
                ? "λ = B/(η·N·τ_epoch) = " + in.batchSize() + "/(" + n + in.samples() + "·" + Numbers.plain(tau) + ") = "
                        + Numbers.fmt(lambda(in))
                : "λ = 1/(η·τ_iter) = 1/(" + n + Numbers.plain(tau) + ") = " + Numbers.fmt(lambda(in));
    }

    @Override
    public Map<String, Double> options() {
        return Map.of(inEpochs ? "tau_epoch" : "tau_iter", tau);
    }
}
