package dev.decaf.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.GradientClipping;
import dev.decaf.djl.optim.TensorViews;
import dev.decaf.text.data.Batch;
import dev.decaf.text.data.BatchIterator;
import dev.decaf.text.data.DataSplit;
import dev.decaf.models.nn.CausalLmLoss;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.nn.Scalars;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * decaf's training loop: gradient accumulation, global-norm clipping, the schedule, evaluation,
 * metrics, checkpoints and exact resume.
 *
 * <p>One optimizer step: {@code grad_accum} micro-batches, each forward + masked next-token loss
 * (scaled by 1/grad_accum) + backward; then the global gradient norm (clipped to {@code
 * clip_norm}); a non-finite loss or norm skips the step (gradients zeroed, counted; too many in a
 * row stops the run); otherwise every parameter is updated in place by the optimizer, which also
 * zeroes its gradient.
 *
 * <p>Exact resume: the data order is a pure function of (seed, epoch) and the checkpoint records
 * the sample position; dropout draws from the engine's generator, re-seeded from (seed, step,
 * micro-batch) before every forward; checkpoints keep float32 weights and the optimizer's full
 * state. A resumed run therefore computes the same losses as one that never stopped.
 */
public final class TrainingLoop {

    /**
     * What the loop needs from a recipe.
     *
     * @param steps total optimizer steps
     * @param batchSize sequences per micro-batch
     * @param gradAccum micro-batches per step
     * @param clipNorm global-norm clip, 0 = off
     * @param seed the run's seed
     * @param logEvery steps between metric/progress lines
     * @param evalEvery steps between evaluations (0 = only at the end)
     * @param evalBatches batches per evaluation (0 = whole split)
     * @param checkpointEvery steps between checkpoints (0 = only at the end)
     * @param maxBadSteps consecutive skipped steps that stop the run
     */
    public record Settings(long steps, int batchSize, int gradAccum, double clipNorm, long seed, int logEvery,
            int evalEvery, int evalBatches, int checkpointEvery, int maxBadSteps) {}

    /**
     * How the run ended.
     *
     * @param state the final trainer state
     * @param initialValLoss validation loss before the first step of this run (NaN without validation)
     * @param finalValLoss validation loss at the end
     * @param interrupted whether a stop was requested (Ctrl-C)
     * @param lastCheckpoint the last checkpoint written
     */
    public record Result(TrainerState state, double initialValLoss, double finalValLoss, boolean interrupted,
            Path lastCheckpoint) {}

