package dev.decaf.service;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.GradientClipping;
import dev.decaf.djl.optim.OptimizerRegistry;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import dev.decaf.djl.runtime.ComputeThreads;
import dev.decaf.djl.runtime.EngineLock;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.nn.CausalLmLoss;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.nn.Scalars;
import dev.decaf.text.data.Batch;
import dev.decaf.text.data.EpochCursor;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.data.builtin.BuiltinData;
import dev.decaf.text.tokenizer.TextTokenizer;
import dev.decaf.train.finetune.Finetune;
import dev.decaf.train.finetune.TrainingData;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Trains one job through DJL's {@link Trainer} with a decaf optimizer, from its start or from its
 * newest {@link JobCheckpoint}, to its last step; then saves the model to {@code JOB/model}.
 *
 * <p>One optimizer step: {@code train.grad_accum} micro-batches, each a forward, the masked
 * next-token loss ({@link CausalLmLoss}) scaled by 1/grad_accum and a backward inside
 * {@code trainer.newGradientCollector()}; then {@link GradientClipping} to {@code train.clip_norm};
 * then {@code trainer.step()}, which hands every gradient to the optimizer.
 *
 * <p>Why a resumed job ends with the same bits as one never stopped: the data order is a pure
 * function of (seed, epoch) and the checkpoint records (epoch, position); the weights are saved in
 * float32; the optimizer's moments and per-parameter step counts (the schedule's position) are
 * saved and loaded by name; dropout is re-seeded from (seed, step, micro-batch) before every
 * forward. The thread count must be the same too (a fixed {@code train.threads} or {@code
 * OMP_NUM_THREADS}), since libtorch sums in another order on other threads.
 *
 * <p>Forward + backward hold decaf's {@link EngineLock} (DJL's PyTorch engine allows one gradient
 * collector per JVM, and dropout draws from one global generator), so several workers can train
 * side by side.
 */
final class TrainingJob {

    private final Job job;
    private final Recipe recipe;

    TrainingJob(Job job) {
        this.job = job;
        this.recipe = job.recipe();
    }

    /**
     * Runs the job to its end.
     *
     * @throws IOException on a read or write error; bad data is an {@link IllegalArgumentException}
     */
    void run() throws IOException {
        // libtorch's thread count is per calling thread: set it on the worker that trains
        ComputeThreads threads = ComputeThreads.choose(recipe.train().threads()).apply();
        Path tokenizerFile = JobRecipes.tokenizerFile(recipe);
        Optional<JobCheckpoint> from = JobCheckpoint.latest(job.dir());
        try (TextTokenizer tok = TextTokenizer.load(tokenizerFile); Model djl = Model.newInstance(job.id())) {
            DecoderModel model = loadModel(from, djl.getNDManager());
            djl.setBlock(model);
            LmDataset data = data(tok, tokenizerFile, model.config());
            Recipe.Train t = recipe.train();
            long steps = t.bySteps() ? t.steps()
                    : t.epochs() * (long) Math.ceil(data.train().batchCount(t.batchSize()) / (double) t.gradAccum());
            Schedule schedule = recipe.schedule().toSchedule(recipe.optimizer().lr(), steps);
            try (AdamFamily opt = optimizer(schedule, Finetune.groups(recipe, model), threads.kernel())) {
                if (from.isPresent()) {
                    opt.loadState(from.get().directory(), djl.getNDManager());
                }
                DefaultTrainingConfig config = new DefaultTrainingConfig(new CausalLmLoss()).optOptimizer(opt);
                try (Trainer trainer = djl.newTrainer(config)) {
                    train(trainer, model, opt, tokenizerFile, data, schedule, steps, from);
                }
            }
            ModelDirectory.save(model, dev.decaf.core.safetensors.DType.F32, tokenizerFile, job.dir().resolve(Job.MODEL));
        }
        job.done();
    }

    /** The optimizer the recipe names, by name through decaf's registry, with the model's groups. */
    private AdamFamily optimizer(Schedule schedule, ParamGroups groups, int kernelThreads) {
        Recipe.Optimizer o = recipe.optimizer();
        return OptimizerRegistry.build(o.name().recipeName(), b -> b
                .optLearningRateTracker(ScheduleTracker.of(schedule)) // AdamC also reads its peak from it
                .optBeta1((float) o.beta1()).optBeta2((float) o.beta2()).optEpsilon((float) o.eps())
                .optWeightDecays((float) o.weightDecay().lambda())
                .optParamGroups(groups)
                .optKernelThreads(kernelThreads));
    }

