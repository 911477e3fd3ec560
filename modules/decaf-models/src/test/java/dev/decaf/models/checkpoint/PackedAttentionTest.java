package dev.decaf.models.checkpoint;

import static dev.decaf.models.checkpoint.GoldenLogitsTest.forward;
import static dev.decaf.models.checkpoint.GoldenLogitsTest.golden;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.decaf.models.nn.Attention;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Segment-id masks: several examples packed into one row see only themselves, and a 0/1 padding
 * mask means exactly what it meant before segments (the same additive mask and positions, bit for
 * bit, so padded, left-padded and generation batches give the logits they always gave).
 */
class PackedAttentionTest {

    @Test
    void zeroOneMasksGiveThePaddingMaskAndPositionsOfBeforeExactly() {
        Random rnd = new Random(5);
        int b = 6;
        int t = 9;
        long[][] mask = new long[b][t];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < t; j++) {
                mask[r][j] = switch (r) {
                    case 0 -> 1; // full
                    case 1 -> j < 4 ? 1 : 0; // right-padded
                    case 2 -> j < 3 ? 0 : 1; // left-padded
                    case 3 -> 0; // all padding
                    default -> rnd.nextInt(2); // holes anywhere
                };
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray m = manager.create(mask);
            float[] additive = Attention.causalMask(manager, t, m).toFloatArray();
            long[] positions = Attention.positions(manager, b, t, m).toLongArray();
            for (int r = 0; r < b; r++) {
                long cumsum = 0;
                for (int i = 0; i < t; i++) {
                    cumsum += mask[r][i];
                    // before segments: blocked where j > i or key j is padding; positions max(cumsum − 1, 0)
                    assertEquals(Math.max(cumsum - 1, 0), positions[r * t + i], "row " + r + " position " + i);
                    for (int j = 0; j < t; j++) {
                        // 0 · −1e30 is −0, as before
                        float want = j > i || mask[r][j] == 0 ? -1e30f : -0f;
                        assertEquals(want, additive[(r * t + i) * t + j], "row " + r + " (" + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    @Test
    void segmentsRestartPositionsAndBlockOtherExamples() {
        long[][] seg = {{1, 1, 1, 2, 2, 3, 0, 0}};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray s = manager.create(seg);
            // padding queries see every real key before them, as with a 0/1 mask (their outputs count nowhere)
            assertArrayEquals(new long[] {0, 1, 2, 0, 1, 0, 5, 5}, Attention.positions(manager, 1, 8, s).toLongArray());
            float[] additive = Attention.causalMask(manager, 8, s).toFloatArray();
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 8; j++) {
                    boolean allowed = j <= i && seg[0][j] != 0 && (seg[0][i] == 0 || seg[0][j] == seg[0][i]);
                    assertEquals(allowed ? -0f : -1e30f, additive[i * 8 + j], "(" + i + ", " + j + ")");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void eachPackedExampleGetsTheLogitsItGetsAlone(String name) throws IOException, URISyntaxException {
        long[] a = {5, 17, 3, 44, 9};
        long[] b = {8, 21, 33};
        long[] c = {70, 1};
        long[] row = {5, 17, 3, 44, 9, 8, 21, 33, 70, 1, 0, 0};
        long[] segments = {1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 0, 0};
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelDirectory.Loaded loaded = ModelDirectory.load(golden(name), manager);
            float[][][] packed = forward(loaded, manager, new long[][] {row}, new long[][] {segments});
            int offset = 0;
            for (long[] example : new long[][] {a, b, c}) {
                float[][] alone = forward(loaded, manager, new long[][] {example}, null)[0];
                for (int t = 0; t < example.length; t++) {
                    for (int v = 0; v < alone[t].length; v++) {
                        assertEquals(alone[t][v], packed[0][offset + t][v], 1e-5,
                                name + ": example at " + offset + ", t=" + t);
                    }
                }
                offset += example.length;
            }
            // another example's tokens change nothing: b and c's logits are bit-identical
            long[] changed = row.clone();
            changed[0] = 60;
            changed[3] = 2;
            float[][][] other = forward(loaded, manager, new long[][] {changed}, new long[][] {segments});
            for (int t = 5; t < 10; t++) {
                assertArrayEquals(packed[0][t], other[0][t], name + ": position " + t);
            }
        }
    }
}
