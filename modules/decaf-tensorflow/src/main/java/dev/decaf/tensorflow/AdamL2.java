package dev.decaf.tensorflow;

import dev.decaf.core.decay.DecayRule;
import org.tensorflow.Graph;

/**
 * Adam with coupled L2 regularisation, as {@code torch.optim.Adam(weight_decay=λ)}: the decay
 * passes through Adam's preconditioner. For comparison with AdamW. Its decay stage:
 *
 * <pre>
 * g ← g + λ·θ   (before the moments; no decoupled decay)
 * </pre>
 *
 * Everything else is {@link AdamFamily}'s update. Defaults: γ = 1e-3 (constant), β = (0.9, 0.999),
 * ε = 1e-8, λ = 1e-2.
 *
 * <pre>{@code
 * AdamL2 opt = AdamL2.builder().optSchedule(schedule).optGroupPreset("llm").build(graph);
 * Op train = opt.minimize(loss);
 * try (Result r = opt.run(session.runner().feed(x, batch).addTarget(train).fetch(loss))) { ... }
 * }</pre>
 *
 * <p>The reference is {@code torch.optim.Adam}.
 */
public final class AdamL2 extends AdamFamily {

    private AdamL2(Graph graph, Builder builder) {
        super(graph, builder);
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AdamL2}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(DecayRule.COUPLED_L2, "AdamL2");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer on a graph; an invalid setting throws {@link IllegalArgumentException} naming it. */
        @Override
        public AdamL2 build(Graph graph) {
            return new AdamL2(graph, this);
        }
    }
}
