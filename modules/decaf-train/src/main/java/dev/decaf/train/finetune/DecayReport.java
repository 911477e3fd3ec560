package dev.decaf.train.finetune;

import dev.decaf.core.decay.DecayRule;
import java.util.Locale;

/**
 * The EMA view of AdamW's weight decay (Wang &amp; Aitchison, ICML 2025): the weights average over
 * the last τ_iter = 1/(γ·λ) steps; in epochs, τ_epoch = τ_iter·B/N. A fine-tune whose τ_iter is far
 * beyond its length hardly feels the decay — the report says so. Under the cautious rule a
 * coordinate decays only on the steps where its mask is 1, so its timescale is τ_iter divided by
 * that fraction: τ_iter is the shortest it can be, and the line says so.
 */
public final class DecayReport {

    private DecayReport() {}

    /**
     * Describes λ in EMA terms.
     *
     * @param lr the peak learning rate γ
     * @param weightDecay λ
     * @param batch sequences per optimizer step B
     * @param samples training samples N
     * @param steps total steps
     * @param rule the optimizer's default decay rule
     * @return one line
     */
    public static String describe(double lr, double weightDecay, long batch, long samples, long steps, DecayRule rule) {
        if (weightDecay == 0 || lr == 0) {
            return "weight decay: off (λ = 0)";
        }
        double tauIter = 1 / (lr * weightDecay);
        double tauEpoch = samples == 0 ? Double.NaN : tauIter * batch / samples;
        return String.format(Locale.ROOT,
                "weight decay: λ=%s, τ_iter = 1/(γ·λ) = %,.0f steps, τ_epoch = τ_iter·B/N = %.2f epochs, τ_iter/steps = %.2f%s",
                weightDecay, tauIter, tauEpoch, tauIter / steps,
                tauIter > 3 * steps ? " (τ far beyond the run: the decay barely acts)" : "")
                + (rule.masked() ? "; " + rule + ": only where m_t·θ ≥ 0, so τ is a lower bound" : "");
    }
}
