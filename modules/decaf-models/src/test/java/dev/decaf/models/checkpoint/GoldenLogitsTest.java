package dev.decaf.models.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.core.safetensors.DType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logits of decaf's GPT-2 and Llama against an independent from-scratch PyTorch forward pass
 * ({@code golden/models/gen_model_golden.py}): random-init checkpoints with non-trivial norms and
 * biases, GQA and a non-default rope_theta, and a BF16 checkpoint.
 */
class GoldenLogitsTest {

    static Path golden(String name) throws URISyntaxException {
        return Path.of(GoldenLogitsTest.class.getResource("/golden/models/" + name + "/config.json").toURI()).getParent();
    }

    static float[][][] forward(ModelDirectory.Loaded loaded, NDManager manager, long[][] ids, long[][] mask) {
        NDList in = new NDList(manager.create(ids));
        if (mask != null) {
            in.add(manager.create(mask));
        }
        NDArray logits = loaded.model().forward(new ParameterStore(manager, false), in, false).singletonOrThrow();
        long[] s = logits.getShape().getShape();
        float[] flat = logits.toFloatArray();
        float[][][] out = new float[(int) s[0]][(int) s[1]][(int) s[2]];
        for (int b = 0; b < s[0]; b++) {
            for (int t = 0; t < s[1]; t++) {
                System.arraycopy(flat, (int) ((b * s[1] + t) * s[2]), out[b][t], 0, (int) s[2]);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny", "llama-tiny-bf16"})
    void logitsMatchTheReference(String name) throws IOException, URISyntaxException {
        Path dir = golden(name);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        JsonNode idsNode = expected.get("input_ids");
        long[][] ids = new long[idsNode.size()][];
        for (int b = 0; b < ids.length; b++) {
            ids[b] = new long[idsNode.get(b).size()];
            for (int t = 0; t < ids[b].length; t++) {
                ids[b][t] = idsNode.get(b).get(t).asLong();
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelDirectory.Loaded loaded = ModelDirectory.load(dir, manager);
            assertEquals(name.endsWith("bf16") ? DType.BF16 : DType.F32, loaded.dtype());
            int before = manager.getManagedArrays().size();
            float[][][] actual;
            try (NDManager scope = manager.newSubManager()) {
                actual = forward(loaded, scope, ids, null);
            }
            assertEquals(before, manager.getManagedArrays().size(), "a forward pass leaves no array on the model's manager");
            double worst = 0;
            JsonNode logits = expected.get("logits");
            for (int b = 0; b < ids.length; b++) {
                for (int t = 0; t < ids[b].length; t++) {
                    for (int v = 0; v < actual[b][t].length; v++) {
                        double want = logits.get(b).get(t).get(v).asDouble();
                        double err = Math.abs(actual[b][t][v] - want);
                        worst = Math.max(worst, err);
                        assertTrue(err <= 1e-4, String.format(Locale.ROOT, "%s logits[%d][%d][%d]: decaf %.7f, torch %.7f",
                                name, b, t, v, actual[b][t][v], want));
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%s: max |Δlogit| = %.2e%n", name, worst);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void paddedBatchesGiveEachSequenceItsOwnLogits(String name) throws IOException, URISyntaxException {
        long[] a = {5, 17, 3, 44, 9, 12, 70, 1};
        long[] b = {8, 21, 33, 2, 60};
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelDirectory.Loaded loaded = ModelDirectory.load(golden(name), manager);
            float[][] aloneA = forward(loaded, manager, new long[][] {a}, null)[0];
            float[][] aloneB = forward(loaded, manager, new long[][] {b}, null)[0];
            // right padding for b
            long[][] right = {a, {8, 21, 33, 2, 60, 0, 0, 0}};
            long[][] rightMask = {{1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0, 0}};
            float[][][] batchR = forward(loaded, manager, right, rightMask);
            // left padding for b
            long[][] left = {a, {0, 0, 0, 8, 21, 33, 2, 60}};
            long[][] leftMask = {{1, 1, 1, 1, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 1, 1}};
            float[][][] batchL = forward(loaded, manager, left, leftMask);
            for (int t = 0; t < a.length; t++) {
                for (int v = 0; v < aloneA[t].length; v++) {
                    assertEquals(aloneA[t][v], batchR[0][t][v], 1e-5, "a, right-padded batch, t=" + t);
                    assertEquals(aloneA[t][v], batchL[0][t][v], 1e-5, "a, left-padded batch, t=" + t);
                }
            }
            for (int t = 0; t < b.length; t++) {
                for (int v = 0; v < aloneB[t].length; v++) {
                    assertEquals(aloneB[t][v], batchR[1][t][v], 1e-5, "b right-padded, t=" + t);
                    assertEquals(aloneB[t][v], batchL[1][t + 3][v], 1e-5, "b left-padded, t=" + t);
                }
            }
        }
    }
}
