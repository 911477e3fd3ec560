package dev.decaf.models.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.nn.KvCache;
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
 * Autoregressive generation with a {@link DecoderModel}: the prompt's ids, then one new token per
 * step chosen by a {@link Sampler} from the logits of the last position, until {@code
 * maxNewTokens} tokens are made or an end-of-text id is chosen.
 *
 * <p><b>KV cache.</b> By default the first step runs the prompt through the model once and keeps
 * every layer's keys and values ({@link KvCache}); each later step feeds only the newest id, so a
 * step costs {@code O(T)} instead of a full pass over the context ({@code O(T²)} attention, {@code
 * O(T)} of everything else). {@link #withKvCache withKvCache(false)} keeps the reference path, a
 * full forward pass over the whole context every step, obviously equal to {@code model.forward}.
 * The two paths' logits differ only by the rounding of differently shaped products (at most 1.5e-6
 * in {@code KvCacheTest}), so they choose the same ids unless two ids are that close. When the
 * context reaches the model's {@code max_position_embeddings}, only the last that many ids are fed
 * (a sliding window); every position then moves each step, so from there on both paths recompute
 * the window.
 *
 * <p><b>Batches.</b> {@link #generateBatch} generates for several prompts at once, left-padded with a
 * mask, so each row gets the result it gets alone.
 *
 * <p><b>Ids.</b> An empty prompt starts from the end-of-text id (GPT-2's convention: {@code
 * <|endoftext|>} doubles as beginning-of-text). With a tokenizer whose vocabulary is smaller than
 * the model's (e.g. a 257-token byte-level tokenizer on a 512-row embedding), only ids the
 * tokenizer can decode are sampled. Generation stops when the chosen id is the tokenizer's
 * end-of-text id — the config's {@code eos_token_id} only without a tokenizer or when the tokenizer
 * has none, since a config's id may be a default that means another token to this tokenizer
 * (Llama's 2 is a byte in decaf's BPE) — or any id passed to {@link #withStopIds}; that id is not
 * part of the result.
 *
 * <p>Not thread-safe: one generation at a time per instance.
 */
public final class Generator {

    private final DecoderModel model;
    private final TextTokenizer tokenizer;
    private final NDManager manager;
    private final int[] stopIds;
    private final int choosable;
    private final boolean kvCache;

    private Generator(DecoderModel model, TextTokenizer tokenizer, NDManager manager, int[] stopIds, boolean kvCache) {
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = tokenizer;
        this.manager = Objects.requireNonNull(manager, "manager");
        this.stopIds = stopIds;
        this.kvCache = kvCache;
        this.choosable = Generation.choosable(model.config(), tokenizer);
    }

    /**
     * A generator over ids only; it stops at the config's {@code eos_token_id}.
     *
     * @param model the model (initialized)
     * @param manager a manager on the model's device, for the per-step inputs
     */
    public Generator(DecoderModel model, NDManager manager) {
        this(model, null, manager, Generation.defaultStops(model.config(), null), true);
    }

    /**
     * A generator of text; it stops at the tokenizer's end-of-text id (the config's {@code
     * eos_token_id} when the tokenizer has none).
     *
     * @param model the model (initialized)
     * @param tokenizer the tokenizer (not closed by the generator)
     * @param manager a manager on the model's device, for the per-step inputs
     */
    public Generator(DecoderModel model, TextTokenizer tokenizer, NDManager manager) {
        this(model, Objects.requireNonNull(tokenizer, "tokenizer"), manager,
                Generation.defaultStops(model.config(), tokenizer), true);
    }

    /**
     * Returns a generator that stops at exactly these ids instead of the defaults.
     *
     * @param ids the stop ids; none means always generate {@code maxNewTokens}
     * @return the generator
     */
    public Generator withStopIds(int... ids) {
        return new Generator(model, tokenizer, manager, ids.clone(), kvCache);
    }

    /**
     * Returns a generator that uses a key/value cache ({@code true}, the default) or recomputes the
     * whole context every step ({@code false}, the reference path).
     *
     * @param on whether to cache keys and values
     * @return the generator
     */
    public Generator withKvCache(boolean on) {
        return new Generator(model, tokenizer, manager, stopIds, on);
    }

    /** Returns whether this generator caches keys and values. */
    public boolean kvCache() {
        return kvCache;
    }

    /** Returns the ids that end generation. */
    public int[] stopIds() {
        return stopIds.clone();
    }


    /**
     * Generates a continuation of a text prompt.
     *
     * @param prompt the prompt (may be empty)
     * @param maxNewTokens the most new tokens, ≥ 0
     * @param sampler how each token is chosen
     * @return the new ids and their text
     * @throws IllegalStateException without a tokenizer
     */
    public Result generate(String prompt, int maxNewTokens, Sampler sampler) {
        if (tokenizer == null) {
            throw new IllegalStateException("this generator has no tokenizer: pass ids");
        }
        return generate(tokenizer.encode(prompt), maxNewTokens, sampler);
    }

    /**
     * Generates a continuation of a prompt given as ids.
     *
     * @param prompt the prompt ids (may be empty), each in the model's vocabulary
     * @param maxNewTokens the most new tokens, ≥ 0
     * @param sampler how each token is chosen
     * @return the new ids (and their text when there is a tokenizer)
     */
    public Result generate(int[] prompt, int maxNewTokens, Sampler sampler) {
        return generateBatch(List.of(prompt), maxNewTokens, List.of(sampler)).get(0);
    }

    /**
     * Generates continuations of several prompts in one batch: the prompts are left-padded to the
     * longest (padding masked out of attention, positions counting only real tokens), so each row's
     * result is the one {@link #generate(int[], int, Sampler)} gives it alone, up to the rounding of
     * a wider product. A row that stops early keeps being fed (its id is ignored) until every row has
     * stopped or made {@code maxNewTokens}.
     *
     * @param prompts the prompts as ids (each may be empty), each id in the model's vocabulary
     * @param maxNewTokens the most new tokens per row, ≥ 0
     * @param samplers one sampler per row (each a random stream of its own), in the prompts' order
     * @return one result per prompt, in order
     */
    public List<Result> generateBatch(List<int[]> prompts, int maxNewTokens, List<Sampler> samplers) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        if (prompts.isEmpty() || prompts.size() != samplers.size()) {
            throw new IllegalArgumentException("need one sampler per prompt and at least one prompt, got "
                    + prompts.size() + " prompts and " + samplers.size() + " samplers");
        }
        int rows = prompts.size();
        int[][] starts = Generation.starts(prompts, model.config(), tokenizer);
        Batch batch = new Batch(starts, maxNewTokens);
        try (KvCache cache = kvCache ? new KvCache(manager) : null) {
            boolean cached = kvCache;
            while (!batch.finished()) {
                // a context past the positions slides its window: every position moves, so the
                // cache is of no more use and each step recomputes the window (the reference path)
                cached = cached && batch.longest() <= model.config().maxPositions();
                float[][] logits = cached ? cachedStep(batch, cache) : fullStep(batch);
                for (int r = 0; r < rows; r++) {
                    batch.choose(r, batch.done[r] ? batch.lastId(r) : samplers.get(r).sample(logits[r], choosable));
                }
            }
        }
        List<Result> results = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int[] ids = batch.made(r);
            results.add(new Result(starts[r], ids, tokenizer == null ? null : tokenizer.decode(ids), batch.stops[r]));
        }
        return results;
    }

    /**
     * The ids each row has fed the model (its start, then one id per step, the same count for every
     * row so the batch stays aligned at its right end), and what each row has made.
     */
    private final class Batch {
        final long[][] fed;
        final int[] length;
        final int[] startLength;
        final int[] made;
        final boolean[] done;
        final Stop[] stops;
        final int maxNewTokens;

        Batch(int[][] starts, int maxNewTokens) {
            int rows = starts.length;
            this.maxNewTokens = maxNewTokens;
            fed = new long[rows][];
            length = new int[rows];
            startLength = new int[rows];
            made = new int[rows];
            done = new boolean[rows];
            stops = new Stop[rows];
            for (int r = 0; r < rows; r++) {
                fed[r] = new long[starts[r].length + maxNewTokens];
                for (int i = 0; i < starts[r].length; i++) {
                    fed[r][i] = starts[r][i];
                }
                length[r] = starts[r].length;
                startLength[r] = starts[r].length;
                done[r] = maxNewTokens == 0;
                stops[r] = Stop.MAX_TOKENS;
            }
        }

        boolean finished() {
            for (boolean d : done) {
                if (!d) {
                    return false;
                }
            }
            return true;
        }

        /** The longest context, which is the longest row's (every row grows by one id per step). */
        int longest() {
            return Arrays.stream(length).max().orElse(0);
        }

        long lastId(int r) {
            return fed[r][length[r] - 1];
        }

        /** Records row r's chosen id (or, for a row already done, the id it is fed to stay aligned). */
        void choose(int r, long id) {
            if (!done[r] && Generation.isStop(stopIds, (int) id)) {
                done[r] = true;
                stops[r] = Stop.END_OF_TEXT;
            } else if (!done[r]) {
                made[r]++;
                done[r] = made[r] == maxNewTokens;
            }
            if (length[r] < fed[r].length) {
                fed[r][length[r]++] = id;
            }
        }

        int[] made(int r) {
            int[] ids = new int[made[r]];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (int) fed[r][startLength[r] + i];
            }
            return ids;
        }
    }

    /**
     * One full forward pass over each row's window (its last {@code max_position_embeddings} ids),
     * left-padded to the longest; the logits of the last position, per row. A batch of one, or of
     * windows of one length, passes no mask: the exact pass of a single sequence.
     */
    private float[][] fullStep(Batch batch) {
        int maxPositions = model.config().maxPositions();
        int rows = batch.fed.length;
        long[][] windows = new long[rows][];
        for (int r = 0; r < rows; r++) {
            int from = Math.max(0, batch.length[r] - maxPositions);
            windows[r] = Arrays.copyOfRange(batch.fed[r], from, batch.length[r]);
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray[] in = leftPadded(step, windows);
            NDArray logits = model.forward(new ParameterStore(step, false),
                    in[1] == null ? new NDList(in[0]) : new NDList(in[0], in[1]), false).singletonOrThrow();
            return lastRows(logits);
        }
    }

    /**
     * One step with the cache: the first feeds every row's whole context (left-padded), later ones
     * only the id each row was given last.
     */
    private float[][] cachedStep(Batch batch, KvCache cache) {
        int rows = batch.fed.length;
        long[][] fresh = new long[rows][];
        for (int r = 0; r < rows; r++) {
            fresh[r] = cache.length() == 0 ? Arrays.copyOf(batch.fed[r], batch.length[r])
                    : new long[] {batch.lastId(r)};
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray[] in = leftPadded(step, fresh);
            NDArray logits = model.forward(new ParameterStore(step, false), in[0], in[1], cache);
            return lastRows(logits);
        }
    }

    /** Ids {@code [B, T]} left-padded with 0 to the longest row, and their 0/1 mask (null without padding). */
    private static NDArray[] leftPadded(NDManager step, long[][] rows) {
        int width = Arrays.stream(rows).mapToInt(r -> r.length).max().orElse(0);
        long[][] ids = new long[rows.length][width];
        long[][] mask = new long[rows.length][width];
        boolean padded = false;
        for (int r = 0; r < rows.length; r++) {
            int pad = width - rows[r].length;
            padded |= pad > 0;
            System.arraycopy(rows[r], 0, ids[r], pad, rows[r].length);
            Arrays.fill(mask[r], pad, width, 1L);
        }
        return new NDArray[] {step.create(ids), padded ? step.create(mask) : null};
    }

    /** The logits of the last position of each row, {@code [B][V]}. */
    private static float[][] lastRows(NDArray logits) {
        int rows = (int) logits.getShape().get(0);
        int t = (int) logits.getShape().get(1);
        int v = (int) logits.getShape().get(2);
        float[] flat = logits.get(":, " + (t - 1) + ", :").toFloatArray();
        float[][] out = new float[rows][v];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * v, out[r], 0, v);
        }
        return out;
    }
}
