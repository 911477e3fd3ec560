package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * decaf's AdamW inside DJL's {@link Trainer}: {@code Trainer.step()} goes through DJL's
 * parameter server (which hands the optimizer a copy of each gradient). Every step is checked
 * against an independent double-precision AdamW written out here from the formula, with the
 * standard groups (no decay for biases and LayerNorm), and gradients must be zero afterwards.
 */
class TrainerIntegrationTest {

    static final double PEAK = 0.02;
    static final double LAMBDA = 0.1;
    static final double B1 = 0.9;
    static final double B2 = 0.999;
    static final double EPS = 1e-8;

    @Test
    void trainerStepMatchesTheFormulaAndZeroesGradients() {
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(LayerNorm.builder().build())
                .add(Linear.builder().setUnits(1).build());
        Schedule schedule = Schedule.warmup(PEAK, 3, 20, DecayShape.COSINE, 0.0);
        AdamW opt = AdamW.builder()
                .optLearningRateTracker(ScheduleTracker.of(schedule))
                .optWeightDecays((float) LAMBDA)
                .optParamGroups(ParamGroups.standard(block))
                .build();
        try (Model model = Model.newInstance("trainer-test")) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(opt);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(32, 8));
                String table = opt.groupTable();
                assertTrue(table.contains("no_decay") && table.contains("decay"), table);

                NDManager manager = trainer.getManager();
                manager.getEngine().setRandomSeed(5);
                NDArray x = manager.randomNormal(new Shape(32, 8));
                NDArray y = x.sum(new int[] {1}, true).mul(0.5f).add(x.get(":, 0:1").square());

                Map<String, double[]> m = new HashMap<>();
                Map<String, double[]> v = new HashMap<>();
                double firstLoss = Double.NaN;
                double lastLoss = Double.NaN;
                for (int t = 1; t <= 20; t++) {
                    double loss;
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
                        NDArray l = trainer.getLoss().evaluate(new NDList(y), new NDList(pred));
                        loss = l.getFloat();
                        gc.backward(l);
                    }
                    Map<String, float[]> before = new HashMap<>();
                    Map<String, float[]> grads = new HashMap<>();
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        before.put(p.getKey(), p.getValue().getArray().toFloatArray());
                        try (NDArray g = p.getValue().getArray().getGradient()) {
                            grads.put(p.getKey(), g.toFloatArray());
                        }
                    }
                    trainer.step();
                    double lr = schedule.lr(t);
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        String name = p.getKey();
                        boolean decays = p.getValue().getArray().getShape().dimension() >= 2;
                        float[] w0 = before.get(name);
                        float[] g = grads.get(name);
                        double[] mi = m.computeIfAbsent(name, k -> new double[w0.length]);
                        double[] vi = v.computeIfAbsent(name, k -> new double[w0.length]);
                        float[] actual = p.getValue().getArray().toFloatArray();
                        for (int i = 0; i < w0.length; i++) {
                            double theta = w0[i] * (1 - lr * (decays ? LAMBDA : 0));
                            mi[i] = B1 * mi[i] + (1 - B1) * g[i];
                            vi[i] = B2 * vi[i] + (1 - B2) * g[i] * g[i];
                            double expected = theta - lr / (1 - Math.pow(B1, t)) * mi[i]
                                    / (Math.sqrt(vi[i]) / Math.sqrt(1 - Math.pow(B2, t)) + EPS);
                            assertEquals(expected, actual[i], 2e-5 * Math.abs(expected) + 1e-6,
                                    name + "[" + i + "] at step " + t);
                        }
                        try (NDArray gAfter = p.getValue().getArray().getGradient()) {
                            for (float f : gAfter.toFloatArray()) {
                                assertEquals(0f, f, 0f, "gradient of " + name + " zeroed after step " + t);
                            }
                        }
                        assertEquals(t, opt.step(name));
                    }
                    if (t == 1) {
                        firstLoss = loss;
                    }
                    lastLoss = loss;
                }
                assertTrue(lastLoss < 0.5 * firstLoss, "loss fell from " + firstLoss + " to " + lastLoss);
            }
        }
    }
}
