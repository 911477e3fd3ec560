package dev.decaf.models.nn;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.groups.ParamMatcher;
import dev.decaf.djl.optim.ParamGroups;
import java.util.List;

/**
 * The named decay-group presets of decaf's decoders.
 *
 * <ul>
 *   <li>{@code standard} (nanoGPT / timm / Hugging Face): {@code decay} = every matrix (hidden
 *       weights, embeddings, head) with the optimizer's λ and rule; {@code no_decay} = norms,
 *       biases and anything with &lt; 2 dimensions.
 *   <li>{@code llm} (DESIGN.md, after Defazio 2025): {@code hidden} = hidden matrices, with the
 *       optimizer's rule (AdamC: corrected); {@code embeddings} = token/position embeddings and the
 *       output head with plain decoupled decay; {@code no_decay} = norms and biases.
 * </ul>
 *
 * A tied output head is the embedding parameter itself, so it belongs to exactly one group.
 */
public final class GroupPresets {

    /** The preset names. */
    public static final List<String> NAMES = List.of("standard", "llm");

    private GroupPresets() {}

    /**
     * Builds a preset for a model.
     *
     * @param model the model
     * @param name {@code standard} or {@code llm}
     * @return the groups
     */
    public static ParamGroups of(DecoderModel model, String name) {
        ParamMatcher none = ParamMatcher.kind(LayerKind.NORM, LayerKind.BIAS).or(ParamMatcher.ndimBelow(2));
        return switch (name) {
            case "standard" -> model.groups()
                    .add(GroupRule.builder("decay", none.negate()).allowEmpty().build())
                    .add(GroupRule.builder("no_decay", none).weightDecay(0).allowEmpty().build())
                    .build();
            case "llm" -> model.groups()
                    .add(GroupRule.builder("hidden", ParamMatcher.kind(LayerKind.WEIGHT).and(none.negate())).allowEmpty().build())
                    .add(GroupRule.builder("embeddings", ParamMatcher.kind(LayerKind.EMBEDDING, LayerKind.HEAD))
                            .decayRule(DecayRule.DECOUPLED).allowEmpty().build())
                    .add(GroupRule.builder("no_decay", none).weightDecay(0).allowEmpty().build())
                    .build();
            default -> throw new IllegalArgumentException("unknown group preset '" + name + "': expected standard or llm");
        };
    }
}
