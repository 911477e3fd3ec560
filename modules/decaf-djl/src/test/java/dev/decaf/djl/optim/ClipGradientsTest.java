package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ClipGradients} in {@code EasyTrain.fit}: a batch whose gradient is NaN is skipped, so the
 * weights after fit are bit for bit those of a run without that batch, and it counts one skip;
 * the other batches are clipped to norm 0.5 (their norms are larger), in both runs alike.
 */
class ClipGradientsTest {

    static final int BATCH = 4;

    /** Rows of x (3 features) and y; batch {@code nanBatch} (or none when -1) has NaN inputs. */
    static List<float[]> rows(boolean withNanBatch) {
        List<float[]> rows = new ArrayList<>();
        for (int r = 0; r < 16; r++) {
            boolean nan = r >= 4 && r < 8;
            if (nan && !withNanBatch) {
                continue;
            }
            float a = (float) Math.sin(r);
            float b = (float) Math.cos(1.7 * r);
            float c = r / 8f - 1;
            rows.add(nan ? new float[] {Float.NaN, b, c, 1} : new float[] {a, b, c, 2 * a - b + 0.5f * c + 3});
        }
        return rows;
    }

    record Result(List<float[]> weights, int skipped, long steps) {}

    static Result fit(boolean withNanBatch) throws Exception {
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(2).build())
                .add(Linear.builder().setUnits(1).build());
        AdamW opt = AdamW.builder().optLearningRateTracker(Tracker.fixed(0.05f)).optWeightDecays(0.1f)
                .optParamGroups(ParamGroups.standard(block)).optKernelThreads(1).build();
        ClipGradients clip = GradientClipping.listener(opt, 0.5);
        try (Model model = Model.newInstance("clip-test"); opt) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(opt)
                    .addTrainingListeners(clip);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 3));
                int k = 0;
                for (Parameter p : block.getParameters().values()) { // the same start for both runs
                    float[] w = new float[(int) p.getArray().size()];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = (float) Math.sin(0.9 * k++) / 2;
                    }
                    p.getArray().set(w);
                }
                List<float[]> rows = rows(withNanBatch);
                NDManager manager = trainer.getManager();
                float[] x = new float[rows.size() * 3];
                float[] y = new float[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    System.arraycopy(rows.get(r), 0, x, 3 * r, 3);
                    y[r] = rows.get(r)[3];
                }
                ArrayDataset data = new ArrayDataset.Builder()
                        .setData(manager.create(x, new Shape(rows.size(), 3)))
                        .optLabels(manager.create(y, new Shape(rows.size(), 1)))
                        .setSampling(BATCH, false)
                        .build();
                EasyTrain.fit(trainer, 2, data, null);
                List<float[]> weights = new ArrayList<>();
                for (Pair<String, Parameter> p : block.getParameters()) {
                    weights.add(p.getValue().getArray().toFloatArray());
                }
                String first = block.getParameters().get(0).getKey();
                assertTrue(clip.lastNorm() > 0.5, "the last batch was clipped: norm " + clip.lastNorm());
                return new Result(weights, clip.skippedSteps(), opt.step(first));
            }
        }
    }

    @Test
    void aNanBatchIsSkippedBitForBit() throws Exception {
        Result with = fit(true);
        Result without = fit(false);
        assertEquals(2, with.skipped(), "one NaN batch in each of two epochs");
        assertEquals(0, without.skipped());
        assertEquals(6, with.steps(), "3 real steps per epoch: the skipped ones do not count");
        assertEquals(6, without.steps());
        for (int i = 0; i < with.weights().size(); i++) {
            assertArrayEquals(without.weights().get(i), with.weights().get(i), 0f, "parameter " + i);
        }
    }

    @Test
    void anotherOptimizerIsRefused() {
        Optimizer djlAdam = Optimizer.adam().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientClipping.listener(djlAdam, 1.0));
        assertEquals("ClipGradients skips a step with a non-finite gradient norm through a decaf optimizer"
                + " (AdamFamily.skipNextStep()); ai.djl.training.optimizer.Adam has no way to skip one: use a decaf"
                + " optimizer, or call GradientClipping.clipGlobalNorm between backward and step and leave out"
                + " trainer.step() yourself", e.getMessage());
        AdamW opt = AdamW.builder().build();
        assertEquals("max norm must be > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> GradientClipping.listener(opt, 0)).getMessage());
    }
}
