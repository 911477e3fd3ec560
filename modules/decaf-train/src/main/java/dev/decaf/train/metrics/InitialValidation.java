package dev.decaf.train.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The validation loss of a fresh run's starting weights, its first line of {@code metrics.jsonl}:
 * {@code {"step": 0, "val_loss": …, "initial": true}} (the loss curve's point at step 0).
 *
 * @param valLoss the validation loss before the first step
 */
public record InitialValidation(double valLoss) implements MetricsRow {

    /**
     * Returns whether a {@code metrics.jsonl} entry is this line.
     *
     * @param entry the entry
     * @return whether it is one
     */
    public static boolean isInitialValidation(JsonNode entry) {
        return entry.path("initial").asBoolean(false);
    }

    @Override
    public long step() {
        return 0;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        return n.put("step", 0).put("val_loss", valLoss).put("initial", true);
    }
}
