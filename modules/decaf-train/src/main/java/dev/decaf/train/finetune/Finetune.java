package dev.decaf.train.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.decaf.core.io.AtomicFiles;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.train.callbacks.Checkpointer;
import dev.decaf.train.callbacks.MetricsWriter;
import dev.decaf.train.callbacks.ProgressPrinter;
import dev.decaf.train.checkpoint.CheckpointStore;
import dev.decaf.train.loop.BestSoFar;
import dev.decaf.train.loop.EarlyStopping;
import dev.decaf.train.loop.StopSignal;
import dev.decaf.train.loop.TrainerState;
import dev.decaf.train.loop.TrainingLoop;
import dev.decaf.train.loop.TrainingResult;
import dev.decaf.train.loop.ValidationLoss;
import dev.decaf.train.metrics.LossPlot;
import dev.decaf.train.metrics.MetricsLog;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One fine-tune run, {@code decaf finetune}: everything a recipe describes, from model and data to
 * the final model directory, in three phases — {@linkplain FinetuneSetup setup} (data, tokenizer,
 * model, groups, optimizer, schedule), train ({@link TrainingLoop} with progress, metrics and
 * checkpoint callbacks) and cleanup (final model, plot, report).
 *
 * <p>Output directory: {@code recipe.yaml} (the resolved recipe, with the {@code train.seq_len} the run
 * chose when the recipe had none and the λ a weight-decay rule resolved to), {@code weight_decay.json}
 * (λ, τ_iter, τ_epoch and the rest of {@link dev.decaf.core.scaling.LambdaCalculation}), {@code
 * metrics.jsonl}, {@code
 * checkpoints/step-N/} (and {@code checkpoints/best-step-N/} with {@code train.keep_best}), {@code
 * model/} (the final model, or the best one with {@code keep_best}; Hugging Face layout, the source's dtype),
 * {@code loss.png}, and {@code data/} / {@code tokenizer/} when generated.
 *
 * <p>A run holds no process-wide state: several can train in one JVM, on different threads (see
 * {@link dev.decaf.djl.runtime.EngineLock}). It installs no shutdown hook; whoever owns the process
 * calls {@link #requestStop()}, and the run checkpoints and returns after its current step.
 */
public final class Finetune {

    /** Where the resolved recipe is kept. */
    public static final String RECIPE_FILE = "recipe.yaml";
    /** Where the run's λ and its timescales are kept ({@link dev.decaf.core.scaling.LambdaCalculation#toJson}). */
    public static final String WEIGHT_DECAY_FILE = "weight_decay.json";

    /**
     * How a run ended.
     *
     * @param valBefore validation loss before this run's first step
     * @param valAfter validation loss at the end
     * @param taskBefore task accuracy before (NaN without a task)
     * @param taskAfter task accuracy after
     * @param state the final trainer state (its {@link TrainerState#best()} is the run's best evaluation)
     * @param interrupted whether a stop request ended it
     * @param earlyStopped whether {@code train.early_stop} ended it
     * @param modelStep the step whose weights {@code OUT/model/} holds (the best one with {@code
     *     train.keep_best: val_loss}), −1 when none was exported (an interrupted run)
     */
    public record Outcome(double valBefore, double valAfter, double taskBefore, double taskAfter, TrainerState state,
            boolean interrupted, boolean earlyStopped, long modelStep) {}

    /** What the train phase hands to cleanup. */
    private record Trained(TrainingResult result, double taskBefore, Path metricsFile) {}

    private final Recipe recipe;
    private final String runHash;
    private final boolean resume;
    private final PrintStream console;
    private final StopSignal stop = new StopSignal();
    private volatile boolean training;

    /**
     * A run of (or, with {@code resume}, the continuation of) a recipe.
     *
     * @param recipe the resolved recipe
     * @param runHash the hash of the recipe as the run was first started (checkpoints carry it, so a
     *     resume with a changed recipe is refused); for a fresh run the hash of the recipe as the run
     *     resolves it ({@code train.seq_len} and λ set, as {@code recipe.yaml} holds) replaces it
     * @param resume whether to continue from the newest intact checkpoint in {@code recipe.out()}
     * @param console where progress goes
     */
    public Finetune(Recipe recipe, String runHash, boolean resume, PrintStream console) {
        this.recipe = recipe;
        this.runHash = runHash;
        this.resume = resume;
        this.console = console;
    }

    /**
     * Runs a recipe (see {@link #Finetune} and {@link #run()}).
     *
     * @param recipe the resolved recipe
     * @param runHash the run's recipe hash
     * @param resume whether to continue from the newest intact checkpoint
     * @param console where progress goes
     * @return how it ended
     * @throws IOException on I/O errors; bad input is an {@link IllegalArgumentException}
     */
    public static Outcome run(Recipe recipe, String runHash, boolean resume, PrintStream console) throws IOException {
        return new Finetune(recipe, runHash, resume, console).run();
    }

    /**
     * Returns the recipe's groups for a model: a preset, or its own list.
     *
     * @param recipe the recipe
     * @param model the model
     * @return the groups
     */
    public static ParamGroups groups(Recipe recipe, DecoderModel model) {
        Recipe.Groups g = recipe.optimizer().groups();
        if (g.isPreset()) {
            return model.groups().preset(g.preset().recipeName()).build();
        }
        ParamGroups.Builder b = model.groups();
        g.list().forEach(group -> b.add(group.toGroupRule()));
        return b.build();
    }

    /**
     * Asks the run to stop: it checkpoints after the current step and returns an interrupted
     * outcome (a request during setup takes effect at the first step boundary). Safe from any
     * thread.
     */
    public void requestStop() {
        stop.request();
    }

    /** Returns whether the run is in its train phase, where a stop request ends with a checkpoint. */
    public boolean isTraining() {
        return training;
    }

    /**
     * Runs: setup, train, cleanup.
     *
     * @return how it ended
     * @throws IOException on I/O errors; bad input is an {@link IllegalArgumentException}
     */
    public Outcome run() throws IOException {
        Path out = recipe.out();
        CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), recipe.train().keepCheckpoints());
        Optional<CheckpointStore.Loaded> from = startingCheckpoint(store);
        boolean created = !Files.exists(out);
        Files.createDirectories(out);
        try {
            try (NDManager manager = NDManager.newBaseManager();
                    PreparedRun run = FinetuneSetup.prepare(recipe, from, manager, console)) {
                String hash = runHash;
                if (!resume) { // the recipe as resolved, train.seq_len and λ included: what --resume reads back
                    AtomicFiles.writeString(out.resolve(RECIPE_FILE), run.recipe().toYaml());
                    hash = run.recipe().hash();
                }
                AtomicFiles.writeString(out.resolve(WEIGHT_DECAY_FILE), run.weightDecay().toJsonText() + "\n");
                Trained trained = train(run, store, from, manager, hash);
                TrainingResult r = trained.result();
                if (r.stopped()) {
                    return new Outcome(r.initialValLoss(), r.finalValLoss(), Double.NaN, Double.NaN, r.state(), true,
                            false, -1);
                }
                return cleanup(run, trained, store, manager);
            }
        } catch (IOException | RuntimeException e) {
            // bad input found before the first checkpoint: leave no directory that looks like a run
            if (created && store.list().isEmpty()) {
                AtomicFiles.deleteTree(out);
            }
            throw e;
        }
    }

    /** The checkpoint to resume from; refuses a resume without one and a fresh run over an old one. */
    private Optional<CheckpointStore.Loaded> startingCheckpoint(CheckpointStore store) throws IOException {
        Path out = recipe.out();
        if (!resume) {
            if (!store.list().isEmpty()) {
                throw new IllegalArgumentException(out + " already holds a run: continue it with --resume " + out
                        + " or choose another out");
            }
            return Optional.empty();
        }
        Optional<CheckpointStore.Loaded> from = store.latestIntact();
        if (from.isEmpty()) {
            throw new IllegalArgumentException(out + ": no intact checkpoint to resume from");
        }
        if (!from.get().state().recipeHash().equals(runHash)) {
            throw new IllegalArgumentException(out + "/" + RECIPE_FILE + " differs from the recipe of checkpoint "
                    + from.get().directory().getFileName() + " (hash " + from.get().state().recipeHash() + ")");
        }
        return from;
    }

    /** The train phase: the task score before, then the loop with its callbacks. */
    private Trained train(PreparedRun run, CheckpointStore store, Optional<CheckpointStore.Loaded> from,
            NDManager manager, String hash) throws IOException {
        Path out = recipe.out();
        TaskScore task = run.task();
        double taskBefore = Double.NaN;
        if (task != null && from.isEmpty()) {
            console.printf(Locale.ROOT, "task '%s': exact match of greedy answers to %d %s ...%n",
                    task.name(), task.examples(), task.source());
            taskBefore = task.accuracy(run.generator());
            console.printf(Locale.ROOT, "task '%s' before fine-tuning: %.1f%%%n", task.name(), 100 * taskBefore);
        }
        TrainerState start = from.map(CheckpointStore.Loaded::state)
                .orElse(TrainerState.fresh(recipe.train().seed(), hash));
        try (MetricsLog metrics = from.isPresent() ? MetricsLog.resume(out, start.step()) : MetricsLog.open(out)) {
            EarlyStopping earlyStop = earlyStopping(recipe);
            Checkpointer checkpointer = new Checkpointer(store, run.model(), run.optimizer(), run.tokenizerFile(),
                    run.settings(), recipe.train().keepBest() == Recipe.KeepBest.VAL_LOSS);
            TrainingLoop loop = TrainingLoop.builder()
                    .model(run.model())
                    .optimizer(run.optimizer())
                    .schedule(run.schedule())
                    .train(run.data().train())
                    .validation(new ValidationLoss(run.model(), manager, run.data().validation(),
                            run.settings().batchSize(), run.settings().evalBatches()))
                    .settings(run.settings())
                    .callback(ProgressPrinter.forConsole(console, run.settings()))
                    .callback(new MetricsWriter(metrics, earlyStop))
                    .callback(checkpointer)
                    .earlyStop(earlyStop)
                    .stopSignal(stop)
                    .clipThreads(run.optimizer().kernelThreads())
                    .manager(manager)
                    .build();
            training = true;
            try {
                TrainingResult result = loop.run(start);
                if (result.earlyStopped()) {
                    BestSoFar b = result.state().best();
                    console.printf(Locale.ROOT, "early stop at step %d: val_loss has not improved by more than %s for %d"
                            + " evaluations (best %.4f at step %d)%n", result.state().step(),
                            earlyStop.minDelta(), b.evalsWithoutImprovement(), b.valLoss(), b.step());
                }
                if (result.stopped()) {
                    // while still "training": a shutdown hook waits for this line
                    console.println("stopped at step " + result.state().step() + "; checkpoint "
                            + checkpointer.lastCheckpoint() + "; continue with: ./decaf finetune --resume " + out);
                    console.flush();
                }
                return new Trained(result, taskBefore, metrics.file());
            } finally {
                training = false;
            }
        }
    }

    /**
     * The cleanup phase: the final model (the best weights with {@code keep_best}), the loss plot,
     * the task score after and the report.
     */
    private Outcome cleanup(PreparedRun run, Trained trained, CheckpointStore store, NDManager manager)
            throws IOException {
        Path out = recipe.out();
        TrainingResult r = trained.result();
        long modelStep = r.state().step();
        if (recipe.train().keepBest() == Recipe.KeepBest.VAL_LOSS) {
            modelStep = loadBest(run, store, r.state(), manager);
        }
        ModelDirectory.save(run.model(), run.dtype(), run.tokenizerFile(), out.resolve("model"));
        LossPlot.write(trained.metricsFile(), out.resolve("loss.png"));
        TaskScore task = run.task();
        double taskAfter = task == null ? Double.NaN : task.accuracy(run.generator());
        FinalReport.print(console, recipe, r.initialValLoss(), r.finalValLoss(), r.state(), modelStep, task,
                trained.taskBefore(), taskAfter, run.generator(), out);
        return new Outcome(r.initialValLoss(), r.finalValLoss(), trained.taskBefore(), taskAfter, r.state(), false,
                r.earlyStopped(), modelStep);
    }

    /**
     * Puts the best evaluation's weights into the model (the last checkpoint already holds the last
     * ones); returns the step they are from. Without them on disk (a resumed run whose best was
     * written by a crashed run, then removed) the last weights stay, with a warning.
     */
    private long loadBest(PreparedRun run, CheckpointStore store, TrainerState end, NDManager manager)
            throws IOException {
        BestSoFar best = end.best();
        if (!best.isSet() || best.step() == end.step()) {
            return end.step();
        }
        Optional<Path> dir = store.best(best.step());
        if (dir.isEmpty()) {
            console.printf(Locale.ROOT, "warning: the best weights (step %d) are missing from %s; model/ holds the"
                    + " last step's%n", best.step(), store.root());
            return end.step();
        }
        try (NDManager scope = manager.newSubManager()) {
            DecoderModel saved = ModelDirectory.load(dir.get(), scope).model();
            Map<String, Parameter> into = run.model().parameters();
            saved.parameters().forEach((name, p) -> p.getArray().copyTo(into.get(name).getArray()));
        }
        return best.step();
    }

    /** The loop's early stopping from {@code train.early_stop} (off: any strict decrease is a new best). */
    static EarlyStopping earlyStopping(Recipe recipe) {
        Recipe.EarlyStop e = recipe.train().earlyStop();
        return e.enabled() ? new EarlyStopping(e.patience(), e.minDelta()) : EarlyStopping.OFF;
    }

}
