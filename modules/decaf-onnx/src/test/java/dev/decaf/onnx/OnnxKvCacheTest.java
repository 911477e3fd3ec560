package dev.decaf.onnx;


import ai.djl.ndarray.NDManager;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Generator;
import dev.decaf.text.sampling.Generation;
import dev.decaf.text.sampling.Sampler;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code --kv-cache} graph: step-by-step logits with the cache equal the full recomputation,
 * on a left-padded batch, and greedy generation gives DJL's tokens with and without the cache.
 */
class OnnxKvCacheTest {

    @TempDir
    static Path tmp;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> models() {
        return OnnxParityTest.models();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void cachedStepsEqualTheFullContextAndDjlGeneration(String name, Map<String, Object> config) throws Exception {
        Path dir = RandomCheckpoints.write(tmp.resolve(name), config, name.hashCode() + 1);
        Path plain = dir.resolve("model.onnx");
        Path cached = dir.resolve("model-kv.onnx");
        OnnxExporter.builder().build().export(dir, plain);
        OnnxExporter.builder().optKvCache(true).build().export(dir, cached);
        OnnxChecker.check(cached);
        int vocab = ((Number) config.get("vocab_size")).intValue();
        long[][][] batch = OnnxParityTest.leftPaddedBatch(vocab, 3);
        long[][] ids = batch[0];
        long[][] mask = batch[1];
        int width = ids[0].length;
        double worst = 0;
        try (OnnxDecoder full = OnnxDecoder.open(plain, 1); OnnxDecoder kv = OnnxDecoder.open(cached, 1);
                OnnxDecoder.Cache cache = kv.newCache(3)) {
            assertTrue(kv.hasKvCache());
            // the first 3 columns at once, then one column per step
            OnnxDecoder.Logits want = full.logits(ids, mask);
            for (int end = 3; end <= width; end++) {
                int from = end == 3 ? 0 : end - 1;
                OnnxDecoder.Logits got = kv.step(cache, cols(ids, from, end), cols(mask, 0, end));
                for (int r = 0; r < 3; r++) {
                    for (int s = 0; s < got.seq(); s++) {
                        if (mask[r][from + s] == 0) {
                            continue; // a padding query sees no key in either; its row is meaningless
                        }
                        worst = Math.max(worst, OnnxParityTest.maxAbsDiff(want.at(r, from + s), got.at(r, s)));
                    }
                }
            }
            assertEquals(width, cache.length());
        }
        assertTrue(worst < OnnxParityTest.TOLERANCE, name + ": max |cached − full| = " + worst);
        System.out.printf("kv-cache %s: max |cached - full| = %.3g%n", name, worst);

        int[][] prompts = {{1, 5, 9, 2, 7}, {3}};
        int maxNew = 12;
        try (NDManager manager = NDManager.newBaseManager();
                OnnxDecoder kv = OnnxDecoder.open(cached, 1)) {
            var loaded = ModelDirectory.load(dir, manager);
            Generator djl = new Generator(loaded.model(), manager).withStopIds();
            OnnxGenerator withCache = new OnnxGenerator(kv, null).withStopIds();
            OnnxGenerator without = withCache.withCache(false);
            assertTrue(withCache.usesCache());
            List<Generation.Result> batched = withCache.generate(List.of(prompts), maxNew, Sampler.greedy());
            List<Generation.Result> batchedNoCache = without.generate(List.of(prompts), maxNew, Sampler.greedy());
            for (int r = 0; r < prompts.length; r++) {
                int[] reference = djl.generate(prompts[r], maxNew, Sampler.greedy()).ids();
                assertEquals(maxNew, reference.length);
                assertArrayEquals(reference, batched.get(r).ids(), name + " row " + r + " with the cache");
                assertArrayEquals(reference, batchedNoCache.get(r).ids(), name + " row " + r + " without the cache");
                assertArrayEquals(reference, withCache.generate(List.of(prompts[r]), maxNew, Sampler.greedy()).get(0).ids());
            }
            // sampled, batch of one: the same draws as DJL's generator
            Sampler sampler = new Sampler(0.9, 20, 0.95, 42);
            int[] sampledDjl = djl.generate(prompts[0], maxNew, sampler).ids();
            int[] sampledOrt = withCache.generate(List.of(prompts[0]), maxNew, new Sampler(0.9, 20, 0.95, 42)).get(0).ids();
            assertArrayEquals(sampledDjl, sampledOrt, name + ": sampled " + Arrays.toString(sampledDjl));
        }
    }

    static long[][] cols(long[][] a, int from, int to) {
        long[][] out = new long[a.length][];
        for (int r = 0; r < a.length; r++) {
            out[r] = Arrays.copyOfRange(a[r], from, to);
        }
        return out;
    }
}
