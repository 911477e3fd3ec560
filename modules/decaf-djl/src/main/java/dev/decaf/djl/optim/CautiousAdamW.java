package dev.decaf.djl.optim;

import dev.decaf.core.decay.DecayRule;

/**
 * AdamW with cautious weight decay: decay only the coordinates where the Adam update and the
 * weight agree in sign. The only difference from {@link AdamW} is the decay stage:
 *
 * <pre>
 * θ ← θ − γ_t·(u + λ·𝟙[u⊙θ ≥ 0]⊙θ),   u = m̂/(√v̂ + ε),  θ = θ_{t−1}
 *   = θ·(1 − γ_t·λ) then the Adam step   where m_t·θ_{t−1} ≥ 0   (sign(u) = sign(m_t))
 *   = θ − γ_t·u, no decay                 where they disagree
 * </pre>
 *
 * <p>Against AdamW: the same shrink γ_t·λ, in the same order of operations, masked per
 * coordinate; where the mask is 1 the weight is exactly AdamW's. Against {@link AdamC}: AdamC
 * changes the <em>size</em> of the decay with the schedule (λ·γ_t²/γ_max), cautious changes
 * <em>which coordinates</em> decay. The two compose in principle; decaf ships cautious on the
 * decoupled size only ({@link DecayRule#CAUTIOUS}), so a group given {@code rule: cautious} in an
 * AdamC run decays with γ_t·λ, masked.
 *
 * <p>Why (the paper's argument): a decay that pulls θ against the direction the update moves it
 * fights the loss; with the mask the optimizer no longer minimises a regularised objective but the
 * original loss, and once near its stationary points the decay still steers towards small weights.
 *
 * <p>Source: Chen et al. 2025, "Cautious Weight Decay", arXiv 2510.12402.
 */
public final class CautiousAdamW extends AdamFamily {

    private CautiousAdamW(Builder builder) {
        super(builder);
    }

    /** Returns a builder (defaults as {@link AdamW}: γ = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-2). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link CautiousAdamW}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(0.01f, DecayRule.CAUTIOUS);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer; invalid settings throw {@link IllegalArgumentException} naming the value. */
        @Override
        public CautiousAdamW build() {
            return new CautiousAdamW(this);
        }
    }
}
