package dev.decaf.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.decaf.models.checkpoint.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime's logits against DJL's (decaf-models) on random checkpoints of both families and two
 * sizes, a left-padded batch of three rows, every export checked by ONNX's own checker.
 */
class OnnxParityTest {

    static final double TOLERANCE = 1e-4;

    @TempDir
    static Path tmp;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("gpt2-a", RandomCheckpoints.gpt2(61, 16, 16, 2, 2)),
                Arguments.of("gpt2-b", RandomCheckpoints.gpt2(97, 24, 48, 3, 6)),
                Arguments.of("llama-gqa-untied", RandomCheckpoints.llama(67, 16, 32, 48, 2, 4, 2, false)),
                Arguments.of("llama-tied", RandomCheckpoints.llama(89, 24, 48, 80, 3, 6, 6, true)));
    }

    /** Rows of 7, 4 and 1 real tokens, left-padded to 7. */
    static long[][][] leftPaddedBatch(int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] lengths = {7, 4, 1};
        long[][] ids = new long[3][7];
        long[][] mask = new long[3][7];
        for (int r = 0; r < 3; r++) {
            for (int j = 7 - lengths[r]; j < 7; j++) {
                ids[r][j] = rnd.nextInt(vocab);
                mask[r][j] = 1;
            }
        }
        return new long[][][] {ids, mask};
    }

    static float[] djlLogits(Path dir, long[][] ids, long[][] mask) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            var loaded = ModelDirectory.load(dir, manager);
            NDArray out = loaded.model().forward(new ParameterStore(manager, false),
                    new NDList(manager.create(ids), manager.create(mask)), false).singletonOrThrow();
            return out.toFloatArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void ortLogitsEqualDjlLogitsOnALeftPaddedBatch(String name, Map<String, Object> config) throws Exception {
        Path dir = RandomCheckpoints.write(tmp.resolve(name), config, name.hashCode());
        Path onnx = dir.resolve("model.onnx");
        OnnxExporter.builder().build().export(dir, onnx);
        OnnxChecker.check(onnx);
        int vocab = ((Number) config.get("vocab_size")).intValue();
        long[][][] batch = leftPaddedBatch(vocab, 11);
        float[] want = djlLogits(dir, batch[0], batch[1]);
        try (OnnxDecoder d = OnnxDecoder.open(onnx, 1)) {
            OnnxDecoder.Logits got = d.logits(batch[0], batch[1]);
            assertEquals(vocab, got.vocab());
            assertEquals(want.length, got.values().length);
            double worst = maxAbsDiff(want, got.values());
            assertTrue(worst < TOLERANCE, name + ": max |ORT − DJL| = " + worst);
            System.out.printf("parity %s: max |ORT - DJL| = %.3g over %d logits%n", name, worst, want.length);
        }
        byte[] first = Files.readAllBytes(onnx);
        OnnxExporter.builder().build().export(dir, dir.resolve("again.onnx"));
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("again.onnx")), "the same model exports to the same bytes");
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
