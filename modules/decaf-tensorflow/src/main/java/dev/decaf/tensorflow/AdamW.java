package dev.decaf.tensorflow;

import dev.decaf.core.decay.DecayRule;
import org.tensorflow.Graph;

/**
 * AdamW exactly as {@code torch.optim.AdamW} defines it: decoupled decay on θ_{t−1}, ε after bias
 * correction. Its decay stage:
 *
 * <pre>
 * θ ← θ·(1 − γ_t·λ)
 * </pre>
 *
 * Everything else is {@link AdamFamily}'s update. Defaults: γ = 1e-3 (constant), β = (0.9, 0.999),
 * ε = 1e-8, λ = 1e-2.
 *
 * <pre>{@code
 * AdamW opt = AdamW.builder().optSchedule(schedule).optGroupPreset("llm").build(graph);
 * Op train = opt.minimize(loss);
 * try (Result r = opt.run(session.runner().feed(x, batch).addTarget(train).fetch(loss))) { ... }
 * }</pre>
 *
 * <p>Source: Loshchilov &amp; Hutter, ICLR 2019, "Decoupled Weight Decay Regularization"; the
 * reference is {@code torch.optim.AdamW}.
 */
public final class AdamW extends AdamFamily {

    private AdamW(Graph graph, Builder builder) {
        super(graph, builder);
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AdamW}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(DecayRule.DECOUPLED, "AdamW");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer on a graph; an invalid setting throws {@link IllegalArgumentException} naming it. */
        @Override
        public AdamW build(Graph graph) {
            return new AdamW(graph, this);
        }
    }
}
