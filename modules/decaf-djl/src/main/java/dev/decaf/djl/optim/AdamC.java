package dev.decaf.djl.optim;

import dev.decaf.core.decay.DecayRule;

/**
 * AdamC: AdamW whose weight decay follows the learning-rate schedule. The only difference from
 * {@link AdamW} is the decay stage:
 *
 * <pre>
 * θ ← θ · (1 − λ·γ_t²/γ_max)        i.e. λ_t = λ·γ_t/γ_max in AdamW's θ·(1 − γ_t·λ_t)
 * </pre>
 *
 * <p>Why: for layers followed by normalization the steady state of AdamW is ‖g‖/‖θ‖ ≈ √(2λ/γ_t),
 * which grows without bound as γ_t → 0 at the end of a schedule; scaling λ with γ_t/γ_max keeps it
 * constant. γ_max is the schedule's peak (not the first warm-up value): {@link
 * BaseBuilder#optMaxLearningRate} or the peak of a {@link ScheduleTracker}.
 *
 * <p>Source: Defazio 2025, "Why Gradients Rapidly Increase Near the End of Training". The paper
 * applies the correction to hidden layers that are followed by normalization and keeps AdamW decay
 * for the output layer: give such a group {@code decayRule(DecayRule.DECOUPLED)}.
 */
public final class AdamC extends AdamFamily {

    private AdamC(Builder builder) {
        super(builder);
    }

    /** Returns a builder (defaults as {@link AdamW}: γ = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-2). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AdamC}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(0.01f, DecayRule.CORRECTED);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer; invalid settings throw {@link IllegalArgumentException} naming the value. */
        @Override
        public AdamC build() {
            return new AdamC(this);
        }
    }
}
