package dev.decaf.bench;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.ParamGroups;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory over repeated jobs: one long-lived model retrained {@code jobs} times, each job a fresh
 * DJL {@code Trainer} and a fresh optimizer, both closed after it; the process's resident set
 * (VmRSS of {@code /proc/self/status}) after each job, for decaf's AdamW and DJL's Adam and AdamW
 * in the same loop, and DJL's stateless SGD as the loop's own baseline, each in a fresh JVM with jvm.properties' malloc settings. Reported: the
 * growth per job, the least-squares slope of RSS over the jobs after the warm-up,
 *
 * <pre>
 * MB/job = Σ (j − j̄)(r_j − r̄) / Σ (j − j̄)²
 * </pre>
 *
 * and how many arrays the model's manager holds after the first and the last measured job.
 */
public final class RepeatedJobsBenchmark {

    /**
     * The optimizers compared. DJL's plain SGD keeps no state, so its row is the growth of the loop
     * itself (Trainer, engine, allocator); an optimizer's own part is its slope less SGD's.
     */
    public static final List<String> OPTIMIZERS = List.of("djl-sgd", "decaf-adamw", "djl-adam", "djl-adamw");

    /** The job: a 1.3M-parameter MLP (m and v: 10.7 MB), 2 epochs of 1,024 rows in batches of 64. */
    static final MlpJob JOB = new MlpJob(256, 1024, 1024, 64, 2);

    /**
     * One optimizer's measurement.
     *
     * @param optimizer the optimizer
     * @param rssMb RSS after each measured job, MB
     * @param arraysFirst arrays in the model's manager after the first measured job
     * @param arraysLast after the last
     */
    public record Row(String optimizer, double[] rssMb, int arraysFirst, int arraysLast) {

        /** Returns the least-squares slope of RSS over the jobs, MB per job. */
        public double mbPerJob() {
            return slope(rssMb);
        }
    }

    private RepeatedJobsBenchmark() {}

    /** The least-squares slope of y over its indices. */
    static double slope(double[] y) {
        int n = y.length;
        double xBar = (n - 1) / 2.0;
        double yBar = java.util.Arrays.stream(y).average().orElse(Double.NaN);
        double num = 0;
        double den = 0;
        for (int j = 0; j < n; j++) {
            num += (j - xBar) * (y[j] - yBar);
            den += (j - xBar) * (j - xBar);
        }
        return num / den;
    }

    /**
     * Runs each optimizer in its own JVM.
     *
     * @param log where progress goes
     * @param jobs measured jobs
     * @param warmup jobs before the first measurement
     * @return the rows
     */
    public static List<Row> run(PrintStream log, int jobs, int warmup) {
        List<Row> rows = new ArrayList<>();
        for (String opt : OPTIMIZERS) {
            JsonNode r = ChildRun.run(ChildRun.java(RepeatedJobsBenchmark.class.getName(), opt, String.valueOf(jobs),
                    String.valueOf(warmup)), true, Map.of());
            double[] rss = new double[r.get("rss").size()];
            for (int i = 0; i < rss.length; i++) {
                rss[i] = r.get("rss").get(i).asDouble();
            }
            Row row = new Row(opt, rss, r.get("arraysFirst").asInt(), r.get("arraysLast").asInt());
            rows.add(row);
            log.printf(Locale.ROOT, "%-12s RSS %.1f -> %.1f MB over %d jobs: %.2f MB/job%n", opt, rss[0],
                    rss[rss.length - 1], rss.length, row.mbPerJob());
        }
        return rows;
    }

    /**
     * Returns the table.
     *
     * @param rows the measurements
     * @return the text
     */
    public static String table(List<Row> rows) {
        double loop = rows.stream().filter(r -> r.optimizer().equals("djl-sgd")).mapToDouble(Row::mbPerJob)
                .findFirst().orElse(Double.NaN);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-12s %10s %10s %8s %12s %s%n", "optimizer",
                "first MB", "last MB", "MB/job", "over SGD", "arrays in the model's manager (first -> last job)"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-12s %10.1f %10.1f %8.2f %12.2f %d -> %d%n", r.optimizer(),
                    r.rssMb()[0], r.rssMb()[r.rssMb().length - 1], r.mbPerJob(), r.mbPerJob() - loop,
                    r.arraysFirst(), r.arraysLast()));
        }
        return sb.toString();
    }

    static Optimizer optimizer(String name, SequentialBlock block) {
        return switch (name) {
            case "decaf-adamw" -> AdamW.builder().optWeightDecays(0.01f).optParamGroups(ParamGroups.standard(block)).build();
            case "djl-sgd" -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1e-3f)).build();
            case "djl-adam" -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            case "djl-adamw" -> Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            default -> throw new IllegalArgumentException("unknown optimizer " + name);
        };
    }

    static double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /**
     * The child: {@code OPTIMIZER JOBS WARMUP}; prints {@code RESULT {json}}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int jobs = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        List<Double> rss = new ArrayList<>();
        int arraysFirst = -1;
        int arraysLast = -1;
        try (Model model = Model.newInstance("repeated-jobs")) {
            SequentialBlock block = JOB.block();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(JOB.batch(), JOB.in()));
            ArrayDataset data = JOB.data(model.getNDManager(), 1);
            for (int j = 0; j < warmup + jobs; j++) {
                Optimizer opt = optimizer(name, block);
                JOB.train(model, opt, data, j);
                if (opt instanceof AutoCloseable c) {
                    c.close();
                }
                if (j >= warmup) {
                    rss.add(rssMb());
                    int arrays = model.getNDManager().getManagedArrays().size();
                    arraysFirst = arraysFirst < 0 ? arrays : arraysFirst;
                    arraysLast = arrays;
                }
            }
        }
        StringBuilder json = new StringBuilder("{\"optimizer\":\"" + name + "\",\"rss\":[");
        for (int i = 0; i < rss.size(); i++) {
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", rss.get(i)));
        }
        json.append("],\"arraysFirst\":").append(arraysFirst).append(",\"arraysLast\":").append(arraysLast).append('}');
        System.out.println(ChildRun.RESULT + json);
    }
}
