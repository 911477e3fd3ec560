package dev.decaf.sweep.results;

import dev.decaf.train.metrics.MetricsLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trial records for the tests: made by hand, with the numbers each test computes its expectations from. */
final class Trials {

    private Trials() {}

    /** The axis values from alternating key, value arguments. */
    static Map<String, String> values(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** A finished trial. */
    static TrialRecord done(String id, Map<String, String> values, double lambda, double tauEpoch, double trainLoss,
            double valLoss, Path runDir) {
        return new TrialRecord(id, "done", values, lambda, 10 * tauEpoch, tauEpoch, trainLoss, valLoss, 0.5, 12.5, null,
                runDir);
    }

    /** A failed trial with an error line. */
    static TrialRecord failed(String id, Map<String, String> values, String error) {
        return new TrialRecord(id, "failed", values, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, 3.0, error, null);
    }

    /** A trial not started yet. */
    static TrialRecord pending(String id, Map<String, String> values) {
        return new TrialRecord(id, "pending", values, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, null, null);
    }

    /** Writes {@code dir/metrics.jsonl} with one row per step, {@code norms[i]} at step i + 1. */
    static Path metrics(Path dir, double... norms) throws IOException {
        try (MetricsLog log = MetricsLog.open(dir)) {
            for (int i = 0; i < norms.length; i++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("step", i + 1);
                m.put("loss", 3.0 - 0.01 * i);
                m.put("grad_norm", norms[i]);
                log.log(m);
            }
        }
        return dir;
    }

    /**
     * A sweep of optimizer.name {adamw, adamc} × data.fraction {0.25, 1.0} × λ {0.01, 0.1, 1} × seed
     * {0, 1}, all done with a metrics log under {@code root}, plus one failed and one pending trial: 26
     * trials. τ_epoch = 2/λ for the full data and 0.5/λ for a quarter; the validation loss is lowest at
     * λ = 0.1.
     */
    static List<TrialRecord> grid(Path root) throws IOException {
        List<TrialRecord> out = new java.util.ArrayList<>();
        int n = 0;
        for (String opt : List.of("adamw", "adamc")) {
            for (String fraction : List.of("0.25", "1.0")) {
                for (String wd : List.of("0.01", "0.1", "1")) {
                    for (String seed : List.of("0", "1")) {
                        double lambda = Double.parseDouble(wd);
                        double tau = (fraction.equals("1.0") ? 2.0 : 0.5) / lambda;
                        double val = 2 + Math.pow(Math.log10(lambda) + 1, 2) + 0.1 * Integer.parseInt(seed)
                                + (opt.equals("adamc") ? -0.05 : 0);
                        String id = "t" + (n++);
                        Path dir = metrics(root.resolve(id), opt.equals("adamw") ? new double[] {4, 2, 1, 0.8}
                                : new double[] {4, 1.5, 0.6, 0.3});
                        out.add(done(id, values("optimizer.name", opt, "data.fraction", fraction,
                                "optimizer.weight_decay", wd, "seed", seed), lambda, tau, val - 0.2, val, dir));
                    }
                }
            }
        }
        out.add(failed("t-failed", values("optimizer.name", "adamw", "data.fraction", "1.0",
                "optimizer.weight_decay", "10", "seed", "0"), "loss is NaN at step 3, \"diverged\""));
        out.add(pending("t-pending", values("optimizer.name", "adamc", "data.fraction", "1.0",
                "optimizer.weight_decay", "10", "seed", "0")));
        return out;
    }

    /** The axes of {@link #grid}. */
    static final List<String> GRID_AXES = List.of("optimizer.name", "data.fraction", "optimizer.weight_decay", "seed");
}
