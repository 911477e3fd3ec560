package dev.decaf.djl.optim;

import dev.decaf.core.decay.DecayRule;

/**
 * Adam with coupled L2 regularisation, exactly {@code torch.optim.Adam(weight_decay=λ)} (defaults
 * γ = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0): the decay enters the gradient before the moments,
 * so Adam's preconditioner rescales it.
 *
 * <pre>
 * g ← g + λ·θ
 * m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
 * θ ← θ − (γ_t/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)
 * </pre>
 *
 * <p>For comparison with the decoupled rules (Loshchilov &amp; Hutter, ICLR 2019, show why it
 * regularises weights with large gradients less).
 */
public final class AdamL2 extends AdamFamily {

    private AdamL2(Builder builder) {
        super(builder);
    }

    /** Returns a builder with PyTorch's {@code Adam} defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AdamL2}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(0f, DecayRule.COUPLED_L2);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer; invalid settings throw {@link IllegalArgumentException} naming the value. */
        @Override
        public AdamL2 build() {
            return new AdamL2(this);
        }
    }
}
