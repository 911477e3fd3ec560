package dev.decaf.text.tokenizer;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The special tokens of a {@code tokenizer.json}, as a model directory's {@code config.json},
 * {@code tokenizer_config.json} and {@code generation_config.json} name them: begin- and end-of-text,
 * unknown and padding, each a token string with its id.
 *
 * <p>Each role is the first of its candidate strings found among the file's {@code added_tokens},
 * then in {@code model.vocab} — the lists {@link TextTokenizer#load} and {@link BpeTokenizer} use
 * for end-of-text and padding, so the ids agree with {@link TextTokenizer#eosId()} and {@link
 * TextTokenizer#padId()}. A tokenizer without a begin-of-text token (decaf's byte-level BPE, GPT-2)
 * begins with its end-of-text token, as GPT-2's {@code <|endoftext|>} does. Unknown is the BPE
 * model's {@code unk_token} when it names one, else a candidate; padding has no fallback (null when
 * the tokenizer has no padding token).
 *
 * @param bos begin of text (the end-of-text token when there is none), or null
 * @param eos end of text, or null
 * @param unk unknown, or null
 * @param pad padding, or null
 * @param added the file's {@code added_tokens} entries by id, each with its fields
 */
public record SpecialTokens(Token bos, Token eos, Token unk, Token pad, Map<Integer, Map<String, Object>> added) {

    /** End-of-text candidates, in order of preference. */
    static final List<String> EOS = List.of("<|endoftext|>", "</s>", "<eos>", "<|end_of_text|>", "<|eot_id|>");
    /** Padding candidates, in order of preference. */
    static final List<String> PAD = List.of("<pad>", "<|pad|>", "[PAD]");
    /** Begin-of-text candidates, in order of preference. */
    static final List<String> BOS = List.of("<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>");
    /** Unknown-token candidates, in order of preference, when the model names none. */
    static final List<String> UNK = List.of("<unk>", "[UNK]", "<|unk|>");

    /**
     * A token string and its id.
     *
     * @param content the token's text
     * @param id its id
     */
    public record Token(String content, int id) {}

    /**
     * Reads the special tokens of a {@code tokenizer.json}.
     *
     * @param path the file, or a directory containing {@code tokenizer.json}
     * @return the tokens
     * @throws IOException when the file is missing or not a JSON object (the message names it)
     */
    public static SpecialTokens read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no tokenizer.json");
        }
        Map<String, Object> root;
        try {
            root = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        Map<Integer, Map<String, Object>> added = new LinkedHashMap<>();
        if (root.get("added_tokens") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("content") instanceof String c && m.get("id") instanceof Number n) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> entry = new LinkedHashMap<>((Map<String, Object>) m);
                    added.put(n.intValue(), entry);
                    ids.putIfAbsent(c, n.intValue());
                }
            }
        }
        Map<?, ?> model = root.get("model") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> vocab = model.get("vocab") instanceof Map<?, ?> v ? v : Map.of();
        Token eos = first(EOS, ids, vocab);
        Token bos = first(BOS, ids, vocab);
        Token unk = model.get("unk_token") instanceof String u ? find(u, ids, vocab) : null;
        return new SpecialTokens(bos != null ? bos : eos, eos, unk != null ? unk : first(UNK, ids, vocab),
                first(PAD, ids, vocab), added);
    }

    private static Token first(List<String> candidates, Map<String, Integer> added, Map<?, ?> vocab) {
        for (String c : candidates) {
            Token t = find(c, added, vocab);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static Token find(String content, Map<String, Integer> added, Map<?, ?> vocab) {
        if (added.containsKey(content)) {
            return new Token(content, added.get(content));
        }
        return vocab.get(content) instanceof Number n ? new Token(content, n.intValue()) : null;
    }
}
