package dev.decaf.train.metrics;

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

    @Override
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        return n.put("step", step).put("val_loss", valLoss);
    }
}
