package dev.decaf.models.checkpoint;

import dev.decaf.core.config.ModelConfig;
import dev.decaf.text.tokenizer.SpecialTokens;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The special-token ids of a model directory, taken from its tokenizer: {@code bos_token_id},
 * {@code eos_token_id} and {@code pad_token_id} in {@code config.json} and {@code
 * generation_config.json}, so that a Hugging Face user's generation stops where decaf's does.
 *
 * <p>The tokenizer is the authority: decaf separates documents and stops generation at the
 * tokenizer's end-of-text id, and Hugging Face's defaults (Llama's 1 and 2) mean nothing for a
 * byte-level BPE, whose ids 0 and 1 are bytes. A config without ids is read as it is; one whose
 * {@code eos_token_id} disagrees with the tokenizer is reported ({@link #mismatch}) and
 * overwritten at the next save.
 */
public final class TokenIds {

    private TokenIds() {}

    /**
     * Sets a config's ids to the tokenizer's: {@code bos_token_id} and {@code eos_token_id} when it
     * has an end-of-text token, and {@code pad_token_id} when it has a padding token (removed when
     * it has none, as GPT-2's config has none).
     *
     * @param tokens the tokenizer's special tokens
     * @param config a {@code config.json} object, changed in place
     */
    public static void apply(SpecialTokens tokens, Map<String, Object> config) {
        if (tokens.eos() == null) {
            return; // no end-of-text token to name: the config's ids are all there is
        }
        config.put("bos_token_id", tokens.bos().id());
        config.put("eos_token_id", tokens.eos().id());
        if (tokens.pad() != null) {
            config.put("pad_token_id", tokens.pad().id());
        } else {
            config.remove("pad_token_id");
        }
    }

    /**
     * The content of {@code generation_config.json}: the source's fields, if a source file came
     * with the tokenizer, else {@code _from_model_config: true} (what {@code transformers} writes
     * for a generation config derived from the model config); then the config's {@code
     * bos_token_id}, {@code eos_token_id} and {@code pad_token_id}, where it has them.
     *
     * @param config the {@code config.json} being saved
     * @param source the {@code generation_config.json} that came with the tokenizer, or null
     * @return the JSON object, keys sorted
     */
    public static Map<String, Object> generationConfig(Map<String, Object> config, Map<String, Object> source) {
        Map<String, Object> out = new TreeMap<>();
        if (source != null) {
            out.putAll(source);
            out.remove("transformers_version"); // decaf is not transformers
        } else {
            out.put("_from_model_config", true);
        }
        for (String key : new String[] {"bos_token_id", "eos_token_id", "pad_token_id"}) {
            if (config.get(key) != null) {
                out.put(key, config.get(key));
            } else {
                out.remove(key);
            }
        }
        return out;
    }

    /**
     * Describes a config whose {@code eos_token_id} is not the tokenizer's end-of-text id, in one
     * line for a warning.
     *
     * @param config the model's config
     * @param tokenizer its tokenizer
     * @param source where the config came from, for the message
     * @return the message, or null when they agree or either has no end-of-text id
     */
    public static String mismatch(ModelConfig config, TextTokenizer tokenizer, String source) {
        int configured = config.eosTokenId();
        int eos = tokenizer.eosId();
        if (configured < 0 || eos < 0 || configured == eos) {
            return null;
        }
        return String.format(Locale.ROOT, "%s: eos_token_id %d is not the tokenizer's end-of-text id %d;"
                + " decaf uses %d (and saves it)", source, configured, eos, eos);
    }
}
