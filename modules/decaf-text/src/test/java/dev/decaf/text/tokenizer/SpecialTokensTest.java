package dev.decaf.text.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The special tokens of a tokenizer.json agree with the tokenizer's own ids, and {@code
 * tokenizer_config.json} names them in transformers' format, keeping the fields decaf does not
 * manage.
 */
class SpecialTokensTest {

    @TempDir
    Path dir;

    private static List<String> corpus() {
        // enough distinct pairs that a 300-token vocabulary fills (the specials then take the last ids)
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            lines.add(Integer.toString(i * 7919 % 46656, 36) + " " + Integer.toString(i * 104729 % 46656, 36) + "\n");
        }
        return lines;
    }

    @Test
    void decafsByteLevelBpeBeginsAndEndsWithEndOfText() throws IOException {
        // 300 tokens: 256 bytes, 43 merges, then <|endoftext|> as the last id (299), as in GPT-2
        Path tok = BpeTrainer.builder().optVocabSize(300).build().trainOnTexts(corpus()).write(dir.resolve("bpe"));
        SpecialTokens s = SpecialTokens.read(tok);
        assertEquals(new SpecialTokens.Token("<|endoftext|>", 299), s.eos());
        assertEquals(s.eos(), s.bos());
        assertNull(s.unk(), "a byte-level BPE has no unknown token");
        assertNull(s.pad());
        try (TextTokenizer t = TextTokenizer.load(tok)) {
            assertEquals(t.eosId(), s.eos().id());
        }
        Map<String, Object> cfg = TokenizerConfigFile.build(s, 64, null);
        assertEquals("PreTrainedTokenizerFast", cfg.get("tokenizer_class"));
        assertEquals("<|endoftext|>", cfg.get("bos_token"));
        assertEquals("<|endoftext|>", cfg.get("eos_token"));
        assertEquals("<|endoftext|>", cfg.get("unk_token"), "GPT-2's convention");
        assertTrue(cfg.containsKey("pad_token") && cfg.get("pad_token") == null);
        assertEquals(64, cfg.get("model_max_length"));
        assertEquals(false, cfg.get("add_bos_token"));
        assertEquals(false, cfg.get("add_eos_token"));
        assertEquals(false, cfg.get("clean_up_tokenization_spaces"));
        assertEquals(Map.of("299", Map.of("content", "<|endoftext|>", "lstrip", false, "normalized", false,
                "rstrip", false, "single_word", false, "special", true)), cfg.get("added_tokens_decoder"));
        assertEquals(List.copyOf(new java.util.TreeSet<>(cfg.keySet())), List.copyOf(cfg.keySet()),
                "keys sorted, as transformers writes them");
    }

    @Test
    void llamaStyleTokensAreFoundByRoleAndAgreeWithTheTokenizer() throws IOException {
        // specials get ids 296.. in this order: <unk> 296, <s> 297, </s> 298, <pad> 299
        Path tok = BpeTrainer.builder().optVocabSize(300).optSpecialTokens(List.of("<unk>", "<s>", "</s>", "<pad>"))
                .build().trainOnTexts(corpus()).write(dir.resolve("llama"));
        SpecialTokens s = SpecialTokens.read(tok);
        assertEquals(new SpecialTokens.Token("<s>", 297), s.bos());
        assertEquals(new SpecialTokens.Token("</s>", 298), s.eos());
        assertEquals(new SpecialTokens.Token("<unk>", 296), s.unk());
        assertEquals(new SpecialTokens.Token("<pad>", 299), s.pad());
        try (TextTokenizer t = TextTokenizer.load(tok)) {
            assertEquals(t.eosId(), s.eos().id());
            assertEquals(t.padId(), s.pad().id());
        }
        assertEquals(4, s.added().size());
    }

    @Test
    void aSourceConfigKeepsItsChatTemplateAndGetsTheManagedFieldsUpdated() throws IOException {
        Path tok = BpeTrainer.builder().optVocabSize(300).build().trainOnTexts(corpus()).write(dir.resolve("bpe"));
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}");
        source.put("padding_side", "left");
        source.put("tokenizer_class", "GPT2TokenizerFast");
        source.put("eos_token", "</s>");                 // stale: the tokenizer's is <|endoftext|>
        source.put("model_max_length", 1_000_000L);
        source.put("pad_token", "<|endoftext|>");        // the user's choice, kept (the tokenizer has no pad token)
        Map<String, Object> cfg = TokenizerConfigFile.build(SpecialTokens.read(tok), 64,
                Json.parseObject(Json.write(source)));
        assertEquals(source.get("chat_template"), cfg.get("chat_template"));
        assertEquals("left", cfg.get("padding_side"));
        assertEquals("GPT2TokenizerFast", cfg.get("tokenizer_class"));
        assertEquals("<|endoftext|>", cfg.get("eos_token"));
        assertEquals(64, cfg.get("model_max_length"));
        assertEquals("<|endoftext|>", cfg.get("pad_token"));
    }

    @Test
    void aMissingFileIsNamed() {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> SpecialTokens.read(dir.resolve("none.json")));
        assertTrue(e.getMessage().contains("none.json"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("none.json")));
    }
}
