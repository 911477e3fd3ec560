package dev.decaf.models.infer;


import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.json.Json;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.nn.KvCache;
import dev.decaf.text.sampling.Generation;
import dev.decaf.text.sampling.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key/value cache against the reference path (a full forward pass over the whole context every
 * step), on random-initialised models of both families: GPT-2 (learned positions, tied head),
 * Llama with an untied head and grouped-query attention (4 heads, 2 KV heads), and Llama with a
 * tied head and one KV head. Weights are scaled up from GPT-2's N(0, 0.02) so that the logits
 * spread out and no near-tie between two ids is decided by rounding.
 */
class KvCacheTest {

    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** A random model of models/NAME.json with the given keys changed, weights ×5. */
    static DecoderModel model(String name, Map<String, Object> changes) throws Exception {
        Map<String, Object> json = Json.parseObject(Files.readString(Path.of("../../models/" + name + ".json")));
        json.putAll(changes);
        ModelConfig config = ModelConfig.parse(json, name);
        DecoderModel model = DecoderModel.of(config);
        ai.djl.engine.Engine.getInstance().setRandomSeed(3);
        model.initialize(manager);
        model.parameters().values().forEach(p -> {
            if (p.getArray().getShape().dimension() >= 2) {
                p.getArray().muli(5);
            }
        });
        return model;
    }

    static DecoderModel model(String which) throws Exception {
        return switch (which) {
            case "gpt2" -> model("gpt2-tiny", Map.of());
            case "llama-untied-gqa" -> model("llama-tiny", Map.of()); // 4 heads, 2 KV heads, untied
            case "llama-tied-mqa" -> model("llama-tiny", Map.of("tie_word_embeddings", true, "num_key_value_heads", 1L));
            default -> throw new IllegalArgumentException(which);
        };
    }

    static int[] randomIds(SplittableRandom r, int n, int vocab) {
        return r.ints(n, 0, vocab).toArray();
    }

