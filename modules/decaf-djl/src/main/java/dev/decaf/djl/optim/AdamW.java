package dev.decaf.djl.optim;

import dev.decaf.core.decay.DecayRule;

/**
 * AdamW exactly as {@code torch.optim.AdamW} defines it (defaults γ = 1e-3, β = (0.9, 0.999), ε =
 * 1e-8, λ = 1e-2):
 *
 * <pre>
 * t ← t + 1                                          (per parameter)
 * θ ← θ · (1 − γ_t·λ)                                decay first, on θ_{t−1}
 * m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
 * θ ← θ − (γ_t/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)     ε added after bias correction
 * </pre>
 *
 * <p>Source: Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019; the
 * formula and its order of operations are PyTorch's. See {@link AdamFamily} for groups, state and
 * speed.
 *
 * <pre>{@code
 * Optimizer opt = AdamW.builder()
 *     .optLearningRateTracker(ScheduleTracker.of(Schedule.warmup(3e-4, 100, 2000, DecayShape.COSINE, 0.1)))
 *     .optWeightDecays(0.1f)
 *     .optParamGroups(ParamGroups.standard(block))
 *     .build();
 * }</pre>
 */
public final class AdamW extends AdamFamily {

    private AdamW(Builder builder) {
        super(builder);
    }

    /** Returns a builder with PyTorch's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AdamW}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(0.01f, DecayRule.DECOUPLED);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer; invalid settings throw {@link IllegalArgumentException} naming the value. */
        @Override
        public AdamW build() {
            return new AdamW(this);
        }
    }
}
