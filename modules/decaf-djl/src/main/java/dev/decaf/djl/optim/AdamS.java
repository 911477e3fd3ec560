package dev.decaf.djl.optim;

import dev.decaf.core.decay.DecayRule;

/**
 * AdamS: Adam with stable weight decay. The decay is divided by the root of v̄, the mean of the
 * bias-corrected second moment over all parameters, so its strength does not depend on the
 * gradient scale:
 *
 * <pre>
 * for every parameter:  t ← t + 1 ; m ← β1·m + (1−β1)·g ; v ← β2·v + (1−β2)·g² ; v̂ = v/(1−β2^t)
 * v̄ = mean of v̂ over all elements of all parameters (one scalar per step)
 * for every parameter:  θ ← θ · (1 − γ_t·λ/√v̄) ;  θ ← θ − (γ_t/(1−β1^t)) · m / (√v̂ + ε)
 * </pre>
 *
 * <p>Source: Xie, Xu, Zhang, Sato, Sugiyama, "On the Overlooked Pitfalls of Weight Decay and How
 * to Mitigate Them: A Gradient-Norm Perspective", NeurIPS 2023; official code {@code
 * swd_optim/adams.py} (whose README uses λ = 5e-4, the default here; amsgrad is not supported).
 *
 * <p>DJL calls {@code update} one parameter at a time, but v̄ needs every v̂ before the first
 * parameter moves. decaf therefore runs two phases (see {@link AdamFamily}): moments on each
 * {@code update}, and every weight once the block's last trainable parameter has been seen. This
 * needs {@code optParamGroups(...)} so the optimizer knows the whole set.
 */
public final class AdamS extends AdamFamily {

    private AdamS(Builder builder) {
        super(builder);
    }

    /** Returns a builder (γ = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 5e-4). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AdamS}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(5e-4f, DecayRule.STABLE);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer; invalid settings throw {@link IllegalArgumentException} naming the value. */
        @Override
        public AdamS build() {
            return new AdamS(this);
        }
    }
}
