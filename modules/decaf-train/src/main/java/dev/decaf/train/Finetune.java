package dev.decaf.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.train.recipe.Recipe;
import dev.decaf.core.safetensors.DType;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.DataStats;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.data.builtin.BuiltinData;
import dev.decaf.text.data.builtin.TaskMetric;
import dev.decaf.models.infer.Generator;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.train.metrics.LossPlot;
import dev.decaf.train.metrics.MetricsLog;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.tokenizer.BpeTrainer;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code decaf finetune}: everything a recipe describes, from model and data to the final model
 * directory, with checkpoints, resume, metrics, a plot and a closing report.
 *
 * <p>Output directory: {@code recipe.yaml} (the resolved recipe), {@code metrics.jsonl}, {@code
 * checkpoints/step-N/}, {@code model/} (the final model, Hugging Face layout, the source's dtype),
 * {@code loss.png}, and {@code data/} / {@code tokenizer/} when generated.
 */
public final class Finetune {

    /** Where the resolved recipe is kept. */
    public static final String RECIPE_FILE = "recipe.yaml";

    /**
     * How a run ended.
     *
     * @param valBefore validation loss before this run's first step
     * @param valAfter validation loss at the end
     * @param taskBefore task accuracy before (NaN without a task)
     * @param taskAfter task accuracy after
     * @param state the final trainer state
     * @param interrupted whether Ctrl-C stopped it
     */
    public record Outcome(double valBefore, double valAfter, double taskBefore, double taskAfter, TrainerState state,
            boolean interrupted) {}

    private Finetune() {}

    /**
     * Runs (or, with {@code resume}, continues) a recipe.
     *
     * @param recipe the resolved recipe
     * @param runHash the hash of the recipe as the run was first started (checkpoints carry it, so a
     *     resume with a changed recipe is refused); {@code runHash} for a fresh run
     * @param resume whether to continue from the newest intact checkpoint in {@code recipe.out()}
     * @param console where progress goes
     * @return how it ended
     * @throws IOException on I/O errors; bad input is an {@link IllegalArgumentException}
     */
    public static Outcome run(Recipe recipe, String runHash, boolean resume, PrintStream console) throws IOException {
        Path out = recipe.out();
        CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), recipe.train().keepCheckpoints());
        Optional<CheckpointStore.Loaded> from = Optional.empty();
        if (resume) {
            from = store.latestIntact();
            if (from.isEmpty()) {
                throw new IllegalArgumentException(out + ": no intact checkpoint to resume from");
            }
            if (!from.get().state().recipeHash().equals(runHash)) {
                throw new IllegalArgumentException(out + "/" + RECIPE_FILE + " differs from the recipe of checkpoint "
                        + from.get().directory().getFileName() + " (hash " + from.get().state().recipeHash() + ")");
            }
        } else if (!store.list().isEmpty()) {
            throw new IllegalArgumentException(out + " already holds a run: continue it with --resume " + out
                    + " or choose another out");
        }
        boolean created = !Files.exists(out);
        Files.createDirectories(out);
        try {
            if (!resume) {
                writeAtomically(out.resolve(RECIPE_FILE), recipe.toYaml());
            }
            return runIn(recipe, runHash, from, store, console);
        } catch (IOException | RuntimeException e) {
            // bad input found before the first checkpoint: leave no directory that looks like a run
            if (created && store.list().isEmpty()) {
                CheckpointStore.deleteTree(out);
            }
            throw e;
        }
    }

    private static Outcome runIn(Recipe recipe, String runHash, Optional<CheckpointStore.Loaded> from,
            CheckpointStore store, PrintStream console) throws IOException {
        Path out = recipe.out();
        long seed = recipe.train().seed();
        Engine.getInstance().setRandomSeed((int) seed);

        // data
        Path trainFile;
        Path validationFile = null;
        if (recipe.data().train().isBuiltin()) {
            List<Path> files = BuiltinData.write(recipe.data().train().builtin(), out.resolve("data"), BuiltinData.DEFAULT_SEED);
            trainFile = files.get(0);
            validationFile = recipe.data().validation() == null ? files.get(1) : null;
        } else {
            trainFile = recipe.data().train().path();
        }
        if (recipe.data().validation() != null) {
            validationFile = recipe.data().validation().isBuiltin()
                    ? BuiltinData.write(recipe.data().validation().builtin(), out.resolve("data"), BuiltinData.DEFAULT_SEED).get(1)
                    : recipe.data().validation().path();
        }

        try (NDManager manager = NDManager.newBaseManager()) {
            // model
            DecoderModel model;
            DType dtype;
            Path modelPath = recipe.model().path();
            if (recipe.model().isBuiltin() || modelPath == null) {
                throw new IllegalArgumentException("model: '" + recipe.model() + "' is not a model directory or config");
            }
            boolean fromConfig = !Files.isDirectory(modelPath);
            if (from.isPresent()) {
                model = ModelDirectory.load(from.get().directory(), manager).model();
                dtype = fromConfig ? DType.F32 : ModelDirectory.load(modelPath, manager).dtype();
            } else if (fromConfig) {
                model = DecoderModel.of(loadConfig(modelPath));
                model.initialize(manager);
                dtype = DType.F32;
            } else {
                ModelDirectory.Loaded loaded = loadModel(modelPath, manager);
                model = loaded.model();
                dtype = loaded.dtype();
            }
            ModelConfig config = model.config();

            // tokenizer
            Path tokenizerFile = tokenizerFile(recipe, modelPath, fromConfig, trainFile, config, out, console);
            try (TextTokenizer tok = TextTokenizer.load(tokenizerFile)) {
                if (tok.vocabSize() > config.vocabSize()) {
                    throw new IllegalArgumentException("tokenizer " + tokenizerFile + " has " + tok.vocabSize()
                            + " tokens but the model's vocab_size is " + config.vocabSize());
                }
                int seqLen = recipe.train().seqLen();
                if (seqLen > config.maxPositions()) {
                    throw new IllegalArgumentException("train.seq_len " + seqLen + " exceeds the model's "
                            + config.maxPositions() + " positions");
                }
                LmDataset.Builder db = LmDataset.builder().setDataFile(trainFile).setTokenizer(tok)
                        .optTokenizerFile(tokenizerFile).setSeqLen(seqLen).optSeed(seed)
                        .optFormat(DataFormat.valueOf(recipe.data().format().name()))
                        .optSkipBadLines(recipe.data().skipBadLines());
                if (validationFile != null) {
                    db.optValidationFile(validationFile);
                } else if (recipe.data().validationFraction() > 0) {
                    db.optValidationFraction(recipe.data().validationFraction());
                }
                LmDataset data;
                try {
                    data = db.build();
                } catch (IOException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
                data.warnings().forEach(w -> console.println("warning: " + w));
                DataStats stats = data.stats();
                int accum = recipe.train().gradAccum();
                int batch = recipe.train().batchSize();
                long steps = recipe.train().bySteps() ? recipe.train().steps()
                        : recipe.train().epochs() * (long) Math.ceil(data.train().batchCount(batch) / (double) accum);
                Schedule schedule = recipe.schedule().toSchedule(recipe.optimizer().lr(), steps);
                AdamFamily opt = OptimizerFactory.build(recipe.optimizer().name().recipeName(), ScheduleTracker.of(schedule),
                        recipe.optimizer().beta1(), recipe.optimizer().beta2(), recipe.optimizer().eps(),
                        recipe.optimizer().weightDecay(), groups(recipe, model));
                if (from.isPresent()) {
                    opt.loadState(from.get().directory(), manager);
                }

                console.printf(Locale.ROOT, "decaf finetune: %s (%s, %,d parameters) on %s -> %s%n", modelPath,
                        config.modelType(), model.numParameters(), recipe.data().train(), out);
                console.println("data: " + stats);
                console.println(opt.describe());
                console.println("schedule: " + schedule + ", " + steps + " steps of " + batch + " x " + accum + " x "
                        + seqLen + " tokens");
                console.print(opt.groupTable());
                console.println(DecayReport.describe(recipe.optimizer().lr(), recipe.optimizer().weightDecay(),
                        (long) batch * accum, stats.trainSamples(), steps));

                TaskMetric task = taskMetric(recipe, validationFile);
                Generator generator = new Generator(model, tok, manager);
                double taskBefore = Double.NaN;
                if (task != null && from.isEmpty()) {
                    console.printf(Locale.ROOT, "task '%s': exact match of greedy answers to %d validation prompts ...%n",
                            recipe.task(), Math.min(TASK_EXAMPLES, task.size()));
                    taskBefore = taskAccuracy(task, generator);
                    console.printf(Locale.ROOT, "task '%s' before fine-tuning: %.1f%%%n", recipe.task(), 100 * taskBefore);
                }

                TrainingLoop.Settings settings = new TrainingLoop.Settings(steps, batch, accum, recipe.train().clipNorm(),
                        seed, recipe.train().logEvery(), recipe.train().evalEvery(), recipe.train().evalBatches(),
                        recipe.train().checkpointEvery(), recipe.train().maxBadSteps());
                TrainerState start = from.map(CheckpointStore.Loaded::state)
                        .orElse(new TrainerState(0, 0, 0, seed, 0, 0, 0, runHash));
                MetricsLog metrics = from.isPresent() ? MetricsLog.resume(out, start.step()) : MetricsLog.open(out);
                TrainingLoop loop = new TrainingLoop(model, opt, schedule, data.train(), data.validation(), settings, store,
                        tokenizerFile, runHash, row -> {
                            try {
                                metrics.log(row);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }, console, manager);

                CountDownLatch finished = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    loop.requestStop();
                    try {
                        finished.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "decaf-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                TrainingLoop.Result result;
                try {
                    result = loop.run(start);
                    if (result.interrupted()) {
                        // before releasing the shutdown hook: the JVM halts as soon as it returns
                        console.println("stopped at step " + result.state().step() + "; checkpoint " + result.lastCheckpoint()
                                + "; continue with: decaf finetune --resume " + out);
                        console.flush();
                    }
                } finally {
                    finished.countDown();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // the JVM is already shutting down (Ctrl-C): the hook is running
                    }
                }
                if (result.interrupted()) {
                    return new Outcome(result.initialValLoss(), result.finalValLoss(), Double.NaN, Double.NaN,
                            result.state(), true);
                }
                ModelDirectory.save(model, dtype, tokenizerFile, out.resolve("model"));
                LossPlot.write(metrics.file(), out.resolve("loss.png"));
                double taskAfter = task == null ? Double.NaN : taskAccuracy(task, generator);
                report(console, recipe, result, taskBefore, taskAfter, task, generator, out);
                return new Outcome(result.initialValLoss(), result.finalValLoss(), taskBefore, taskAfter, result.state(), false);
            }
        }
    }

    private static ModelConfig loadConfig(Path p) {
        try {
            return ModelConfig.load(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("model: " + e.getMessage(), e);
        }
    }

    private static ModelDirectory.Loaded loadModel(Path dir, NDManager manager) {
        try {
            return ModelDirectory.load(dir, manager);
        } catch (IOException e) {
            throw new IllegalArgumentException("model: " + e.getMessage(), e);
        }
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

    private static Path tokenizerFile(Recipe recipe, Path modelPath, boolean fromConfig, Path trainFile,
            ModelConfig config, Path out, PrintStream console) throws IOException {
        if (recipe.tokenizer() != null && recipe.tokenizer().path() != null) {
            Path t = recipe.tokenizer().path();
            return Files.isDirectory(t) ? t.resolve("tokenizer.json") : t;
        }
        if (!fromConfig) {
            Path t = modelPath.resolve("tokenizer.json");
            if (!Files.isRegularFile(t)) {
                throw new IllegalArgumentException("model: " + modelPath + " has no tokenizer.json: set tokenizer in the recipe");
            }
            return t;
        }
        Path dir = out.resolve("tokenizer");
        Path file = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(file)) {
            return file; // trained by an earlier (interrupted) start of this run
        }
        console.printf(Locale.ROOT, "training a byte-level BPE tokenizer (%d tokens) on %s%n", config.vocabSize(), trainFile);
        BpeTrainer trainer = BpeTrainer.builder().optVocabSize(config.vocabSize()).build();
        BpeTrainer.Result r = trainFile.toString().endsWith(".txt") ? trainer.train(List.of(trainFile))
                : trainer.trainOnTexts(texts(trainFile));
        return r.write(dir);
    }

    /** The text fields of a JSON-lines file, for training a tokenizer on it. */
    private static List<String> texts(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line; (line = r.readLine()) != null; ) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = json.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException(jsonl + ":" + number + ": not valid JSON ("
                            + e.getOriginalMessage().lines().findFirst().orElse("") + ")", e);
                }
                for (String f : new String[] {"text", "prompt", "completion"}) {
                    if (n.hasNonNull(f)) {
                        out.add(n.get(f).asText());
                    }
                }
            }
        }
        return out;
    }

    private static TaskMetric taskMetric(Recipe recipe, Path validationFile) throws IOException {
        if (recipe.task() == null) {
            return null;
        }
        if (validationFile == null || !validationFile.toString().endsWith(".jsonl")) {
            throw new IllegalArgumentException("task: '" + recipe.task() + "' needs a prompt/completion validation file");
        }
        return TaskMetric.load(validationFile);
    }

    private static final int TASK_EXAMPLES = 100;

    private static double taskAccuracy(TaskMetric task, Generator generator) {
        Sampler greedy = new Sampler(0, 0, 1, 0);
        return task.evaluate(p -> generator.generate(p, 24, greedy).text(), TASK_EXAMPLES).accuracy();
    }

    private static void report(PrintStream console, Recipe recipe, TrainingLoop.Result result, double taskBefore,
            double taskAfter, TaskMetric task, Generator generator, Path out) {
        console.println();
        if (!Double.isNaN(result.finalValLoss())) {
            console.printf(Locale.ROOT, "validation loss: %.4f before, %.4f after%n", result.initialValLoss(),
                    result.finalValLoss());
        }
        if (task != null) {
            console.printf(Locale.ROOT, "task '%s' exact match on %d validation prompts: %.1f%% before, %.1f%% after%n",
                    recipe.task(), Math.min(TASK_EXAMPLES, task.size()), 100 * taskBefore, 100 * taskAfter);
        }
        List<String> prompts = new ArrayList<>(recipe.generate().prompts());
        if (prompts.isEmpty() && task != null) {
            prompts.addAll(task.prompts().subList(0, Math.min(3, task.size())));
        }
        Sampler sampler = new Sampler(recipe.generate().temperature(), 0, 1, recipe.train().seed());
        for (String p : prompts) {
            String text = generator.generate(p, recipe.generate().maxTokens(), sampler).text();
            console.printf(Locale.ROOT, "sample: %s|%s%n", p.replace("\n", "\\n"), text.replace("\n", "\\n"));
        }
        console.println("model: " + out.resolve("model") + "  metrics: " + out.resolve(MetricsLog.FILE_NAME) + "  plot: "
                + out.resolve("loss.png"));
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
