package dev.decaf.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.translate.TranslateException;
import dev.decaf.djl.runtime.SharedEngine;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * The training job the service benchmarks run: an MLP (in → hidden → ReLU → hidden → ReLU → 1)
 * fitted to a fixed random linear target with DJL's {@code Trainer}, through {@link SharedEngine}
 * (its {@code EasyTrain.fit}), L2 loss, a fresh trainer per job.
 *
 * @param in input features
 * @param hidden hidden units
 * @param rows training rows
 * @param batch rows per batch
 * @param epochs epochs per job
 */
record MlpJob(int in, int hidden, int rows, int batch, int epochs) {

    /** Returns the model's block. */
    SequentialBlock block() {
        return new SequentialBlock().add(Linear.builder().setUnits(hidden).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(hidden).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(1).build());
    }

    /** Returns the model's parameter count. */
    long parameters() {
        return (long) in * hidden + hidden + (long) hidden * hidden + hidden + hidden + 1;
    }

    /** Returns the data of a seed: x ~ N(0, 1), y = a·x with a fixed by the seed. */
    ArrayDataset data(NDManager manager, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[in];
        for (int j = 0; j < in; j++) {
            a[j] = (float) random.nextGaussian() / (float) Math.sqrt(in);
        }
        float[] x = new float[rows * in];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < in; j++) {
                x[i * in + j] = (float) random.nextGaussian();
                y[i] += a[j] * x[i * in + j];
            }
        }
        return new ArrayDataset.Builder().setData(manager.create(x, new Shape(rows, in)))
                .optLabels(manager.create(y, new Shape(rows, 1))).setSampling(batch, true).build();
    }

    /**
     * Trains the model once with a fresh trainer (initialized, as a DJL user would, which leaves
     * initialized weights as they are), closed after.
     *
     * @param model the model
     * @param optimizer the optimizer (the caller closes it)
     * @param data the data
     * @param seed the job's seed (shuffles)
     */
    void train(Model model, Optimizer optimizer, ArrayDataset data, int seed) throws IOException, TranslateException {
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer))) {
            SharedEngine.initialize(trainer, seed, new Shape(batch, in));
            SharedEngine.fit(trainer, epochs, data, null, seed);
        }
    }
}
