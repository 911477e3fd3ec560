package dev.decaf.sweep.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.train.metrics.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One line of {@code grad_norm.png}: the gradient norm against the step for one value of the
 * {@value #OPTIMIZER_NAME} axis, the mean over that optimizer's finished trials at each step
 * (over the trials whose {@code metrics.jsonl} has that step: a step only some runs reached is the
 * mean of those). Read from the rows of each trial's {@code runDir/metrics.jsonl} that have
 * {@code step} and {@code grad_norm} as finite numbers; a repeated step in one file keeps its last
 * value (a resumed run's log).
 *
 * @param optimizer the optimizer's name as the sweep file writes it
 * @param trials how many trials' logs the mean is over
 * @param meanByStep the mean gradient norm at each step
 */
public record GradNormCurve(String optimizer, int trials, SortedMap<Long, Double> meanByStep) {

    /** The axis whose values make the lines. */
    public static final String OPTIMIZER_NAME = "optimizer.name";

    /** Copies the points. */
    public GradNormCurve {
        meanByStep = Collections.unmodifiableSortedMap(new TreeMap<>(meanByStep));
    }

    /**
     * The lines, and what was left out.
     *
     * @param curves one per optimizer that has at least one readable log, in order of first appearance
     * @param notes one line per finished trial whose log was missing, unreadable or had no gradient norm
     */
    public record Lines(List<GradNormCurve> curves, List<String> notes) {

        /** Copies the lists. */
        public Lines {
            curves = List.copyOf(curves);
            notes = List.copyOf(notes);
        }
    }

    /**
     * Reads the finished trials' logs and averages them per optimizer. A sweep without an
     * {@value #OPTIMIZER_NAME} axis has no lines.
     *
     * @param axes the grid axes' key paths
     * @param trials the trials, any status (only {@value StatusCounts#DONE} ones are read)
     * @return the lines and the notes
     */
    public static Lines read(List<String> axes, List<TrialRecord> trials) {
        List<String> notes = new ArrayList<>();
        if (!axes.contains(OPTIMIZER_NAME)) {
            return new Lines(List.of(), notes);
        }
        Map<String, Map<Long, double[]>> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TrialRecord t : trials) {
            if (!StatusCounts.DONE.equals(t.status())) {
                continue;
            }
            if (t.runDir() == null) {
                notes.add(t.id() + ": no run directory");
                continue;
            }
            Path file = t.runDir().resolve(MetricsLog.FILE_NAME);
            SortedMap<Long, Double> norms;
            try {
                norms = gradNorms(file);
            } catch (IOException e) {
                notes.add(t.id() + ": " + (Files.exists(file) ? e.getMessage() : file + ": no such file"));
                continue;
            }
            if (norms.isEmpty()) {
                notes.add(t.id() + ": " + file + ": no grad_norm");
                continue;
            }
            String name = String.valueOf(t.values().get(OPTIMIZER_NAME));
            counts.merge(name, 1, Integer::sum);
            Map<Long, double[]> sum = sums.computeIfAbsent(name, k -> new TreeMap<>());
            for (Map.Entry<Long, Double> e : norms.entrySet()) {
                double[] acc = sum.computeIfAbsent(e.getKey(), k -> new double[2]);
                acc[0] += e.getValue();
                acc[1] += 1;
            }
        }
        List<GradNormCurve> curves = new ArrayList<>(sums.size());
        for (Map.Entry<String, Map<Long, double[]>> e : sums.entrySet()) {
            SortedMap<Long, Double> mean = new TreeMap<>();
            e.getValue().forEach((step, acc) -> mean.put(step, acc[0] / acc[1]));
            curves.add(new GradNormCurve(e.getKey(), counts.get(e.getKey()), mean));
        }
        return new Lines(curves, notes);
    }

    /** One log's gradient norm by step. */
    static SortedMap<Long, Double> gradNorms(Path metrics) throws IOException {
        SortedMap<Long, Double> out = new TreeMap<>();
        for (ObjectNode row : MetricsLog.read(metrics)) {
            JsonNode step = row.get("step");
            JsonNode norm = row.get("grad_norm");
            if (step == null || norm == null || !step.isNumber() || !norm.isNumber()) {
                continue;
            }
            if (Double.isFinite(norm.asDouble())) {
                out.put(step.asLong(), norm.asDouble());
            }
        }
        return out;
    }
}
