package dev.decaf.train.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The metrics of one optimizer step, one line of {@code metrics.jsonl}:
 *
 * <pre>
 * {"step": …, ["skipped": true,] ["weight_norm": {group: …}, "update_ratio": {group: …},]
 *  "loss": …, "lr": …, "grad_norm": …, "tokens_per_s": …, "memory_mb": …[, "val_loss": …]}
 * </pre>
 *
 * @param step the step (1-based)
 * @param skipped whether the step was skipped (non-finite loss or gradient; no update)
 * @param groups per parameter group, in plan order; empty on steps that do not measure them
 * @param loss the training loss (mean over the micro-batches)
 * @param lr the learning rate of the step
 * @param gradNorm the global gradient norm before clipping
 * @param tokensPerSecond training tokens per second of the step
 * @param memoryMb the process's resident memory
 * @param valLoss the validation loss measured after the step, NaN when none was
 */
public record StepMetrics(long step, boolean skipped, Map<String, GroupUpdate> groups, double loss, double lr,
        double gradNorm, double tokensPerSecond, double memoryMb, double valLoss) implements MetricsRow {

    /** Copies the group map (keeping its order). */
    public StepMetrics {
        groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
    }

    /** Returns whether the row carries a validation loss. */
    public boolean hasValLoss() {
        return !Double.isNaN(valLoss);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("step", step);
        if (skipped) {
            n.put("skipped", true);
        }
        if (!groups.isEmpty()) {
            ObjectNode norms = n.putObject("weight_norm");
            groups.forEach((name, g) -> norms.put(name, g.weightNorm()));
            ObjectNode ratios = n.putObject("update_ratio");
            groups.forEach((name, g) -> ratios.put(name, g.updateRatio()));
        }
        n.put("loss", loss).put("lr", lr).put("grad_norm", gradNorm).put("tokens_per_s", tokensPerSecond)
                .put("memory_mb", memoryMb);
        if (hasValLoss()) {
            n.put("val_loss", valLoss);
        }
        return n;
    }
}
