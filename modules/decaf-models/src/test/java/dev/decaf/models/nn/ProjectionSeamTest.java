package dev.decaf.models.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.groups.LayerKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every linear layer goes through {@link Projection}: one forward pass sees each hidden weight and
 * the output head (the tied embedding for GPT-2) exactly once per layer, and a projection that
 * computes the same map by hand (x·Wᵀ + b with plain tensor ops) gives the same logits.
 */
class ProjectionSeamTest {

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void everyLinearLayerGoesThroughTheSeam(String name) throws Exception {
        ModelConfig config = ModelConfig.load(Path.of("../../models/" + name + ".json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            DecoderModel model = DecoderModel.of(config);
            model.initialize(manager);
            NDArray ids = manager.create(new long[][] {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}});
            float[] plain = logits(model, manager, ids);

            List<String> seen = new ArrayList<>();
            model.setProjection((weightName, x, w, b) -> {
                seen.add(weightName);
                NDArray y = x.matMul(w.transpose());
                return b == null ? y : y.add(b);
            });
            float[] byHand = logits(model, manager, ids);

            Set<String> expected = new TreeSet<>();
            model.kinds().forEach((param, kind) -> {
                if (kind == LayerKind.WEIGHT || kind == LayerKind.HEAD) {
                    expected.add(param);
                }
            });
            if (config.tiedEmbeddings()) {
                expected.add(name.startsWith("gpt2") ? "transformer.wte.weight" : "model.embed_tokens.weight");
            }
            assertEquals(expected, new TreeSet<>(seen));
            assertEquals(seen.size(), new TreeSet<>(seen).size(), "each layer once per forward: " + seen);
            assertArrayEquals(plain, byHand, 1e-5f);
        }
    }

    private static float[] logits(DecoderModel model, NDManager manager, NDArray ids) {
        try (NDManager scope = manager.newSubManager()) {
            return model.forward(new ParameterStore(scope, false), new NDList(ids), false).singletonOrThrow().toFloatArray();
        }
    }
}
