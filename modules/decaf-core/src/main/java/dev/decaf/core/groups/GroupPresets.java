package dev.decaf.core.groups;

import dev.decaf.core.decay.DecayRule;
import java.util.List;

/**
 * The named decay-group presets, defined once for every engine.
 *
 * <ul>
 *   <li>{@code standard} (nanoGPT / timm / Hugging Face): {@code decay} = every matrix (hidden
 *       weights, embeddings, head) with the optimizer's λ and rule; {@code no_decay} = norms,
 *       biases and anything with &lt; 2 dimensions, λ = 0.
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

    /** What no preset decays: rank &lt; 2, biases, normalization parameters. */
    public static final ParamMatcher NO_DECAY =
            ParamMatcher.kind(LayerKind.NORM, LayerKind.BIAS).or(ParamMatcher.ndimBelow(2));

    private GroupPresets() {}

    /**
     * Returns a preset's group rules, in order.
     *
     * @param name {@code standard} or {@code llm}
     * @return the rules
     * @throws IllegalArgumentException for another name
     */
    public static List<GroupRule> rules(String name) {
        return switch (name) {
            case "standard" -> List.of(
                    GroupRule.builder("decay", NO_DECAY.negate()).allowEmpty().build(),
                    GroupRule.builder("no_decay", NO_DECAY).weightDecay(0).allowEmpty().build());
            case "llm" -> List.of(
                    GroupRule.builder("hidden", ParamMatcher.kind(LayerKind.WEIGHT).and(NO_DECAY.negate()))
                            .allowEmpty().build(),
                    GroupRule.builder("embeddings", ParamMatcher.kind(LayerKind.EMBEDDING, LayerKind.HEAD))
                            .decayRule(DecayRule.DECOUPLED).allowEmpty().build(),
                    GroupRule.builder("no_decay", NO_DECAY).weightDecay(0).allowEmpty().build());
            default -> throw new IllegalArgumentException("unknown group preset '" + name + "': expected one of " + NAMES);
        };
    }
}
