package dev.decaf.text.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content of a Hugging Face {@code tokenizer_config.json} for a {@code tokenizer.json}, in the
 * format {@code transformers}' {@code PreTrainedTokenizerBase.save_pretrained} writes (keys
 * sorted; {@code added_tokens_decoder} maps each added token's id to its {@code content}, {@code
 * lstrip}, {@code normalized}, {@code rstrip}, {@code single_word} and {@code special} fields, as
 * in GPT-2's and Mistral's files on the Hub).
 *
 * <p>Fields decaf manages are set from the tokenizer: {@code bos_token}, {@code eos_token}, {@code
 * unk_token} (the end-of-text token when the tokenizer has no unknown token, as GPT-2's file does),
 * {@code pad_token} (when the tokenizer has a padding token; otherwise the source's value is kept,
 * else null), {@code model_max_length} (the model's positions), {@code added_tokens_decoder},
 * {@code add_bos_token} and {@code add_eos_token} (false: decaf trains and generates without adding
 * special tokens, so a Hugging Face user encodes as the model was trained) and {@code
 * clean_up_tokenization_spaces} (false: decaf's decoding keeps spaces as they are). {@code
 * tokenizer_class} is the source's, else {@code PreTrainedTokenizerFast}, which reads {@code
 * tokenizer.json} alone. Every other field of a source file — a {@code chat_template}, for one —
 * is kept unchanged.
 */
public final class TokenizerConfigFile {

    private TokenizerConfigFile() {}

    /**
     * Builds the file's content.
     *
     * @param tokens the tokenizer's special tokens
     * @param modelMaxLength the model's {@code max_position_embeddings}
     * @param source the {@code tokenizer_config.json} that came with the tokenizer, or null
     * @return the JSON object, keys sorted
     */
    public static Map<String, Object> build(SpecialTokens tokens, int modelMaxLength, Map<String, Object> source) {
        Map<String, Object> out = new TreeMap<>();
        if (source != null) {
            out.putAll(source);
        }
        out.putIfAbsent("tokenizer_class", "PreTrainedTokenizerFast");
        out.put("add_bos_token", false);
        out.put("add_eos_token", false);
        out.put("clean_up_tokenization_spaces", false);
        out.put("model_max_length", modelMaxLength);
        out.put("bos_token", content(tokens.bos()));
        out.put("eos_token", content(tokens.eos()));
        out.put("unk_token", content(tokens.unk() != null ? tokens.unk() : tokens.eos()));
        if (tokens.pad() != null) {
            out.put("pad_token", tokens.pad().content());
        } else {
            out.putIfAbsent("pad_token", null);
        }
        Map<String, Object> decoder = new LinkedHashMap<>();
        tokens.added().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, Object> token = new TreeMap<>();
            token.put("content", e.getValue().get("content"));
            for (String flag : new String[] {"lstrip", "normalized", "rstrip", "single_word", "special"}) {
                token.put(flag, e.getValue().get(flag) instanceof Boolean b ? b : defaultFlag(flag));
            }
            decoder.put(Integer.toString(e.getKey()), token);
        });
        out.put("added_tokens_decoder", decoder);
        return out;
    }

    private static String content(SpecialTokens.Token t) {
        return t == null ? null : t.content();
    }

    /** The defaults of {@code tokenizers}' {@code AddedToken} for a flag the file leaves out. */
    private static boolean defaultFlag(String flag) {
        return flag.equals("normalized");
    }
}
