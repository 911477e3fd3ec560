package dev.decaf.tensorflow;

import dev.decaf.core.decay.DecayRule;
import org.tensorflow.Graph;

/**
 * AdamS: Adam with stable weight decay, the decay divided by the root of v̄, the mean of the
 * bias-corrected second moment over every element of every variable (one scalar per step), so its
 * strength does not follow the gradient scale:
 *
 * <pre>
 * every variable:  t ← t + 1 ; m ← β1·m + (1−β1)·g ; v ← β2·v + (1−β2)·g² ; v̂ = v/(1−β2^t)
 * v̄ = mean of v̂ over all elements of all variables
 * every variable:  θ ← θ · (1 − γ_t·λ/√v̄) ;  θ ← θ − (γ_t/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)
 * </pre>
 *
 * In a graph the two phases are two layers of ops ({@link AdamFamily#finish}): every weight update
 * depends on every moment update. Defaults: γ = 1e-3 (constant), β = (0.9, 0.999), ε = 1e-8,
 * λ = 5e-4 (the official code's README).
 *
 * <p>Source: Xie, Xu, Zhang, Sato, Sugiyama, "On the Overlooked Pitfalls of Weight Decay and How to
 * Mitigate Them: A Gradient-Norm Perspective", NeurIPS 2023; official code {@code swd_optim/adams.py}.
 */
public final class AdamS extends AdamFamily {

    private AdamS(Graph graph, Builder builder) {
        super(graph, builder);
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AdamS}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(DecayRule.STABLE, "AdamS");
            optWeightDecay(5e-4);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer on a graph; an invalid setting throws {@link IllegalArgumentException} naming it. */
        @Override
        public AdamS build(Graph graph) {
            return new AdamS(graph, this);
        }
    }
}
