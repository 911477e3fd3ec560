package dev.decaf.core.scaling;

import java.util.List;
import java.util.Map;

/**
 * λ from the Power Lines fit (Bergsma et al., "Power Lines: Scaling Laws for Weight Decay and Batch
 * Size in LLM Pre-training", NeurIPS 2025): the AdamW timescale as a fraction of the run's tokens,
 * {@code τ = B_tok/(η·λ·D_run)}, is best at {@code τ_opt = 1.084·TPP^−0.527} with {@code TPP =
 * D_run/N_params}, so {@code λ = B_tok/(η·D_run·τ_opt)}. D_run = E·D, the tokens the run processes
 * (D for one epoch, as in the single-epoch pre-training the fit was made on).
 *
 * <p>The fit covers pre-training from about {@link #FIT_MIN_TPP} to over {@link #FIT_MAX_TPP}
 * tokens per parameter; outside that range (almost every fine-tune) it is a prior at best, and
 * {@link #warnings} says so.
 */
public record PowerLinesRule() implements LambdaRule {

    /** The fit's coefficient: τ_opt = {@value}·TPP^−0.527. */
    public static final double COEFFICIENT = 1.084;
    /** The fit's exponent: τ_opt = 1.084·TPP^{@value}. */
    public static final double EXPONENT = -0.527;
    /** The fewest tokens per parameter the fit was made on. */
    public static final double FIT_MIN_TPP = 20;
    /** The most tokens per parameter the fit was made on (its runs reached a little over this). */
    public static final double FIT_MAX_TPP = 1000;

    /**
     * Returns the fit's optimal timescale.
     *
     * @param tpp tokens per parameter
     * @return τ_opt = 1.084·TPP^−0.527, a fraction of the run's tokens
     */
    public static double optimalTau(double tpp) {
        return COEFFICIENT * Math.pow(tpp, EXPONENT);
    }

    @Override
    public String name() {
        return "power-lines";
    }

    @Override
    public double lambda(ScalingInputs in) {
        return in.batchTokens() / (in.lr() * in.runTokens() * optimalTau(in.tokensPerParameter()));
    }

    @Override
    public String formula(ScalingInputs in) {
        double tpp = in.tokensPerParameter();
        return "λ = B_tok/(η·D_run·τ_opt) = " + in.batchTokens() + "/(" + Numbers.plain(in.lr()) + "·"
                + Numbers.fmt(in.runTokens()) + "·" + Numbers.fmt(optimalTau(tpp)) + ") = " + Numbers.fmt(lambda(in))
                + ", τ_opt = 1.084·TPP^−0.527 = 1.084·" + Numbers.fmt(tpp) + "^−0.527 = "
                + Numbers.fmt(optimalTau(tpp));
    }

    @Override
    public Map<String, Double> options() {
        return Map.of();
    }

    @Override
    public List<String> warnings(ScalingInputs in) {
        double tpp = in.tokensPerParameter();
        if (tpp >= FIT_MIN_TPP && tpp <= FIT_MAX_TPP) {
            return List.of();
        }
        return List.of("TPP = D_run/N_params = " + Numbers.fmt(tpp) + " is outside [20, 1000], the tokens per"
                + " parameter Power Lines was fitted on (pre-training): its λ is a prior, not a fit");
    }
}