    /** The full forward pass's logits of the last position of one unpadded sequence. */
    static float[] fullLast(DecoderModel model, int[] ids) {
        float[][] z = Golden.logits(model, manager, ids);
        return z[z.length - 1];
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama-untied-gqa", "llama-tied-mqa"})
    void everyCachedStepsLogitsEqualTheFullRecompute(String which) throws Exception {
        DecoderModel model = model(which);
        SplittableRandom r = new SplittableRandom(11);
        int[] seq = randomIds(r, 40, model.config().vocabSize());
        int prompt = 9;
        float worst = 0;
        try (KvCache cache = new KvCache(manager)) {
            for (int end = prompt; end <= seq.length; end++) {
                int from = end == prompt ? 0 : end - 1; // the prefill, then one token a step
                try (NDManager step = manager.newSubManager()) {
                    long[][] fresh = {Arrays.stream(Arrays.copyOfRange(seq, from, end)).asLongStream().toArray()};
                    NDArray z = model.forward(new ParameterStore(step, false), step.create(fresh), null, cache);
                    assertEquals(end - from, z.getShape().get(1));
                    float[] last = z.get(":, -1, :").toFloatArray();
                    worst = Math.max(worst, maxAbsDiff(fullLast(model, Arrays.copyOf(seq, end)), last));
                }
                assertEquals(end, cache.length());
            }
        }
        assertTrue(worst <= 1e-5f, which + ": cached logits differ from the full pass by " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama-untied-gqa", "llama-tied-mqa"})
    void leftPaddedCachedStepsGiveEachRowItsOwnLogits(String which) throws Exception {
        DecoderModel model = model(which);
        SplittableRandom r = new SplittableRandom(12);
        int vocab = model.config().vocabSize();
        int[][] seqs = {randomIds(r, 12, vocab), randomIds(r, 5, vocab), randomIds(r, 1, vocab)};
        int width = 12;
        int steps = 6;
        float worst = 0;
        try (KvCache cache = new KvCache(manager)) {
            for (int s = 0; s <= steps; s++) {
                long[][] ids = new long[seqs.length][s == 0 ? width : 1];
                long[][] mask = new long[seqs.length][s == 0 ? width : 1];
                for (int b = 0; b < seqs.length; b++) {
                    if (s == 0) {
                        int pad = width - seqs[b].length;
                        for (int i = 0; i < seqs[b].length; i++) {
                            ids[b][pad + i] = seqs[b][i];
                            mask[b][pad + i] = 1;
                        }
                        Arrays.fill(ids[b], 0, pad, 7); // a real id under the padding: the mask must hide it
                    } else {
                        int next = r.nextInt(vocab);
                        seqs[b] = Arrays.copyOf(seqs[b], seqs[b].length + 1);
                        seqs[b][seqs[b].length - 1] = next;
                        ids[b][0] = next;
                        mask[b][0] = 1;
                    }
                }
                try (NDManager step = manager.newSubManager()) {
                    NDArray z = model.forward(new ParameterStore(step, false), step.create(ids), step.create(mask), cache);
                    float[] last = z.get(":, -1, :").toFloatArray();
                    for (int b = 0; b < seqs.length; b++) {
                        float[] row = Arrays.copyOfRange(last, b * vocab, (b + 1) * vocab);
                        worst = Math.max(worst, maxAbsDiff(fullLast(model, seqs[b]), row));
                    }
                }
            }
        }
        assertTrue(worst <= 1e-5f, which + ": padded cached logits differ from each row's own by " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama-untied-gqa", "llama-tied-mqa"})
    void greedyAndSeededSamplingChooseTheSameIdsWithAndWithoutTheCache(String which) throws Exception {
        DecoderModel model = model(which);
        Generator cached = new Generator(model, manager).withStopIds();
        Generator reference = cached.withKvCache(false);
        assertTrue(cached.kvCache() && !reference.kvCache());
        int[] prompt = randomIds(new SplittableRandom(13), 7, model.config().vocabSize());
        int[] greedy = reference.generate(prompt, 40, Sampler.greedy()).ids();
        assertEquals(40, greedy.length);
        assertArrayEquals(greedy, cached.generate(prompt, 40, Sampler.greedy()).ids());
        for (long seed : new long[] {1, 2, 3}) {
            int[] sampled = reference.generate(prompt, 40, new Sampler(1.0, 0, 1.0, seed)).ids();
            assertArrayEquals(sampled, cached.generate(prompt, 40, new Sampler(1.0, 0, 1.0, seed)).ids(), "seed " + seed);
            int[] filtered = reference.generate(prompt, 40, new Sampler(0.8, 20, 0.9, seed)).ids();
            assertArrayEquals(filtered, cached.generate(prompt, 40, new Sampler(0.8, 20, 0.9, seed)).ids(), "seed " + seed);
        }
        // past the 64 positions the window slides: the cached generator recomputes, as the reference does
        int[] longPrompt = randomIds(new SplittableRandom(14), 50, model.config().vocabSize());
        assertArrayEquals(reference.generate(longPrompt, 30, Sampler.greedy()).ids(),
                cached.generate(longPrompt, 30, Sampler.greedy()).ids());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama-untied-gqa", "llama-tied-mqa"})
    void eachLeftPaddedRowOfABatchIsItsUnpaddedSingleRowGeneration(String which) throws Exception {
        DecoderModel model = model(which);
        int vocab = model.config().vocabSize();
        SplittableRandom r = new SplittableRandom(15);
        List<int[]> prompts = List.of(randomIds(r, 11, vocab), randomIds(r, 3, vocab), new int[0], randomIds(r, 6, vocab));
        int steps = 20;
        Generator single = new Generator(model, manager).withStopIds().withKvCache(false);
        // a stop id the second row chooses early, so rows of one batch end at different steps
        int[] second = single.generate(prompts.get(1), steps, Sampler.greedy()).ids();
        int stop = second[4];
        for (boolean greedy : new boolean[] {true, false}) {
            for (boolean kv : new boolean[] {true, false}) {
                List<Sampler> samplers = new ArrayList<>(); // one random stream per row, seeded as alone
                for (int i = 0; i < prompts.size(); i++) {
                    samplers.add(greedy ? Sampler.greedy() : new Sampler(1.0, 0, 1.0, 100 + i));
                }
                Generator g = new Generator(model, manager).withStopIds(stop).withKvCache(kv);
                List<Generation.Result> batch = g.generateBatch(prompts, steps, samplers);
                assertEquals(prompts.size(), batch.size());
                for (int i = 0; i < prompts.size(); i++) {
                    Sampler alone = greedy ? Sampler.greedy() : new Sampler(1.0, 0, 1.0, 100 + i);
                    Generation.Result want = single.withStopIds(stop).generate(prompts.get(i), steps, alone);
                    String where = which + (greedy ? " greedy" : " sampled") + (kv ? " cached" : " uncached") + " row " + i;
                    assertArrayEquals(want.ids(), batch.get(i).ids(), where);
                    assertEquals(want.stop(), batch.get(i).stop(), where);
                    assertArrayEquals(want.promptIds(), batch.get(i).promptIds(), where);
                }
            }
        }
        Generator g = new Generator(model, manager).withStopIds(stop);
        Generation.Result early = g.generateBatch(prompts, steps, List.of(Sampler.greedy(), Sampler.greedy(),
                Sampler.greedy(), Sampler.greedy())).get(1);
        assertEquals(Generation.Stop.END_OF_TEXT, early.stop(), "the second row stops at its fifth id");
        assertArrayEquals(Arrays.copyOf(second, indexOf(second, stop)), early.ids());
    }

    private static int indexOf(int[] ids, int id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2"})
    void aCacheRefusesPositionsPastTheModelsAndMismatchedBatches(String which) throws Exception {
        DecoderModel model = model(which);
        try (KvCache cache = new KvCache(manager); NDManager step = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            model.forward(ps, step.create(new long[][] {new long[60]}), null, cache);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ps, step.create(new long[][] {new long[5]}), null, cache));
            assertTrue(e.getMessage().contains("60 positions and 5 new tokens exceed the model's 64"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ps, step.create(new long[2][1]), null, cache));
            assertTrue(e.getMessage().contains("batch of 1 sequences; this step has 2"), e.getMessage());
        }
        Generator g = new Generator(model, manager);
        assertThrows(IllegalArgumentException.class, () -> g.generateBatch(List.of(new int[] {1}), 3, List.of()));
    }
}
