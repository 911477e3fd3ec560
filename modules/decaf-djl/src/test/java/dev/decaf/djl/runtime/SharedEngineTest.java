package dev.decaf.djl.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.ParamGroups;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedEngine} against DJL's {@code EasyTrain}: the same loop (weights, listener calls and
 * metrics equal, bit for bit, from the same start); two jobs at once on two threads each give the
 * weights they give alone, with dropout and shuffling drawing from the shared generators; and
 * the failure it avoids, DJL's one-collector-per-JVM flag, reproduced deterministically.
 */
class SharedEngineTest {

    static final int ROWS = 64;
    static final int FEATURES = 8;
    static final int BATCH = 16;
    static final int EPOCHS = 3;

    /** One job's model, trainer, data and optimizer, built from a seed. */
    static final class Job implements AutoCloseable {
        final Model model = Model.newInstance("shared-engine-test");
        final SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(32).build())
                .add(Activation.reluBlock())
                .add(Dropout.builder().optRate(0.25f).build())
                .add(Linear.builder().setUnits(1).build());
        final AdamW optimizer;
        final Trainer trainer;
        final ArrayDataset train;
        final ArrayDataset validation;
        final Counts counts = new Counts();

        Job(long seed, Loss loss) {
            model.setBlock(block);
            optimizer = AdamW.builder().optWeightDecays(0.05f).optKernelThreads(1)
                    .optParamGroups(ParamGroups.standard(block)).build();
            trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(optimizer).addTrainingListeners(counts));
            trainer.setMetrics(new Metrics());
            NDManager m = trainer.getManager();
            SplittableRandom random = new SplittableRandom(seed);
            train = dataset(m, random, ROWS, true);
            validation = dataset(m, random, ROWS / 2, false);
        }

        static ArrayDataset dataset(NDManager m, SplittableRandom random, int rows, boolean shuffle) {
            float[] x = new float[rows * FEATURES];
            float[] y = new float[rows];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < FEATURES; j++) {
                    x[i * FEATURES + j] = (float) random.nextGaussian();
                    y[i] += (j % 2 == 0 ? 0.5f : -0.25f) * x[i * FEATURES + j];
                }
            }
            return new ArrayDataset.Builder().setData(m.create(x, new Shape(rows, FEATURES)))
                    .optLabels(m.create(y, new Shape(rows, 1))).setSampling(BATCH, shuffle).build();
        }

        Map<String, float[]> weights() {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                out.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
            return out;
        }

        /** Metric name → how many values were recorded. */
        Map<String, Integer> metricCounts() {
            Map<String, Integer> out = new TreeMap<>();
            for (String name : trainer.getMetrics().getMetricNames()) {
                out.put(name, trainer.getMetrics().getMetric(name).size());
            }
            return out;
        }

        @Override
        public void close() {
            trainer.close();
            optimizer.close();
            model.close();
        }
    }

    /** Counts the listener calls the loop makes. */
    static final class Counts extends TrainingListenerAdapter {
        int epochs;
        int trainingBatches;
        int validationBatches;

        @Override
        public void onEpoch(Trainer trainer) {
            epochs++;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, TrainingListener.BatchData batchData) {
            trainingBatches++;
        }

        @Override
        public void onValidationBatch(Trainer trainer, TrainingListener.BatchData batchData) {
            validationBatches++;
        }

        List<Integer> all() {
            return List.of(epochs, trainingBatches, validationBatches);
        }
    }

    /** Runs a job with the helper, seeded, and returns its final weights. */
    static Map<String, float[]> sharedJob(int seed) throws Exception {
        try (Job job = new Job(seed, Loss.l2Loss())) {
            SharedEngine.initialize(job.trainer, seed, new Shape(BATCH, FEATURES));
            SharedEngine.fit(job.trainer, EPOCHS, job.train, job.validation, seed);
            return job.weights();
        }
    }

    @Test
    void unseededItIsEasyTrainFitCallForCall() throws Exception {
        Map<String, float[]> easy;
        List<Integer> easyCounts;
        Map<String, Integer> easyMetrics;
        try (Job job = new Job(3, Loss.l2Loss())) {
            job.trainer.getManager().getEngine().setRandomSeed(11);
            job.trainer.initialize(new Shape(BATCH, FEATURES));
            EasyTrain.fit(job.trainer, EPOCHS, job.train, job.validation);
            easy = job.weights();
            easyCounts = job.counts.all();
            easyMetrics = job.metricCounts();
        }
        try (Job job = new Job(3, Loss.l2Loss())) {
            job.trainer.getManager().getEngine().setRandomSeed(11);
            job.trainer.initialize(new Shape(BATCH, FEATURES));
            SharedEngine.fit(job.trainer, EPOCHS, job.train, job.validation);
            assertSameWeights(easy, job.weights(), "SharedEngine.fit vs EasyTrain.fit");
            // 3 epochs; 64 rows / 16 = 4 training batches and 32 / 16 = 2 validation batches per epoch
            assertEquals(List.of(3, 12, 6), job.counts.all());
            assertEquals(easyCounts, job.counts.all());
            assertEquals(easyMetrics, job.metricCounts());
            assertEquals(12, job.metricCounts().get("backward"), job.metricCounts().toString());
        }
    }

    @Test
    void twoJobsAtOnceGiveTheirWeightsAlone() throws Exception {
        Map<String, float[]> aloneA = sharedJob(1);
        Map<String, float[]> aloneB = sharedJob(2);
        assertFalse(java.util.Arrays.equals(aloneA.values().iterator().next(), aloneB.values().iterator().next()),
                "two seeds, two different jobs");

        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier together = new CyclicBarrier(2);
            Future<Map<String, float[]>> a = two.submit(() -> {
                together.await();
                return sharedJob(1);
            });
            Future<Map<String, float[]>> b = two.submit(() -> {
                together.await();
                return sharedJob(2);
            });
            assertSameWeights(aloneA, a.get(), "job 1");
            assertSameWeights(aloneB, b.get(), "job 2");
        } finally {
            two.shutdownNow();
        }
    }

    /** A loss that waits, inside the gradient collector, until released: two trainers overlap for sure. */
    static final class WaitingLoss extends Loss {
        final Loss inner = Loss.l2Loss();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        WaitingLoss() {
            super("waiting");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            entered.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS), "released");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.evaluate(labels, predictions);
        }
    }

    @Test
    void easyTrainFailsWhileAnotherTrainerCollectsAndSharedEngineWaits() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Job a = new Job(1, new WaitingLoss()); Job b = new Job(2, Loss.l2Loss())) {
            WaitingLoss waiting = (WaitingLoss) a.trainer.getLoss();
            SharedEngine.initialize(a.trainer, 1, new Shape(BATCH, FEATURES));
            SharedEngine.initialize(b.trainer, 2, new Shape(BATCH, FEATURES));

            // DJL alone: job a's collector is open (its loss waits), job b opens another
            Future<?> first = pool.submit(() -> trainOneBatch(a, false));
            assertTrue(waiting.entered.await(30, TimeUnit.SECONDS));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainOneBatch(b, false));
            assertEquals("A PtGradientCollector is already collecting. Only one can be collecting at a time",
                    e.getMessage());
            waiting.release.countDown();
            first.get();
        }
        try (Job a = new Job(1, new WaitingLoss()); Job b = new Job(2, Loss.l2Loss())) {
            WaitingLoss waiting = (WaitingLoss) a.trainer.getLoss();
            SharedEngine.initialize(a.trainer, 1, new Shape(BATCH, FEATURES));
            SharedEngine.initialize(b.trainer, 2, new Shape(BATCH, FEATURES));

            // with the helper: job b waits for job a's backward instead of failing
            Future<?> first = pool.submit(() -> trainOneBatch(a, true));
            assertTrue(waiting.entered.await(30, TimeUnit.SECONDS));
            Future<?> second = pool.submit(() -> trainOneBatch(b, true));
            assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS),
                    "job b must wait while job a holds the engine");
            waiting.release.countDown();
            first.get();
            second.get(); // no exception: it ran once the lock was free
            assertEquals(1, b.counts.trainingBatches);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Void trainOneBatch(Job job, boolean shared) throws Exception {
        for (Batch batch : job.trainer.iterateDataset(job.train)) {
            try {
                if (shared) {
                    SharedEngine.trainBatch(job.trainer, batch);
                } else {
                    EasyTrain.trainBatch(job.trainer, batch);
                }
                job.trainer.step();
            } finally {
                batch.close();
            }
            break;
        }
        return null;
    }

    @Test
    void theSeedsOfAJobAreAFunctionOfSeedEpochAndBatch() {
        assertEquals(1_000_003, SharedEngine.seed(1, 0, 0));
        assertEquals(1_000_003 + 65_537 - 1, SharedEngine.seed(1, 1, -1));
        assertEquals(2 * 1_000_003 + 2 * 65_537 + 3, SharedEngine.seed(2, 2, 3));
    }

    static void assertSameWeights(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        List<String> differ = new ArrayList<>();
        for (String name : expected.keySet()) {
            if (!java.util.Arrays.equals(expected.get(name), actual.get(name))) {
                differ.add(name);
            }
        }
        assertEquals(List.of(), differ, what + ": parameters not bit-identical");
        expected.forEach((name, w) -> assertArrayEquals(w, actual.get(name), 0f, what + " " + name));
    }
}
