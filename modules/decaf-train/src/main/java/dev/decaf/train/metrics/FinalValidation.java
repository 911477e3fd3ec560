package dev.decaf.train.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The validation loss at the end of a run, its last line of {@code metrics.jsonl}: {@code {"step":
 * …, "val_loss": …[, "best_step": …, "best_val_loss": …][, "early_stopped": true]}}.
 *
 * @param step the last step
 * @param valLoss the validation loss of the final weights
 * @param bestStep the step of the lowest validation loss of the run, −1 when unknown
 * @param bestValLoss that loss, NaN when unknown
 * @param earlyStopped whether {@code train.early_stop} ended the run
 */
public record FinalValidation(long step, double valLoss, long bestStep, double bestValLoss, boolean earlyStopped)
        implements MetricsRow {

    /**
     * The final line without a best.
     *
     * @param step the last step
     * @param valLoss the validation loss of the final weights
     */
    public FinalValidation(long step, double valLoss) {
        this(step, valLoss, -1, Double.NaN, false);
    }

    /**
     * Returns whether a {@code metrics.jsonl} entry is a final validation line: a {@code val_loss}
     * without a training {@code loss} (a step's row carries both) that is not the {@link
     * InitialValidation}.
     *
     * @param entry the entry
     * @return whether it is one
     */
    public static boolean isFinalValidation(JsonNode entry) {
        return entry.has("val_loss") && !entry.has("loss") && !InitialValidation.isInitialValidation(entry);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("step", step).put("val_loss", valLoss);
        if (bestStep >= 0) {
            n.put("best_step", bestStep).put("best_val_loss", bestValLoss);
        }
        if (earlyStopped) {
            n.put("early_stopped", true);
        }
        return n;
    }
}
