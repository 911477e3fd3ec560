package dev.decaf.models.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.decaf.core.config.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Constants inside the autograd graph must own their memory (see {@link Scalars}). Between the
 * forward and the backward pass these tests make the garbage collector free every unreachable Java
 * buffer and refill freed memory with NaN scalars; a constant that autograd saved over a Java
 * buffer would then poison the gradient. Before {@link Scalars}, the model test's gradients came
 * out NaN or different from the undisturbed pass.
 */
class CollectedConstantsTest {

    /** Frees unreachable direct buffers and hands their memory to fresh NaN scalars. */
    static void churn(NDManager manager) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(5); // the cleaners run on the reference-handler thread
            for (int i = 0; i < 1000; i++) {
                manager.create(Float.NaN).close();
            }
        }
    }

    @Test
    void productAndQuotientGradientsSurviveACollection() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Scalars.mul(x, 3f).add(Scalars.div(x, 4f)).sum();
                churn(m);
                gc.backward(y);
            }
            assertArrayEquals(new float[] {3.25f, 3.25f, 3.25f, 3.25f}, x.getGradient().toFloatArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void modelGradientsDoNotDependOnWhenTheCollectorRuns(String name) throws Exception {
        ModelConfig config = ModelConfig.load(Path.of("../../models/" + name + ".json"));
        SplittableRandom r = new SplittableRandom(5);
        long[][] ids = new long[2][16];
        for (long[] row : ids) {
            for (int t = 0; t < row.length; t++) {
                row[t] = r.nextInt(config.vocabSize());
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            DecoderModel model = DecoderModel.of(config);
            model.initialize(m);
            List<float[]> calm = gradients(model, m, ids, false);
            List<float[]> churned = gradients(model, m, ids, true);
            assertEquals(calm.size(), churned.size());
            for (int i = 0; i < calm.size(); i++) {
                assertArrayEquals(calm.get(i), churned.get(i), name + ": gradient " + i);
            }
        }
    }

    private static List<float[]> gradients(DecoderModel model, NDManager m, long[][] ids, boolean churn)
            throws InterruptedException {
        List<float[]> out = new ArrayList<>();
        try (NDManager scope = m.newSubManager()) {
            NDArray input = scope.create(ids);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(new ParameterStore(scope, false), new NDList(input), false)
                        .singletonOrThrow();
                NDArray loss = new CausalLmLoss().evaluate(new NDList(input), new NDList(logits));
                if (churn) {
                    churn(scope);
                }
                gc.backward(loss);
            }
            for (Parameter p : model.parameters().values()) {
                try (NDArray g = p.getArray().getGradient()) {
                    out.add(g.toFloatArray());
                }
                dev.decaf.djl.internal.TensorViews.zeroGradient(p.getArray());
            }
        }
        return out;
    }
}
