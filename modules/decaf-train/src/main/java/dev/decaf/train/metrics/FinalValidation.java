package dev.decaf.train.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The validation loss at the end of a run, its last line of {@code metrics.jsonl}: {@code {"step":
 * …, "val_loss": …}}.
 *
 * @param step the last step
 * @param valLoss the validation loss of the final weights
 */
public record FinalValidation(long step, double valLoss) implements MetricsRow {

    /**
     * Returns whether a {@code metrics.jsonl} entry is a final validation line: a {@code val_loss}
     * without a training {@code loss} (a step's row carries both).
     *
     * @param entry the entry
     * @return whether it is one
     */
    public static boolean isFinalValidation(JsonNode entry) {
        return entry.has("val_loss") && !entry.has("loss");
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        return n.put("step", step).put("val_loss", valLoss);
    }
}
