package dev.decaf.tensorflow;

import dev.decaf.core.decay.DecayRule;
import org.tensorflow.Graph;

/**
 * AdamC: AdamW whose weight decay follows the learning-rate schedule, γ_max the schedule's peak
 * (or {@link BaseBuilder#optMaxLearningRate}). The {@code llm} preset gives hidden matrices this
 * decay and embeddings and the head plain AdamW decay, as the paper does for the output layer. Its
 * decay stage:
 *
 * <pre>
 * θ ← θ·(1 − λ·γ_t²/γ_max)        i.e. λ_t = λ·γ_t/γ_max in AdamW's θ·(1 − γ_t·λ_t)
 * </pre>
 *
 * Everything else is {@link AdamFamily}'s update. Defaults: γ = 1e-3 (constant), β = (0.9, 0.999),
 * ε = 1e-8, λ = 1e-2.
 *
 * <pre>{@code
 * AdamC opt = AdamC.builder().optSchedule(schedule).optGroupPreset("llm").build(graph);
 * Op train = opt.minimize(loss);
 * try (Result r = opt.run(session.runner().feed(x, batch).addTarget(train).fetch(loss))) { ... }
 * }</pre>
 *
 * <p>Source: Defazio 2025, "Why Gradients Rapidly Increase Near the End of Training".
 */
public final class AdamC extends AdamFamily {

    private AdamC(Graph graph, Builder builder) {
        super(graph, builder);
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AdamC}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(DecayRule.CORRECTED, "AdamC");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Builds the optimizer on a graph; an invalid setting throws {@link IllegalArgumentException} naming it. */
        @Override
        public AdamC build(Graph graph) {
            return new AdamC(graph, this);
        }
    }
}
