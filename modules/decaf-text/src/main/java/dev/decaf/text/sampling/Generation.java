package dev.decaf.text.sampling;

import dev.decaf.core.config.ModelConfig;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * What a generation returns, and the rules every engine's generator shares (decaf-models'
 * {@code Generator} on DJL, decaf-onnx's {@code OnnxGenerator} on ONNX Runtime), so the two
 * engines start, stop and choose alike:
 *
 * <ul>
 *   <li>the stop id is the tokenizer's end-of-text id, the config's only without one (a config's
 *       id may be a default that means another token to this tokenizer: Llama's 2 is a byte in
 *       decaf's BPE);
 *   <li>an empty prompt starts from the end-of-text id;
 *   <li>only ids the tokenizer can decode are chosen (a model's vocabulary may be padded wider).
 * </ul>
 */
public final class Generation {

    /** Why a row's generation ended. */
    public enum Stop {
        /** An end-of-text (stop) id was chosen. */
        END_OF_TEXT,
        /** {@code maxNewTokens} tokens were made. */
        MAX_TOKENS
    }

    /**
     * One row's generation.
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

    private Generation() {}

    /**
     * Returns the default stop ids: the tokenizer's end-of-text id, else the config's, else none.
     *
     * @param config the model's config
     * @param tokenizer the tokenizer, or null
     * @return zero or one id
     */
    public static int[] defaultStops(ModelConfig config, TextTokenizer tokenizer) {
        int vocab = config.vocabSize();
        int tok = tokenizer == null ? -1 : tokenizer.eosId();
        int eos = tok >= 0 && tok < vocab ? tok : config.eosTokenId();
        return eos >= 0 && eos < vocab ? new int[] {eos} : new int[0];
    }

    /**
     * Returns how many ids may be chosen: the model's vocabulary, cut to the tokenizer's.
     *
     * @param config the model's config
     * @param tokenizer the tokenizer, or null
     * @return the count
     */
    public static int choosable(ModelConfig config, TextTokenizer tokenizer) {
        int vocab = config.vocabSize();
        return tokenizer == null ? vocab : Math.min(vocab, tokenizer.vocabSize());
    }

    /**
     * Returns each prompt's starting ids: a copy of its ids, checked against the vocabulary, or the
     * end-of-text id alone for an empty prompt.
     *
     * @param prompts the prompts as ids
     * @param config the model's config
     * @param tokenizer the tokenizer, or null
     * @return one row per prompt
     * @throws IllegalArgumentException for an id outside the vocabulary, or an empty prompt with no
     *     end-of-text id to start from
     */
    public static int[][] starts(List<int[]> prompts, ModelConfig config, TextTokenizer tokenizer) {
        int vocab = config.vocabSize();
        int rows = prompts.size();
        int[][] starts = new int[rows][];
        for (int r = 0; r < rows; r++) {
            int[] prompt = prompts.get(r);
            for (int i = 0; i < prompt.length; i++) {
                if (prompt[i] < 0 || prompt[i] >= vocab) {
                    throw new IllegalArgumentException((rows > 1 ? "prompt " + r + ": " : "") + "prompt id " + i + " = "
                            + prompt[i] + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            starts[r] = prompt.length > 0 ? prompt.clone() : new int[] {startId(config, tokenizer)};
        }
        return starts;
    }

    private static int startId(ModelConfig config, TextTokenizer tokenizer) {
        int eos = tokenizer != null && tokenizer.eosId() >= 0 ? tokenizer.eosId() : config.eosTokenId();
        if (eos < 0 || eos >= config.vocabSize()) {
            throw new IllegalArgumentException("an empty prompt needs an end-of-text id to start from,"
                    + " and neither the tokenizer nor config.json has one");
        }
        return eos;
    }

    /**
     * Returns whether an id is one of the stop ids.
     *
     * @param stopIds the stop ids
     * @param id the chosen id
     * @return true when it stops the row
     */
    public static boolean isStop(int[] stopIds, int id) {
        for (int s : stopIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }
}
