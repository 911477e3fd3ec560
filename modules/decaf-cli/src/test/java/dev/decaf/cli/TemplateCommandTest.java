package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates through the CLI: chat {@code messages} data trains and evaluates with the chat_template
 * of the model directory's tokenizer_config.json, loss on the assistant turns only; a model without
 * one, and a {@code data.template} with an unknown placeholder, are one-line errors with exit 2.
 * The models are {@code decaf init}'s gpt2-tiny, whose byte-level tokenizer makes one token of each
 * ASCII byte, so token counts are counted by hand from the text.
 */
class TemplateCommandTest {

    /** A prefix-stable template: "U: q\nA: " is the turn's start, "a\n" its trained text. */
    static final String CHAT_TEMPLATE = "{% for m in messages %}{% if m.role == 'user' %}U: {% else %}A: {% endif %}"
            + "{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}A: {% endif %}";

    @TempDir
    static Path tmp;

    static Path chatModel;
    static Path plainModel;
    static Path chat;

    @BeforeAll
    static void setUp() throws IOException {
        chatModel = DecafCliTest.initTinyModel(tmp.resolve("chat-model"), 5);
        Path config = chatModel.resolve("tokenizer_config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(config.toFile());
        c.put("chat_template", CHAT_TEMPLATE);
        json.writeValue(config.toFile(), c);
        plainModel = DecafCliTest.initTinyModel(tmp.resolve("plain-model"), 6);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"messages\": [{\"role\": \"user\", \"content\": \"q" + i + "\"}, {\"role\": \"assistant\","
                    + " \"content\": \"a" + i + "\"}]}");
        }
        chat = Files.write(tmp.resolve("chat.jsonl"), lines);
    }

    private static Path recipe(String name, Path model, String data, String extra) throws IOException {
        return Files.writeString(tmp.resolve(name), "model: " + model + "\n"
                + "data:\n  train: " + data + "\n  validation_fraction: 0.25\n" + extra
                + "optimizer:\n  name: adamw\n  lr: 1.0e-3\n"
                + "train:\n  steps: 2\n  batch_size: 2\n  seq_len: 32\n  log_every: 1\n  eval_every: 0\n"
                + "  checkpoint_every: 0\nout: runs/" + name.replace(".yaml", "") + "\n");
    }

    @Test
    void messagesEvaluateOnTheAssistantTokensOnly() throws Exception {
        DecafCliTest.Run r = InferCli.run("eval", "--model", chatModel.toString(), "--data", chat.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        List<String> out = r.out().lines().toList();
        // each line renders "U: q<i>\nA: a<i>\n"; only "a<i>\n" is trained: 3 tokens for i < 10, 4 for 10 and 11
        long assistantTokens = 10 * 3 + 2 * 4;
        assertEquals(assistantTokens, new ObjectMapper().readTree(out.get(out.size() - 1)).get("tokens").asLong(),
                r.out());
    }

    @Test
    void finetuneTrainsOnMessagesWithTheModelsChatTemplate() throws Exception {
        Path recipe = recipe("chat.yaml", chatModel, chat.toString(), "");
        DecafCliTest.Run r = FinetuneCommandTest.runCapturing("finetune", recipe.toString(), "--out",
                tmp.resolve("run-chat").toString());
        assertEquals(0, r.code(), r.err());
        // 12 conversations "U: q<i>\nA: a<i>\n": 10 of 12 tokens, 2 of 14, nothing appended; 9 for training,
        // packed 2 to a row of 32 positions (11 or 13 each; 3 never fit): 5 rows
        assertTrue(r.out().contains("data: documents=12 tokens=" + (10 * 12 + 2 * 14) + " train=5 samples (9 examples)"),
                r.out());
    }

    @Test
    void recipesValidateMeasuresConversationsAsFinetuneReadsThem() throws Exception {
        DecafCliTest.Run ok = DecafCliTest.run("recipes", "validate", recipe("v-chat.yaml", chatModel, chat.toString(), "")
                .toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains(chat + ": messages, 12 lines, 12 examples, " + (10 * 12 + 2 * 14) + " tokens"),
                ok.out());
        DecafCliTest.Run missing = DecafCliTest.run("recipes", "validate",
                recipe("v-plain.yaml", plainModel, chat.toString(), "").toString());
        assertEquals(2, missing.code(), missing.out() + missing.err());
        assertTrue(missing.err().contains(plainModel.resolve("tokenizer_config.json") + ": no chat_template"),
                missing.err());
    }

    @Test
    void messagesWithAModelWithoutAChatTemplateFailWithOneLineNamingItsConfig() throws Exception {
        Path config = plainModel.resolve("tokenizer_config.json");
        Path recipe = recipe("plain.yaml", plainModel, chat.toString(), "");
        DecafCliTest.Run r = FinetuneCommandTest.runCapturing("finetune", recipe.toString(), "--out",
                tmp.resolve("run-plain").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        String error = r.err().lines().filter(l -> l.contains("chat_template")).findFirst().orElse("");
        assertTrue(error.contains(config + ": no chat_template"), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());

        DecafCliTest.Run e = InferCli.run("eval", "--model", plainModel.toString(), "--data", chat.toString());
        assertEquals(2, e.code(), e.err());
        assertTrue(e.err().contains(config + ": no chat_template"), e.err());
    }

    @Test
    void aTemplateWithAnUnknownPlaceholderIsARecipeError() throws Exception {
        Path pc = Files.writeString(tmp.resolve("pc.jsonl"), "{\"prompt\": \"2+2?\", \"completion\": \" 4\"}\n".repeat(8));
        Path recipe = recipe("bad-template.yaml", chatModel, pc.toString(), "  template: \"Q: {promt}\\nA:\"\n");
        DecafCliTest.Run r = FinetuneCommandTest.runCapturing("finetune", recipe.toString(), "--out",
                tmp.resolve("run-bad").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("data.template: template \"Q: {promt}\\nA:\" has an unknown placeholder {promt}"),
                r.err());

        DecafCliTest.Run e = InferCli.run("eval", "--model", chatModel.toString(), "--data", pc.toString(),
                "--template", "{prompt} {answer}");
        assertEquals(2, e.code(), e.err());
        assertTrue(e.err().contains("--template: template \"{prompt} {answer}\" has an unknown placeholder {answer}"),
                e.err());
    }
}
