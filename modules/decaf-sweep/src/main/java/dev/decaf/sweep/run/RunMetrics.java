package dev.decaf.sweep.run;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a finished run's files say, for results.csv: from {@code metrics.jsonl}, the training loss
 * (the mean over the last tenth of the steps, at least one step: a single step's loss is too
 * noisy to compare trials by) and the last step's gradient norm; from {@code weight_decay.json},
 * λ and its timescales.
 *
 * @param initialValLoss the validation loss before the first step (the run's {@code "initial": true}
 *     row; a resumed run keeps it), NaN when not measured
 * @param trainLoss mean training loss over the last ⌈steps/10⌉ steps (NaN without metrics)
 * @param lastGradNorm the last step's global gradient norm (before clipping)
 * @param weightDecay weight_decay.json's object (empty when the run wrote none)
 */
public record RunMetrics(double initialValLoss, double trainLoss, double lastGradNorm, Map<String, Object> weightDecay) {

    /** The file a run describes its λ in. */
    public static final String WEIGHT_DECAY_FILE = "weight_decay.json";

    /**
     * Reads a run directory.
     *
     * @param run the run directory
     * @return the metrics
     * @throws IOException on I/O errors
     */
    public static RunMetrics read(Path run) throws IOException {
        double[] initial = {Double.NaN};
        List<double[]> steps = steps(run, initial);
        double loss = Double.NaN;
        double grad = Double.NaN;
        if (!steps.isEmpty()) {
            int tail = Math.max(1, (int) Math.ceil(steps.size() / 10.0));
            double sum = 0;
            for (int i = steps.size() - tail; i < steps.size(); i++) {
                sum += steps.get(i)[1];
            }
            loss = sum / tail;
            grad = steps.get(steps.size() - 1)[2];
        }
        Map<String, Object> decay = Map.of();
        try {
            decay = Json.parseObject(Files.readString(run.resolve(WEIGHT_DECAY_FILE)));
        } catch (NoSuchFileException e) {
            // a run from before weight_decay.json: λ and τ stay empty
        }
        return new RunMetrics(initial[0], loss, grad, decay);
    }

    /**
     * Returns {step, loss, grad_norm} of every training row of a run's metrics.jsonl, in order; a
     * resumed run's repeated steps keep their last value.
     *
     * @param run the run directory
     * @return the rows
     * @throws IOException on I/O errors
     */
    public static List<double[]> steps(Path run) throws IOException {
        return steps(run, new double[1]);
    }

    /** The training rows, and (into {@code initial[0]}) the {@code "initial": true} row's val_loss, in one pass. */
    private static List<double[]> steps(Path run, double[] initial) throws IOException {
        List<double[]> rows = new ArrayList<>();
        Path file = run.resolve("metrics.jsonl");
        if (!Files.exists(file)) {
            return rows;
        }
        java.util.TreeMap<Long, double[]> byStep = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> m;
            try {
                m = Json.parseObject(line);
            } catch (IllegalArgumentException e) {
                continue; // a torn last line of a killed run
            }
            if (Boolean.TRUE.equals(m.get("initial")) && m.get("val_loss") instanceof Number v) {
                initial[0] = v.doubleValue();
            }
            if (m.get("loss") instanceof Number l && m.get("step") instanceof Number s) {
                double g = m.get("grad_norm") instanceof Number n ? n.doubleValue() : Double.NaN;
                byStep.put(s.longValue(), new double[] {s.doubleValue(), l.doubleValue(), g});
            }
        }
        rows.addAll(byStep.values());
        return rows;
    }
}
