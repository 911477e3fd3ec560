package dev.decaf.djl.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * DJL's {@code EasyTrain} for several trainers in one JVM: the same loop, the same listener calls
 * and metrics, but forward + backward of each batch runs under the {@link EngineLock} (the one
 * decaf's own training loop takes), so trainers on different threads take turns at the engine
 * instead of failing with DJL's "A PtGradientCollector is already collecting. Only one can be
 * collecting at a time".
 *
 * <pre>
 * under the lock (one trainer at a time)     in parallel (each trainer on its own thread)
 *   trainBatch: forward, loss, backward        trainer.step(): the optimizer update
 *   initialize: weight initialisation          gradient clipping (between trainBatch and step)
 *   iterating a shuffled dataset (its order)   onTrainingBatch / onValidationBatch / onEpoch
 *   every seed(...) and what draws after it    validation forward passes (no collector, no RNG)
 * </pre>
 *
 * <p>Why these: DJL 0.36's PyTorch engine allows one gradient collector per JVM (a static flag
 * in {@code PtGradientCollector}), and dropout, initialisation and shuffling draw from generators
 * the whole process shares (see {@link EngineLock}). Your own code that opens a {@code
 * GradientCollector} or draws random numbers from the engine while these trainers run must hold
 * {@link EngineLock#acquire()} too. Each trainer must be used by one thread at a time.
 *
 * <p>Exactness: with a seed ({@link #initialize(Trainer, int, Shape...)}, {@link #fit(Trainer,
 * int, Dataset, Dataset, int)}) every draw a job makes happens right after its own reseed, under
 * the lock, so a job computes the same weights, bit for bit, whether it runs alone or beside
 * others ({@code SharedEngineTest}). Without a seed the loop is {@code EasyTrain.fit} exactly,
 * and jobs that draw random numbers interleave their draws as they would under DJL.
 *
 * <p>The seeds: the shuffle of epoch {@code e} is drawn after {@code setRandomSeed(seed(s, e,
 * -1))}, and batch {@code b} of epoch {@code e} runs forward after {@code setRandomSeed(seed(s, e,
 * b))}, with {@code seed(s, e, b) = (int) (s·1000003 + e·65537 + b)}.
 *
 * <p>One difference from {@code EasyTrain}: with a multi-device trainer and an executor, DJL
 * starts the splits and closes the collector without waiting for them; this waits.
 */
public final class SharedEngine {

    private SharedEngine() {}

    /**
     * Trains as {@code EasyTrain.fit} does: per epoch, every batch through {@link
     * #trainBatch(Trainer, Batch)} and {@code trainer.step()}, then {@link #evaluateDataset}, then
     * {@code onEpoch} to the listeners.
     *
     * @param trainer the trainer (used by this thread only)
     * @param numEpoch the number of epochs
     * @param trainingDataset the training data
     * @param validateDataset the validation data, or null
     * @throws IOException when the data cannot be read
     * @throws TranslateException when a batch cannot be built
     */
    public static void fit(Trainer trainer, int numEpoch, Dataset trainingDataset, Dataset validateDataset)
            throws IOException, TranslateException {
        fit(trainer, numEpoch, trainingDataset, validateDataset, null);
    }

    /**
     * Trains as {@link #fit(Trainer, int, Dataset, Dataset)} does, reseeding the engine's
     * generators under the lock before each epoch's shuffle and each batch's forward pass (see
     * the class comment), so the job gives the same weights alone or beside other jobs.
     *
     * @param trainer the trainer (used by this thread only)
     * @param numEpoch the number of epochs
     * @param trainingDataset the training data
     * @param validateDataset the validation data, or null
     * @param seed the job's seed
     * @throws IOException when the data cannot be read
     * @throws TranslateException when a batch cannot be built
     */
    public static void fit(Trainer trainer, int numEpoch, Dataset trainingDataset, Dataset validateDataset, int seed)
            throws IOException, TranslateException {
        fit(trainer, numEpoch, trainingDataset, validateDataset, Integer.valueOf(seed));
    }

    private static void fit(Trainer trainer, int numEpoch, Dataset trainingDataset, Dataset validateDataset,
            Integer seed) throws IOException, TranslateException {
        for (int epoch = 0; epoch < numEpoch; epoch++) {
            Iterator<Batch> batches;
            // a shuffling sampler draws the epoch's order when the iterable is made
            try (EngineLock.Held engine = EngineLock.acquire()) {
                if (seed != null) {
                    engine.seed(seed(seed, epoch, -1));
                }
                batches = trainer.iterateDataset(trainingDataset).iterator();
            }
            for (long b = 0; batches.hasNext(); b++) {
                Batch batch = batches.next();
                try {
                    trainBatch(trainer, batch, seed == null ? null : seed(seed, epoch, b));
                    trainer.step();
                } finally {
                    batch.close();
                }
            }
            evaluateDataset(trainer, validateDataset);
            trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        }
    }

    /**
     * The seed of one draw of a job: {@code (int) (seed·1000003 + epoch·65537 + batch)}, batch −1
     * for the epoch's shuffle.
     *
     * @param seed the job's seed
     * @param epoch the epoch, from 0
     * @param batch the batch within the epoch, from 0, or −1
     * @return the seed to give the engine
     */
    static int seed(long seed, int epoch, long batch) {
        return (int) (seed * 1_000_003L + epoch * 65_537L + batch);
    }

