package dev.decaf.models.infer;

import dev.decaf.text.sampling.Sampler;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Autoregressive generation with a {@link DecoderModel}: the prompt's ids, then one new token per
 * step chosen by a {@link Sampler} from the logits of the last position, until {@code
 * maxNewTokens} tokens are made or an end-of-text id is chosen.
 *
 * <p><b>No KV cache yet.</b> Every step runs the full forward pass over the whole context (cost
 * {@code O(T²)} per step), which is fine for the small models decaf trains on a CPU and keeps the
 * code obviously equal to {@code model.forward}. When the context reaches the model's {@code
 * max_position_embeddings}, only the last that many ids are fed (a sliding window).
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

    /** Why generation ended. */
    public enum Stop {
        /** An end-of-text (stop) id was chosen. */
        END_OF_TEXT,
        /** {@code maxNewTokens} tokens were made. */
        MAX_TOKENS
    }

    /**
     * A generation.
     *
     * @param promptIds the prompt as ids (with the end-of-text start for an empty prompt)
     * @param ids the new ids, without the stop id
     * @param text the new ids decoded, or null without a tokenizer
     * @param stop why it ended
     */
    public record Result(int[] promptIds, int[] ids, String text, Stop stop) {
        @Override
        public String toString() {
            return "Result[prompt=" + Arrays.toString(promptIds) + ", ids=" + Arrays.toString(ids) + ", stop=" + stop
                    + (text == null ? "" : ", text=" + text) + "]";
        }
    }

    private final DecoderModel model;
    private final TextTokenizer tokenizer;
    private final NDManager manager;
    private final int[] stopIds;
    private final int choosable;

    private Generator(DecoderModel model, TextTokenizer tokenizer, NDManager manager, int[] stopIds) {
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = tokenizer;
        this.manager = Objects.requireNonNull(manager, "manager");
        this.stopIds = stopIds;
        int vocab = model.config().vocabSize();
        this.choosable = tokenizer == null ? vocab : Math.min(vocab, tokenizer.vocabSize());
    }

    /**
     * A generator over ids only; it stops at the config's {@code eos_token_id}.
     *
     * @param model the model (initialized)
     * @param manager a manager on the model's device, for the per-step inputs
     */
    public Generator(DecoderModel model, NDManager manager) {
        this(model, null, manager, defaultStops(model, null));
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
        this(model, Objects.requireNonNull(tokenizer, "tokenizer"), manager, defaultStops(model, tokenizer));
    }

    /**
     * Returns a generator that stops at exactly these ids instead of the defaults.
     *
     * @param ids the stop ids; none means always generate {@code maxNewTokens}
     * @return the generator
     */
    public Generator withStopIds(int... ids) {
        return new Generator(model, tokenizer, manager, ids.clone());
    }

    /** Returns the ids that end generation. */
    public int[] stopIds() {
        return stopIds.clone();
    }

    /** The tokenizer's end-of-text id; the config's only without one (see the class comment). */
    private static int[] defaultStops(DecoderModel model, TextTokenizer tokenizer) {
        int vocab = model.config().vocabSize();
        int tok = tokenizer == null ? -1 : tokenizer.eosId();
        int eos = tok >= 0 && tok < vocab ? tok : model.config().eosTokenId();
        return eos >= 0 && eos < vocab ? new int[] {eos} : new int[0];
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
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        int vocab = model.config().vocabSize();
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw new IllegalArgumentException("prompt id " + i + " = " + prompt[i]
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        int[] start = prompt.length > 0 ? prompt.clone() : new int[] {startId()};
        int maxPositions = model.config().maxPositions();
        long[] context = new long[start.length + maxNewTokens];
        for (int i = 0; i < start.length; i++) {
            context[i] = start[i];
        }
        int length = start.length;
        int made = 0;
        Stop stop = Stop.MAX_TOKENS;
        while (made < maxNewTokens) {
            int from = Math.max(0, length - maxPositions);
            float[] logits = lastLogits(Arrays.copyOfRange(context, from, length));
            int next = sampler.sample(logits, choosable);
            if (isStop(next)) {
                stop = Stop.END_OF_TEXT;
                break;
            }
            context[length++] = next;
            made++;
        }
        int[] ids = new int[made];
        for (int i = 0; i < made; i++) {
            ids[i] = (int) context[start.length + i];
        }
        String text = tokenizer == null ? null : tokenizer.decode(ids);
        return new Result(start, ids, text, stop);
    }

    private int startId() {
        int eos = tokenizer != null && tokenizer.eosId() >= 0 ? tokenizer.eosId() : model.config().eosTokenId();
        if (eos < 0 || eos >= model.config().vocabSize()) {
            throw new IllegalArgumentException("an empty prompt needs an end-of-text id to start from,"
                    + " and neither the tokenizer nor config.json has one");
        }
        return eos;
    }

    private boolean isStop(int id) {
        for (int s : stopIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }

    /** One full forward pass over the window; the logits of its last position. */
    private float[] lastLogits(long[] window) {
        try (NDManager step = manager.newSubManager()) {
            NDArray ids = step.create(new long[][] {window});
            NDArray logits = model.forward(new ParameterStore(step, false), new NDList(ids), false).singletonOrThrow();
            NDArray last = logits.get(0, window.length - 1);
            return last.toFloatArray();
        }
    }
}
