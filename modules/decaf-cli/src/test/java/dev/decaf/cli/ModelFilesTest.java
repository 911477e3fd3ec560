package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.decaf.core.json.Json;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Generator;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model directory decaf writes carries the tokenizer's special-token ids in {@code
 * config.json} and {@code generation_config.json}, and a {@code tokenizer_config.json} naming its
 * tokens: from {@code decaf init}, a fine-tune's {@code model/} and its checkpoints; the ids
 * survive a load and save; a source {@code chat_template} survives a fine-tune; a config whose
 * {@code eos_token_id} disagrees with the tokenizer is one warning line.
 */
class ModelFilesTest {

    /** decaf's byte-level tokenizer without a corpus: 256 bytes, then {@code <|endoftext|>} = 256. */
    static final int BYTE_LEVEL_EOS = 256;

    @TempDir
    Path tmp;

    static Map<String, Object> json(Path file) throws IOException {
        return Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The three files of a directory whose tokenizer is decaf's BPE with end-of-text {@code eos}. */
    static void assertHuggingFaceFiles(Path dir, int eos, int positions) throws IOException {
        Map<String, Object> config = json(dir.resolve("config.json"));
        assertEquals((long) eos, config.get("bos_token_id"), dir + ": bos = eos = <|endoftext|>, as GPT-2");
        assertEquals((long) eos, config.get("eos_token_id"), dir.toString());
        assertFalse(config.containsKey("pad_token_id"), "decaf's BPE has no padding token");
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            assertEquals(t.eosId(), eos, "the tokenizer's own end-of-text id");
        }
        assertEquals(Map.of("_from_model_config", true, "bos_token_id", (long) eos, "eos_token_id", (long) eos),
                json(dir.resolve("generation_config.json")));
        Map<String, Object> tc = json(dir.resolve("tokenizer_config.json"));
        assertEquals("PreTrainedTokenizerFast", tc.get("tokenizer_class"));
        for (String role : List.of("bos_token", "eos_token", "unk_token")) {
            assertEquals("<|endoftext|>", tc.get(role), role);
        }
        assertTrue(tc.containsKey("pad_token") && tc.get("pad_token") == null);
        assertEquals((long) positions, tc.get("model_max_length"));
        assertEquals(false, tc.get("add_bos_token"));
        assertEquals(false, tc.get("add_eos_token"));
        assertEquals(false, tc.get("clean_up_tokenization_spaces"));
        assertEquals(Map.of(Integer.toString(eos), Map.of("content", "<|endoftext|>", "lstrip", false,
                "normalized", false, "rstrip", false, "single_word", false, "special", true)),
                tc.get("added_tokens_decoder"));
    }

    @Test
    void initWritesTheTokenizersIdsWhereTheConfigHadOthers() throws IOException {
        Path a = tmp.resolve("a");
        DecafCliTest.Run r = DecafCliTest.run("init", "--config", "../../models/llama-tiny.json", "--out", a.toString());
        assertEquals(0, r.code(), r.err());
        // models/llama-tiny.json says 511 (a 512-token BPE's <|endoftext|>); without a corpus the tokenizer has 257
        assertEquals("decaf: note: ../../models/llama-tiny.json: bos_token_id 511 -> 256, eos_token_id 511 -> 256,"
                + " the tokenizer's <|endoftext|> = 256 (written to " + a + "/config.json)", r.err().strip());
        assertHuggingFaceFiles(a, BYTE_LEVEL_EOS, 64);
    }