    private void train(Trainer trainer, DecoderModel model, AdamFamily opt, Path tokenizerFile, LmDataset data,
            Schedule schedule, long steps, Optional<JobCheckpoint> from) throws IOException {
        Recipe.Train t = recipe.train();
        long start = from.map(JobCheckpoint::step).orElse(0L);
        EpochCursor cursor = from.map(c -> new EpochCursor(data.train(), t.batchSize(), c.epoch(), c.position()))
                .orElseGet(() -> new EpochCursor(data.train(), t.batchSize(), 0, 0));
        job.running(steps, start);
        double loss = from.map(JobCheckpoint::loss).orElse(Double.NaN);
        for (long step = start + 1; step <= steps; step++) {
            long t0 = System.nanoTime();
            loss = 0;
            long positions = 0;
            for (int micro = 0; micro < t.gradAccum(); micro++) {
                Batch b = cursor.next();
                positions += (long) b.size() * b.width();
                loss += forwardBackward(trainer, b, step, micro) / t.gradAccum();
            }
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("the loss of step " + step + " is " + loss);
            }
            if (t.clipNorm() > 0) {
                GradientClipping.clipGlobalNorm(model, t.clipNorm(), opt.kernelThreads());
            }
            trainer.step();
            cursor.rollOver(); // the position a checkpoint records is where the next batch starts
            double seconds = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
            job.stepped(step, loss, schedule.lr(step), positions / seconds);
            if (t.checkpointEvery() > 0 && step % t.checkpointEvery() == 0 && step < steps) {
                JobCheckpoint.save(job.dir(), model, tokenizerFile, opt, step, cursor, loss);
                job.checkpointed(step);
            }
        }
    }

    /** One micro-batch: forward, loss, backward; returns the unscaled loss. */
    private double forwardBackward(Trainer trainer, Batch b, long step, int micro) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDArray ids = scope.create(b.inputs());
            // segment ids as the attention mask when rows are padded or hold several examples
            NDList inputs = b.needsAttentionMask() ? new NDList(ids, scope.create(b.segments())) : new NDList(ids);
            NDList labels = new NDList(scope.create(b.labels()), scope.create(b.lossMask()));
            try (EngineLock.Held engine = EngineLock.acquire()) {
                engine.seed(dropoutSeed(step, micro));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray l = trainer.getLoss().evaluate(labels, trainer.forward(inputs));
                    double value = l.getFloat();
                    gc.backward(Scalars.div(l, recipe.train().gradAccum()));
                    return value;
                }
            }
        }
    }

    /** The dropout seed of a micro-batch: a function of (seed, step, micro-batch) only, so the same after a resume. */
    private int dropoutSeed(long step, int micro) {
        return (int) (recipe.train().seed() * 1_000_003L + step * 131L + micro);
    }

    /**
     * The checkpoint's weights, the recipe's model directory, or a config initialised from the
     * seed. Initialisation draws from the engine's generator, so it holds the engine lock.
     */
    private DecoderModel loadModel(Optional<JobCheckpoint> from, NDManager manager) throws IOException {
        Path path = recipe.model().path();
        try (EngineLock.Held engine = EngineLock.acquire()) {
            engine.seed((int) recipe.train().seed());
            if (from.isPresent()) {
                return ModelDirectory.load(from.get().modelDirectory(), manager).model();
            }
            if (Files.isDirectory(path)) {
                return ModelDirectory.load(path, manager).model();
            }
            DecoderModel model = DecoderModel.of(ModelConfig.load(path));
            model.initialize(manager);
            return model;
        }
    }

    /** The recipe's data, tokenised as decaf finetune does; built-in data is written into {@code JOB/data}. */
    private LmDataset data(TextTokenizer tok, Path tokenizerFile, ModelConfig config) throws IOException {
        Recipe.Data d = recipe.data();
        Path train = d.train().path();
        Path validation = d.validation() == null || d.validation().isBuiltin() ? null : d.validation().path();
        if (d.train().isBuiltin()) {
            List<Path> files = BuiltinData.write(d.train().builtin(), job.dir().resolve("data"), BuiltinData.DEFAULT_SEED);
            train = files.get(0);
        }
        return TrainingData.load(d, recipe.train().seed(), train, validation, tok, tokenizerFile,
                recipe.train().seqLen(), config.maxPositions());
    }
}
