package dev.decaf.djl.optim;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;

/**
 * Stage 2 of the Adam pipeline for one group: its {@link DecayRule} bound to the group's λ and
 * peak, γ_max·lr_scale. This stage, and nothing else, is where AdamW and AdamC differ.
 *
 * <pre>
 * decoupled    θ ← θ·(1 − γ_t·λ)                   AdamW
 * corrected    θ ← θ·(1 − λ·γ_t²/γ_max)            AdamC
 * independent  θ ← θ·(1 − λ·γ_t/γ_max)
 * l2           g ← g + λ·θ   (in the gradient stage, before the moments)
 * stable       θ ← θ·(1 − γ_t·λ/√v̄)              AdamS: waits for v̄ over every parameter
 * cautious     θ ← θ·(1 − γ_t·λ) where m_t·θ ≥ 0   CautiousAdamW: masked per coordinate
 * </pre>
 *
 * The shrink s of θ ← θ·(1 − s) and the coupling c of g ← g + c·θ feed {@link
 * dev.decaf.djl.optim.kernel.AdamCoefficients}.
 */
final class DecayStage {

    private final DecayRule rule;
    private final double lambda;
    private final double maxLr;

    private DecayStage(DecayRule rule, double lambda, double maxLr) {
        this.rule = rule;
        this.lambda = lambda;
        this.maxLr = maxLr;
    }

    /**
     * Binds a group's rule.
     *
     * @param group the group (λ, rule, lr_scale)
     * @param maxLearningRate the optimizer's γ_max (NaN when unknown)
     * @return the stage
     */
    static DecayStage of(GroupPlan.Group group, double maxLearningRate) {
        return new DecayStage(group.decayRule(), group.weightDecay(), maxLearningRate * group.lrScale());
    }

    /** Returns whether θ can only move once v̄ over every parameter is known (two-phase step). */
    boolean waitsForMeanSecondMoment() {
        return rule.needsMeanSecondMoment();
    }

    /**
     * Returns s for a step that does not wait for v̄ (0 for rules that do, until {@link
     * #shrinkWithMean}).
     *
     * @param lr γ_t of this group
     * @return s
     */
    double shrink(double lr) {
        return lambda == 0 || rule.needsMeanSecondMoment() ? 0 : rule.shrink(lambda, lr, maxLr, Double.NaN);
    }

    /**
     * Returns s once v̄ is known (the second phase of a two-phase step).
     *
     * @param lr γ_t of this group
     * @param meanSecondMoment v̄
     * @return s
     */
    double shrinkWithMean(double lr, double meanSecondMoment) {
        return lambda == 0 ? 0 : rule.shrink(lambda, lr, maxLr, meanSecondMoment);
    }

    /** Returns whether the shrink applies only where sign(m_t)·sign(θ_{t−1}) ≥ 0 ({@code cautious}). */
    boolean masked() {
        return rule.masked();
    }

    /** Returns c of g ← g + c·θ (λ for {@code l2}, else 0). */
    double coupling() {
        return rule.couplingCoefficient(lambda);
    }

    /** Returns whether a rule reads γ_max ({@code corrected}, {@code independent}). */
    static boolean needsPeak(DecayRule rule) {
        return rule == DecayRule.CORRECTED || rule == DecayRule.INDEPENDENT;
    }

    /** Returns the rule's update in one line, for {@code describe()}. */
    static String formula(DecayRule rule) {
        return switch (rule) {
            case DECOUPLED -> "θ ← θ·(1 − γ_t·λ)";
            case CORRECTED -> "θ ← θ·(1 − λ·γ_t²/γ_max)";
            case INDEPENDENT -> "θ ← θ·(1 − λ·γ_t/γ_max)";
            case COUPLED_L2 -> "g ← g + λ·θ";
            case STABLE -> "θ ← θ·(1 − γ_t·λ/√v̄)";
            case CAUTIOUS -> "θ ← θ·(1 − γ_t·λ) where m_t·θ ≥ 0";
        };
    }
}