    @Test
    void initWithATrainedTokenizerMatchesTheShippedConfigSilently() throws IOException {
        // enough distinct pairs for 255 merges: the BPE fills 512 tokens and <|endoftext|> is 511
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            text.append(Integer.toString(i * 7919 % 1679616, 36)).append(' ')
                    .append(Integer.toString(i * 104729 % 1679616, 36)).append('\n');
        }
        Path corpus = tmp.resolve("corpus.txt");
        Files.writeString(corpus, text);
        Path a = tmp.resolve("a");
        DecafCliTest.Run r = DecafCliTest.run("init", "--config", "../../models/llama-tiny.json", "--out", a.toString(),
                "--tokenizer-corpus", corpus.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err(), "the config's ids are the tokenizer's: no note");
        assertHuggingFaceFiles(a, 511, 64);
    }

    @Test
    void idsSurviveLoadAndSaveAndADisagreeingConfigIsOneWarningLine() throws IOException {
        Path a = DecafCliTest.initTinyModel(tmp.resolve("a"), 3);
        Path b = tmp.resolve("b");
        try (NDManager manager = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(a)) {
            ModelDirectory.Loaded loaded = ModelDirectory.load(a, manager);
            assertEquals(BYTE_LEVEL_EOS, loaded.config().eosTokenId());
            ModelDirectory.save(loaded.model(), loaded.dtype(), a, b);
            assertEquals(BYTE_LEVEL_EOS, ModelDirectory.load(b, manager).config().eosTokenId());
            assertEquals(List.of(BYTE_LEVEL_EOS), toList(new Generator(loaded.model(), tok, manager).stopIds()));
        }
        for (String f : List.of("config.json", "generation_config.json", "tokenizer_config.json", "tokenizer.json")) {
            assertEquals(-1, Files.mismatch(a.resolve(f), b.resolve(f)), f + " is the same after load and save");
        }
        DecafCliTest.Run clean = InferCli.run("generate", "--model", b.toString(), "--prompt", "x", "--max-tokens", "2",
                "--temperature", "0");
        assertEquals(0, clean.code(), clean.err());
        assertEquals("", clean.err());

        // Llama's default eos (2) is a byte to this tokenizer: reported, and generation stops at 256 only
        Path config = b.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"eos_token_id\" : 256", "\"eos_token_id\" : 2"));
        DecafCliTest.Run warned = InferCli.run("generate", "--model", b.toString(), "--prompt", "x", "--max-tokens",
                "2", "--temperature", "0");
        assertEquals(0, warned.code(), warned.err());
        assertEquals("decaf: warning: " + config + ": eos_token_id 2 is not the tokenizer's end-of-text id 256;"
                + " decaf uses 256 (and saves it)", warned.err().strip());
        try (NDManager manager = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(b)) {
            ModelDirectory.Loaded loaded = ModelDirectory.load(b, manager);
            assertEquals(List.of(BYTE_LEVEL_EOS), toList(new Generator(loaded.model(), tok, manager).stopIds()));
        }

        // a config without ids (as models/quickstart-base's was) loads without a word
        Map<String, Object> noIds = json(config);
        noIds.remove("bos_token_id");
        noIds.remove("eos_token_id");
        Files.writeString(config, Json.pretty(noIds));
        Files.writeString(b.resolve("data.txt"), "some text to evaluate on, long enough for one block.\n".repeat(4));
        DecafCliTest.Run eval = InferCli.run("eval", "--model", b.toString(), "--data", b.resolve("data.txt").toString());
        assertEquals(0, eval.code(), eval.err());
        assertEquals("", eval.err());
    }

    @Test
    void aFinetunesModelAndCheckpointsKeepTheSourcesChatTemplateAndGetTheTokenizersIds() throws IOException {
        Path base = DecafCliTest.initTinyModel(tmp.resolve("base"), 4);
        String template = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}";
        Files.writeString(base.resolve("tokenizer_config.json"), Json.pretty(Map.of("chat_template", template,
                "eos_token", "</s>", "padding_side", "left", "model_max_length", 2048)));
        Files.writeString(base.resolve("generation_config.json"), Json.pretty(Map.of("temperature", 0.7,
                "eos_token_id", 2, "transformers_version", "4.44.0")));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("the cat ").append(i % 17).append(" sat on the mat.\n");
        }
        Files.writeString(tmp.resolve("train.txt"), text);
        Path recipe = tmp.resolve("r.yaml");
        Path out = tmp.resolve("run");
        Files.writeString(recipe, """
                model: %s
                data:
                  train: train.txt
                  validation_fraction: 0.1
                train:
                  steps: 4
                  batch_size: 2
                  seq_len: 16
                  eval_every: 4
                  eval_batches: 1
                  checkpoint_every: 2
                out: %s
                """.formatted(base, out));
        DecafCliTest.Run r = FinetuneCommandTest.runCapturing("finetune", recipe.toString());
        assertEquals(0, r.code(), r.err());
        for (Path dir : List.of(out.resolve("model"), out.resolve("checkpoints/step-00000002"),
                out.resolve("checkpoints/step-00000004"))) {
            Map<String, Object> tc = json(dir.resolve("tokenizer_config.json"));
            assertEquals(template, tc.get("chat_template"), dir.toString());
            assertEquals("left", tc.get("padding_side"));
            assertEquals("<|endoftext|>", tc.get("eos_token"), "a managed field follows the tokenizer");
            assertEquals(64L, tc.get("model_max_length"), "gpt2-tiny's n_positions");
            assertEquals(Map.of("temperature", 0.7, "bos_token_id", 256L, "eos_token_id", 256L),
                    json(dir.resolve("generation_config.json")), "the source's fields, the tokenizer's ids");
            Map<String, Object> config = json(dir.resolve("config.json"));
            assertEquals(256L, config.get("eos_token_id"));
            assertEquals(256L, config.get("bos_token_id"));
        }
        assertTrue(Files.readString(out.resolve("checkpoints/step-00000004/trainer_state.json"))
                .contains("\"tokenizer_config.json\""), "the checkpoint's checksums cover the new files");
    }

    private static List<Integer> toList(int[] ids) {
        return java.util.Arrays.stream(ids).boxed().toList();
    }
}
