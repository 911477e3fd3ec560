package dev.decaf.sweep.plan;

import java.util.List;
import java.util.Objects;

/**
 * One dimension of a sweep's grid: a recipe key path and the values it takes, each kept as YAML
 * text (so {@code {rule: ema, tau_epoch: 0.5}} reaches the recipe as the map it is).
 *
 * @param key the recipe key path ({@code optimizer.weight_decay}), or {@link #SEED}
 * @param values the values, as YAML flow text, in the sweep file's order
 */
public record Axis(String key, List<String> values) {

    /** The axis {@code seeds:} becomes: it sets {@code train.seed}, and summaries average over it. */
    public static final String SEED = "seed";

    /** Checks and copies. */
    public Axis {
        Objects.requireNonNull(key, "key");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("an axis needs at least one value");
        }
    }

    /** Returns the recipe key this axis sets ({@code train.seed} for {@link #SEED}). */
    public String recipeKey() {
        return key.equals(SEED) ? "train.seed" : key;
    }
}
