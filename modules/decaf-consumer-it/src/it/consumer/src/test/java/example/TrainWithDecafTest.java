package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What an application does with decaf-djl alone: a two-layer MLP trained by DJL's own loop
 * ({@link EasyTrain#fit}) with decaf's AdamW, the standard parameter groups and a warm-up + cosine
 * schedule, on y = x₀ − 2·x₁ + x₂·x₃ for 256 points of [−1, 1]⁴. The mean squared error over the
 * whole set must fall to under half of what the untrained network gives.
 */
class TrainWithDecafTest {

    static final int SAMPLES = 256;
    static final int BATCH = 32;
    static final int EPOCHS = 10;

    @Test
    void adamwTrainsAnMlpThroughEasyTrain() throws Exception {
        Engine.getInstance().setRandomSeed(42);
        Random random = new Random(7);
        float[] x = new float[SAMPLES * 4];
        float[] y = new float[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            for (int j = 0; j < 4; j++) {
                x[4 * i + j] = 2 * random.nextFloat() - 1;
            }
            y[i] = x[4 * i] - 2 * x[4 * i + 1] + x[4 * i + 2] * x[4 * i + 3];
        }

        SequentialBlock mlp = new SequentialBlock()
                .add(Linear.builder().setUnits(32).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(1).build());
        int steps = EPOCHS * SAMPLES / BATCH;
        try (Model model = Model.newInstance("mlp");
                AdamW adamw = AdamW.builder()
                        .optLearningRateTracker(ScheduleTracker.of(
                                Schedule.warmup(0.01, steps / 10, steps, DecayShape.COSINE, 0.1)))
                        .optWeightDecays(0.01f)
                        .optParamGroups(ParamGroups.standard(mlp))
                        .build()) {
            model.setBlock(mlp);
            NDManager manager = model.getNDManager();
            NDArray features = manager.create(x, new Shape(SAMPLES, 4));
            NDArray labels = manager.create(y, new Shape(SAMPLES, 1));
            ArrayDataset data = new ArrayDataset.Builder()
                    .setData(features)
                    .optLabels(labels)
                    .setSampling(BATCH, false)
                    .build();
            Loss mse = Loss.l2Loss();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(mse).optOptimizer(adamw))) {
                trainer.initialize(new Shape(BATCH, 4));
                float before = loss(trainer, mse, features, labels);
                EasyTrain.fit(trainer, EPOCHS, data, null);
                float after = loss(trainer, mse, features, labels);
                System.out.printf("consumer: loss %.4f -> %.4f after %d steps%n", before, after, steps);
                assertTrue(after < 0.5f * before, "loss " + before + " -> " + after);
            }
        }
    }

    private static float loss(Trainer trainer, Loss mse, NDArray features, NDArray labels) {
        NDArray predicted = trainer.forward(new NDList(features)).singletonOrThrow();
        return mse.evaluate(new NDList(labels), new NDList(predicted)).getFloat();
    }
}