    /** Thrown when too many consecutive steps had a non-finite loss or gradient. */
    public static final class DivergedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DivergedException(String message) {
            super(message);
        }
    }

    private final DecoderModel model;
    private final AdamFamily optimizer;
    private final Schedule schedule;
    private final DataSplit train;
    private final DataSplit validation;
    private final Settings s;
    private final CheckpointStore checkpoints;
    private final Path tokenizerFile;
    private final String recipeHash;
    private final Consumer<Map<String, Object>> metrics;
    private final PrintStream console;
    private final NDManager manager;
    private final CausalLmLoss loss = new CausalLmLoss();
    private volatile boolean stopRequested;

    /**
     * Creates the loop.
     *
     * @param model the model (weights on {@code manager}'s device)
     * @param optimizer the optimizer (state loaded when resuming)
     * @param schedule the learning-rate schedule (for logs)
     * @param train the training split
     * @param validation the validation split (may be empty)
     * @param settings the settings
     * @param checkpoints where checkpoints go
     * @param tokenizerFile the tokenizer.json to include in checkpoints
     * @param recipeHash the resolved recipe's hash
     * @param metrics receives one map per step (written as a JSON line by the caller)
     * @param console progress output
     * @param manager the manager for batches
     */
    public TrainingLoop(DecoderModel model, AdamFamily optimizer, Schedule schedule, DataSplit train, DataSplit validation,
            Settings settings, CheckpointStore checkpoints, Path tokenizerFile, String recipeHash,
            Consumer<Map<String, Object>> metrics, PrintStream console, NDManager manager) {
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.train = train;
        this.validation = validation;
        this.s = settings;
        this.checkpoints = checkpoints;
        this.tokenizerFile = tokenizerFile;
        this.recipeHash = recipeHash;
        this.metrics = metrics;
        this.console = console;
        this.manager = manager;
    }

    /** Asks the loop to checkpoint and return after the current step (safe from another thread). */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Runs from a state (a fresh one, or one restored from a checkpoint) to {@code steps}.
     *
     * @param start where to start
     * @return how it ended
     * @throws IOException when a checkpoint cannot be written
     */
    public Result run(TrainerState start) throws IOException {
        TrainerState st = start;
        BatchIterator it = train.batches(st.epoch(), s.batchSize(), (int) st.position());
        int epoch = st.epoch();
        double initialVal = evaluate();
        if (!Double.isNaN(initialVal)) {
            console.printf(Locale.ROOT, "validation loss at step %d: %.5f%n", st.step(), initialVal);
        }
        double lastVal = initialVal;
        Path last = null;
        long started = System.nanoTime();
        long stepsThisRun = 0;
        boolean live = System.console() != null;
        while (st.step() < s.steps() && !stopRequested) {
            long step = st.step() + 1;
            long t0 = System.nanoTime();
            double lossSum = 0;
            long tokens = 0;
            for (int micro = 0; micro < s.gradAccum(); micro++) {
                if (!it.hasNext()) {
                    epoch++;
                    it = train.batches(epoch, s.batchSize());
                }
                Batch b = it.next();
                tokens += (long) b.size() * b.width();
                // dropout masks depend only on (seed, step, micro-batch): exact after a resume
                Engine.getInstance().setRandomSeed((int) (s.seed() * 1_000_003L + step * 131L + micro));
                lossSum += forwardBackward(b) / s.gradAccum();
            }
            double norm = s.clipNorm() > 0 ? GradientClipping.clipGlobalNorm(model, s.clipNorm())
                    : GradientClipping.globalNorm(model);
            int bad = st.badSteps();
            long skipped = st.skippedSteps();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", step);
            if (!Double.isFinite(lossSum) || !Double.isFinite(norm)) {
                zeroGradients();
                bad++;
                skipped++;
                console.printf(Locale.ROOT, "%sstep %d: non-finite %s, step skipped (%d in a row)%n", live ? "\n" : "",
                        step, Double.isFinite(lossSum) ? "gradient" : "loss", bad);
                if (bad >= s.maxBadSteps()) {
                    throw new DivergedException("loss or gradient was NaN/Inf for " + bad + " steps in a row (step " + step
                            + "): lower optimizer.lr, raise train.clip_norm or check the data; the last checkpoint is intact");
                }
                row.put("skipped", true);
            } else {
                bad = 0;
                Map<String, double[]> before = step % s.logEvery() == 0 ? snapshotNorms() : null;
                update();
                if (before != null) {
                    groupStats(before, row);
                }
            }
            if (!it.hasNext()) {
                epoch++;
                it = train.batches(epoch, s.batchSize());
            }
            st = new TrainerState(step, epoch, it.position(), st.seed(), bad, skipped, st.tokens() + tokens, recipeHash);
            stepsThisRun++;
            double seconds = (System.nanoTime() - t0) / 1e9;
            double lr = schedule.lr(Math.max(1, optimizer.step(firstTrainable())));
            row.put("loss", lossSum);
            row.put("lr", lr);
            row.put("grad_norm", norm);
            row.put("tokens_per_s", tokens / seconds);
            row.put("memory_mb", rssMegabytes());
            boolean evalNow = s.evalEvery() > 0 && step % s.evalEvery() == 0 && step < s.steps();
            if (evalNow) {
                lastVal = evaluate();
                if (!Double.isNaN(lastVal)) {
                    row.put("val_loss", lastVal);
                }
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            double eta = elapsed / stepsThisRun * (s.steps() - step);
            String line = String.format(Locale.ROOT, "step %d/%d  loss %.4f  lr %.2e  grad_norm %.3f  tok/s %,.0f  eta %s%s",
                    step, s.steps(), lossSum, lr, norm, tokens / seconds, duration(eta),
                    evalNow && !Double.isNaN(lastVal) ? String.format(Locale.ROOT, "  val_loss %.4f", lastVal) : "");
            if (live) {
                console.print("\r" + line + "   ");
                if (step % s.logEvery() == 0 || evalNow) {
                    console.println();
                }
            } else if (step % s.logEvery() == 0 || evalNow || step == s.steps()) {
                console.println(line);
            }
            metrics.accept(row);
            if (s.checkpointEvery() > 0 && step % s.checkpointEvery() == 0 && step < s.steps()) {
                last = save(st);
            }
        }
        if (live) {
            console.println();
        }
        double finalVal = evaluate();
        if (st.step() > start.step() || last == null) {
            last = save(st);
        }
        if (!Double.isNaN(finalVal)) {
            metrics.accept(new LinkedHashMap<>(Map.of("step", st.step(), "val_loss", finalVal)));
        }
        return new Result(st, initialVal, finalVal, stopRequested, last);
    }

    /** Writes a checkpoint, unless a weight is NaN or infinite: such weights are never saved. */
    private Path save(TrainerState st) throws IOException {
        for (var e : model.parameters().entrySet()) {
            NDArray w = e.getValue().getArray();
            try (NDArray nan = w.isNaN(); NDArray inf = w.isInfinite(); NDArray bad = nan.logicalOr(inf);
                    NDArray any = bad.any()) {
                if (any.getBoolean()) {
                    throw new DivergedException("weight '" + e.getKey() + "' is NaN or infinite at step " + st.step()
                            + ": not saving it; the last checkpoint is intact");
                }
            }
        }
        return checkpoints.save(model, optimizer, tokenizerFile, st);
    }

    private double forwardBackward(Batch b) {
        try (NDManager scope = manager.newSubManager()) {
            NDList inputs = inputs(scope, b);
            NDArray labels = scope.create(b.labels());
            NDArray mask = scope.create(b.lossMask());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(new ParameterStore(scope, false), inputs, true).singletonOrThrow();
                NDArray l = loss.evaluate(new NDList(labels, mask), new NDList(logits));
                double value = l.getFloat();
                gc.backward(Scalars.div(l, s.gradAccum()));
                return value;
            }
        }
    }

    /** Token ids, plus an attention mask when rows are padded. */
    static NDList inputs(NDManager scope, Batch b) {
        NDArray ids = scope.create(b.inputs());
        boolean padded = false;
        for (int len : b.lengths()) {
            padded |= len < b.width();
        }
        if (!padded) {
            return new NDList(ids);
        }
        int[][] mask = new int[b.size()][b.width()];
        for (int r = 0; r < b.size(); r++) {
            java.util.Arrays.fill(mask[r], 0, b.lengths()[r], 1);
        }
        return new NDList(ids, scope.create(mask));
    }

    /** Mean masked loss over (part of) the validation split; NaN when it is empty. */
    public double evaluate() {
        if (validation == null || validation.isEmpty()) {
            return Double.NaN;
        }
        BatchIterator vit = validation.batches(0, s.batchSize());
        double sum = 0;
        double count = 0;
        int batches = 0;
        while (vit.hasNext() && (s.evalBatches() == 0 || batches < s.evalBatches())) {
            Batch b = vit.next();
            batches++;
            try (NDManager scope = manager.newSubManager()) {
                NDArray logits = model.forward(new ParameterStore(scope, false), inputs(scope, b), false).singletonOrThrow();
                NDArray l = loss.evaluate(new NDList(scope.create(b.labels()), scope.create(b.lossMask())), new NDList(logits));
                double weight = b.maskedTokens();
                sum += l.getFloat() * weight;
                count += weight;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private void update() {
        for (Parameter p : model.parameters().values()) {
            if (!p.requiresGradient()) {
                continue;
            }
            NDArray w = p.getArray();
            try (NDArray g = w.getGradient()) {
                optimizer.update(p.getId(), w, g);
            }
        }
    }

    private void zeroGradients() {
        for (Parameter p : model.parameters().values()) {
            if (p.requiresGradient()) {
                TensorViews.zeroGradient(p.getArray());
            }
        }
    }

    private String firstTrainable() {
        for (var e : model.parameters().entrySet()) {
            if (e.getValue().requiresGradient()) {
                return e.getKey();
            }
        }
        return "";
    }

    /** Per group: the weights before the update (to measure ‖Δθ‖/‖θ‖ on logging steps). */
    private Map<String, double[]> snapshotNorms() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (GroupPlan.Group g : optimizer.groupPlan().groups()) {
            List<float[]> copies = new ArrayList<>();
            for (ParamInfo p : g.members()) {
                copies.add(model.parameters().get(p.name()).getArray().toFloatArray());
            }
            int n = copies.stream().mapToInt(a -> a.length).sum();
            double[] flat = new double[n];
            int k = 0;
            for (float[] a : copies) {
                for (float f : a) {
                    flat[k++] = f;
                }
            }
            out.put(g.name(), flat);
        }
        return out;
    }

    private void groupStats(Map<String, double[]> before, Map<String, Object> row) {
        Map<String, Object> norms = new LinkedHashMap<>();
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (GroupPlan.Group g : optimizer.groupPlan().groups()) {
            double[] old = before.get(g.name());
            double w2 = 0;
            double d2 = 0;
            int k = 0;
            for (ParamInfo p : g.members()) {
                for (float f : model.parameters().get(p.name()).getArray().toFloatArray()) {
                    double d = f - old[k++];
                    w2 += (double) f * f;
                    d2 += d * d;
                }
            }
            norms.put(g.name(), Math.sqrt(w2));
            ratios.put(g.name(), w2 == 0 ? 0 : Math.sqrt(d2 / w2));
        }
        row.put("weight_norm", norms);
        row.put("update_ratio", ratios);
    }

    private static double rssMegabytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) / 1048576.0;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
