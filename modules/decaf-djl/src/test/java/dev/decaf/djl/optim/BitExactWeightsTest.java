package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The weights after N steps, to the bit, as commit 38f8144 computed them: a SHA-256 over the raw
 * float bits of every parameter pins each optimizer on each path, so a refactoring that changes
 * any rounding anywhere fails here (the golden test allows 1e-5).
 *
 * <p>Every pinned value is machine-independent: the Java kernels (vector and scalar; the
 * tensor-op path is left to the golden test, as libtorch picks its kernels by CPU) are element-wise
 * IEEE float arithmetic (Java has no FMA contraction, sqrt and div are exactly rounded), AdamS's Σv runs in
 * element order, and the large tensor uses an element-wise rule, so the split across threads does
 * not enter the result.
 */
class BitExactWeightsTest {

    /** Pinned at 38f8144: case, path → SHA-256 prefix of the weights after the 60 golden steps. */
    static final Map<String, String> GOLDEN_60 = Map.ofEntries(
            Map.entry("adamw/VECTOR", "8f458a809b151dac"),
            Map.entry("adamw/SCALAR", "8f458a809b151dac"),
            Map.entry("adam_l2/VECTOR", "b309d0b23720a5d4"),
            Map.entry("adam_l2/SCALAR", "b309d0b23720a5d4"),
            Map.entry("adamc/VECTOR", "ced32a15bb476a17"),
            Map.entry("adamc/SCALAR", "ced32a15bb476a17"),
            Map.entry("adams/VECTOR", "dd057ea032e91f15"),
            Map.entry("adams/SCALAR", "dd057ea032e91f15"));

    /** Pinned at 38f8144: the large AdamC tensor split across the kernel threads, after 4 steps. */
    static final String LARGE_ADAMC_4 = "eb0fac31279a01b5";

    /** The Java paths; the tensor-op path runs libtorch's kernels, whose dispatch depends on the CPU. */
    static List<Arguments> cases() {
        return GoldenTrajectoryTest.cases().stream()
                .filter(a -> a.get()[1] != GoldenTrajectoryTest.Path.TENSOR_OPS).toList();
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("cases")
    void goldenRunIsBitIdentical(String kase, GoldenTrajectoryTest.Path path) {
        Golden g = Golden.INSTANCE;
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(g.shapes);
            block.initialize(manager, g.init);
            AdamFamily opt = GoldenTrajectoryTest.build(kase, block, path);
            StateSaveLoadTest.run(opt, block, manager, 1, g.steps);
            String actual = digest(StateSaveLoadTest.weights(block));
            System.out.println("bit-exact " + kase + "/" + path + " " + actual);
            assertEquals(GOLDEN_60.get(kase + "/" + path), actual, kase + " via " + path);
        }
    }

    @Test
    void largeThreadSplitTensorIsBitIdentical() {
        int rows = 700;
        int cols = 3 * ParallelRange.MIN_PARALLEL / 700 + 5;
        Map<String, long[]> shapes = Map.of("big.weight", new long[] {rows, cols});
        SplittableRandom random = new SplittableRandom(42);
        float[] init = normals(random, rows * cols, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(shapes);
            block.initialize(manager, Map.of("big.weight", init));
            AdamC opt = AdamC.builder()
                    .optLearningRateTracker(ScheduleTracker.of(Schedule.warmup(0.01, 2, 5, DecayShape.LINEAR, 0.0)))
                    .optWeightDecays(0.5f).optParamGroups(ParamGroups.standard(block)).build();
            NDArray w = block.param("big.weight").getArray();
            for (int t = 1; t <= 4; t++) {
                try (NDArray grad = manager.create(normals(random, rows * cols, 0.1), new Shape(rows, cols))) {
                    opt.update(block.param("big.weight").getId(), w, grad);
                }
            }
            String actual = digest(Map.of("big.weight", w.toFloatArray()));
            System.out.println("bit-exact large adamc " + actual);
            assertEquals(LARGE_ADAMC_4, actual);
        }
    }

    static float[] normals(SplittableRandom random, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i += 2) {
            // Box–Muller from Java's own generator: the same numbers on every machine and engine.
            double u = 1 - random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u)) * scale;
            double a = 2 * Math.PI * random.nextDouble();
            out[i] = (float) (r * Math.cos(a));
            if (i + 1 < n) {
                out[i + 1] = (float) (r * Math.sin(a));
            }
        }
        return out;
    }

    /** SHA-256 (first 16 hex digits) of the raw float bits, parameters in map order. */
    static String digest(Map<String, float[]> weights) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, float[]> e : new LinkedHashMap<>(weights).entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ByteBuffer b = ByteBuffer.allocate(e.getValue().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : e.getValue()) {
                    b.putInt(Float.floatToRawIntBits(f));
                }
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
