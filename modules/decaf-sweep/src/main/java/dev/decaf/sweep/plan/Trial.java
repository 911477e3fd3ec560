package dev.decaf.sweep.plan;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One point of a sweep's grid: a fine-tuning run of the base recipe with one value per axis.
 *
 * @param index the trial's position in the grid (first axis slowest, seeds fastest)
 * @param id a deterministic id: the first 12 hex digits of the SHA-256 of the trial's resolved
 *     recipe (so the same settings get the same id in every sweep, run or shard)
 * @param values axis key → value text, in axis order
 * @param overrides the {@code key.path=value} overrides that make the trial's recipe from the base
 *     (the sweep's {@code set:} and {@code --set}, then one per axis)
 */
public record Trial(int index, String id, Map<String, String> values, List<String> overrides) {

    /** Checks and copies. */
    public Trial {
        Objects.requireNonNull(id, "id");
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        overrides = List.copyOf(overrides);
    }

    /** Returns the values as {@code key=value} words, for progress lines. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
