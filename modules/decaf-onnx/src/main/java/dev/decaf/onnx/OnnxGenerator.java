package dev.decaf.onnx;

import dev.decaf.text.sampling.Generation.Result;
import dev.decaf.text.sampling.Generation.Stop;
import dev.decaf.text.sampling.Generation;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Autoregressive generation on an {@link OnnxDecoder}, with the rules of decaf-models' DJL {@code
 * Generator}: the prompt's ids (an empty prompt starts from the end-of-text id), then one token per
 * step chosen by a {@link Sampler} from the last position's logits, among the ids the tokenizer can
 * decode, until {@code maxNewTokens} are made or a stop id (the tokenizer's end-of-text id, the
 * config's {@code eos_token_id} only without one) is chosen; the stop id is not part of the result.
 *
 * <p>Several prompts run as one left-padded batch (mask 0 on the padding), each row giving what it
 * gives alone. With a graph exported {@code --kv-cache}, the prompt runs once and each step feeds
 * only the new token with the cached keys and values; without it, every step recomputes the whole
 * context. When the context reaches {@code max_position_embeddings}, the last that many positions
 * are recomputed without the cache (the DJL generator's sliding window).
 *
 * <p>Not thread-safe: one generation at a time per instance.
 */
public final class OnnxGenerator {

    private final OnnxDecoder decoder;
    private final TextTokenizer tokenizer;
    private final int[] stopIds;
    private final int choosable;
    private final boolean useCache;

    private OnnxGenerator(OnnxDecoder decoder, TextTokenizer tokenizer, int[] stopIds, boolean useCache) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.tokenizer = tokenizer;
        this.stopIds = stopIds;
        this.useCache = useCache && decoder.hasKvCache();
        this.choosable = Generation.choosable(decoder.config(), tokenizer);
    }

    /**
     * A generator of text (the cache is used when the graph has it).
     *
     * @param decoder the decoder
     * @param tokenizer the tokenizer, or null for ids only
     */
    public OnnxGenerator(OnnxDecoder decoder, TextTokenizer tokenizer) {
        this(decoder, tokenizer, Generation.defaultStops(decoder.config(), tokenizer), true);
    }

    /**
     * Returns a generator that stops at exactly these ids.
     *
     * @param ids the stop ids; none means always generate {@code maxNewTokens}
     * @return the generator
     */
    public OnnxGenerator withStopIds(int... ids) {
        return new OnnxGenerator(decoder, tokenizer, ids.clone(), useCache);
    }

    /**
     * Returns a generator that uses the key/value cache or recomputes every step.
     *
     * @param cache whether to use the cache (ignored when the graph has none)
     * @return the generator
     */
    public OnnxGenerator withCache(boolean cache) {
        return new OnnxGenerator(decoder, tokenizer, stopIds, cache);
    }

    /** Returns whether this generator uses the key/value cache. */
    public boolean usesCache() {
        return useCache;
    }


    /**
     * Generates a continuation of a text prompt.
     *
     * @param prompt the prompt (may be empty)
     * @param maxNewTokens the most new tokens, ≥ 0
     * @param sampler how each token is chosen
     * @return the new ids and their text
     */
    public Result generate(String prompt, int maxNewTokens, Sampler sampler) {
        if (tokenizer == null) {
            throw new IllegalStateException("this generator has no tokenizer: pass ids");
        }
        return generate(List.of(tokenizer.encode(prompt)), maxNewTokens, sampler).get(0);
    }

    /**
     * Generates continuations of several prompts as one left-padded batch. A sampler with a seed
     * draws for the rows in turn, so only a batch of one reproduces the DJL generator's samples;
     * greedy rows equal their single runs.
     *
     * @param prompts the prompts' ids (each may be empty)
     * @param maxNewTokens the most new tokens, ≥ 0
     * @param sampler how each token is chosen
     * @return one result per prompt, in order
     */
    public List<Result> generate(List<int[]> prompts, int maxNewTokens, Sampler sampler) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        int rows = prompts.size();
        int[][] starts = Generation.starts(prompts, decoder.config(), tokenizer);
        int longest = Arrays.stream(starts).mapToInt(s -> s.length).max().orElse(0);
        int width = longest + maxNewTokens;
        // the context, left-padded: row r's tokens end at column `length`
        long[][] ids = new long[rows][width];
        long[][] mask = new long[rows][width];
        for (int r = 0; r < rows; r++) {
            int pad = longest - starts[r].length;
            for (int i = 0; i < starts[r].length; i++) {
                ids[r][pad + i] = starts[r][i];
                mask[r][pad + i] = 1;
            }
        }
        List<List<Integer>> made = new ArrayList<>();
        Stop[] stops = new Stop[rows];
        for (int r = 0; r < rows; r++) {
            made.add(new ArrayList<>());
            stops[r] = Stop.MAX_TOKENS;
        }
        boolean[] done = new boolean[rows];
        int maxPositions = decoder.config().maxPositions();
        int length = longest;
        try (OnnxDecoder.Cache cache = decoder.newCache(rows)) {
            for (int step = 0; step < maxNewTokens && !allDone(done); step++) {
                OnnxDecoder.Logits logits;
                if (useCache && length <= maxPositions && cache.length() > 0) {
                    logits = decoder.step(cache, columns(ids, length - 1, length), columns(mask, 0, length));
                } else if (useCache && length <= maxPositions) {
                    logits = decoder.step(cache, columns(ids, 0, length), columns(mask, 0, length));
                } else {
                    int from = Math.max(0, length - maxPositions);
                    try (OnnxDecoder.Cache none = decoder.newCache(rows)) {
                        logits = decoder.step(none, columns(ids, from, length), columns(mask, from, length));
                    }
                }
                for (int r = 0; r < rows; r++) {
                    int next;
                    if (done[r]) {
                        next = stopIds.length > 0 ? stopIds[0] : 0; // fed, masked out of nothing: a finished row's own
                    } else {
                        next = sampler.sample(logits.at(r, logits.seq() - 1), choosable);
                        if (Generation.isStop(stopIds, next)) {
                            done[r] = true;
                            stops[r] = Stop.END_OF_TEXT;
                        } else {
                            made.get(r).add(next);
                        }
                    }
                    ids[r][length] = next;
                    mask[r][length] = 1;
                }
                length++;
            }
        }
        List<Result> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int[] newIds = made.get(r).stream().mapToInt(Integer::intValue).toArray();
            out.add(new Result(starts[r], newIds, tokenizer == null ? null : tokenizer.decode(newIds), stops[r]));
        }
        return out;
    }

    private static boolean allDone(boolean[] done) {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }

    private static long[][] columns(long[][] a, int from, int to) {
        long[][] out = new long[a.length][];
        for (int r = 0; r < a.length; r++) {
            out[r] = Arrays.copyOfRange(a[r], from, to);
        }
        return out;
    }
}