    /**
     * Initializes the trainer's model ({@code trainer.initialize(shapes)}) under the lock, after
     * seeding the engine, so the initial weights do not depend on what other threads draw.
     *
     * @param trainer the trainer
     * @param seed the seed
     * @param shapes the input shapes
     */
    public static void initialize(Trainer trainer, int seed, Shape... shapes) {
        try (EngineLock.Held engine = EngineLock.acquire()) {
            engine.seed(seed);
            trainer.initialize(shapes);
        }
    }

    /**
     * Forward + loss + backward of one batch under the lock, as {@code EasyTrain.trainBatch} does
     * (the {@code forward}, {@code backward} and {@code training-metrics} metrics included), then
     * {@code onTrainingBatch} to the listeners outside it. Clip the gradients and call {@code
     * trainer.step()} afterwards, outside the lock.
     *
     * @param trainer the trainer
     * @param batch the batch
     * @throws IllegalArgumentException when the batch is on another engine than the trainer
     */
    public static void trainBatch(Trainer trainer, Batch batch) {
        trainBatch(trainer, batch, null);
    }

    /**
     * {@link #trainBatch(Trainer, Batch)} with the engine reseeded under the lock first, so
     * dropout in this forward pass draws the same numbers whatever other threads do.
     *
     * @param trainer the trainer
     * @param batch the batch
     * @param seed the seed of this batch's draws
     * @throws IllegalArgumentException when the batch is on another engine than the trainer
     */
    public static void trainBatch(Trainer trainer, Batch batch, int seed) {
        trainBatch(trainer, batch, Integer.valueOf(seed));
    }

    private static void trainBatch(Trainer trainer, Batch batch, Integer seed) {
        checkEngine(trainer, batch);
        Batch[] splits = batch.split(trainer.getDevices(), false);
        TrainingListener.BatchData batchData =
                new TrainingListener.BatchData(batch, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        try (EngineLock.Held engine = EngineLock.acquire()) {
            if (seed != null) {
                engine.seed(seed);
            }
            try (GradientCollector collector = trainer.newGradientCollector()) {
                forEachSplit(trainer, splits, split -> trainSplit(trainer, collector, batchData, split));
            }
        }
        trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, batchData));
    }

    private static void trainSplit(Trainer trainer, GradientCollector collector, TrainingListener.BatchData batchData,
            Batch split) {
        NDList data = split.getData();
        NDList labels = split.getLabels();
        NDList preds = trainer.forward(data, labels);
        long time = System.nanoTime();
        NDArray lossValue = trainer.getLoss().evaluate(labels, preds);
        collector.backward(lossValue);
        trainer.addMetric("backward", time);
        time = System.nanoTime();
        batchData.getLabels().put(labels.get(0).getDevice(), labels);
        batchData.getPredictions().put(preds.get(0).getDevice(), preds);
        trainer.addMetric("training-metrics", time);
    }

    /**
     * One validation batch, as {@code EasyTrain.validateBatch} does: no collector and no random
     * draws, so it runs outside the lock, in parallel with other trainers.
     *
     * @param trainer the trainer
     * @param batch the batch
     * @throws IllegalArgumentException when the batch is on another engine than the trainer
     */
    public static void validateBatch(Trainer trainer, Batch batch) {
        checkEngine(trainer, batch);
        Batch[] splits = batch.split(trainer.getDevices(), false);
        TrainingListener.BatchData batchData =
                new TrainingListener.BatchData(batch, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        forEachSplit(trainer, splits, split -> {
            NDList data = split.getData();
            NDList labels = split.getLabels();
            NDList preds = trainer.evaluate(data);
            batchData.getLabels().put(labels.get(0).getDevice(), labels);
            batchData.getPredictions().put(preds.get(0).getDevice(), preds);
        });
        trainer.notifyListeners(listener -> listener.onValidationBatch(trainer, batchData));
    }

    /**
     * Every batch of a dataset through {@link #validateBatch}, as {@code EasyTrain.evaluateDataset}.
     *
     * @param trainer the trainer
     * @param testDataset the data, or null (then nothing happens)
     * @throws IOException when the data cannot be read
     * @throws TranslateException when a batch cannot be built
     */
    public static void evaluateDataset(Trainer trainer, Dataset testDataset) throws IOException, TranslateException {
        if (testDataset == null) {
            return;
        }
        for (Batch batch : trainer.iterateDataset(testDataset)) {
            try {
                validateBatch(trainer, batch);
            } finally {
                batch.close();
            }
        }
    }

    private static void checkEngine(Trainer trainer, Batch batch) {
        if (trainer.getManager().getEngine() != batch.getManager().getEngine()) {
            throw new IllegalArgumentException("The data must be on the same engine as the trainer. You may need to change"
                    + " one of your NDManagers.");
        }
    }

    /** Runs a split's work: on the trainer's executor when it has one and several splits, waiting for all. */
    private static void forEachSplit(Trainer trainer, Batch[] splits, java.util.function.Consumer<Batch> work) {
        if (splits.length > 1 && trainer.getExecutorService().isPresent()) {
            ExecutorService executor = trainer.getExecutorService().get();
            List<CompletableFuture<Void>> futures = new ArrayList<>(splits.length);
            for (Batch split : splits) {
                futures.add(CompletableFuture.runAsync(() -> work.accept(split), executor));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } else {
            for (Batch split : splits) {
                work.accept(split);
            }
        }
    }
}
