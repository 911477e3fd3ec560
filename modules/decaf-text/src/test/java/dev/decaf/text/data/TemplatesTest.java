package dev.decaf.text.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.template.PromptTemplate;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token and mask layout of templated prompt–completion lines and of chat conversations, with a
 * character tokenizer (one id per character) so every position is counted by hand from the text.
 */
class TemplatesTest {

    private static final int E = CharTokenizer.EOS;

    @TempDir
    Path dir;

    private static Path write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** SmolLM2's ChatML template, as the Hub ships it. */
    private static ChatTemplate smollm2() throws IOException, URISyntaxException {
        return ChatTemplate.fromTokenizerConfig(Path.of(TemplatesTest.class
                .getResource("/golden/templates/smollm2/tokenizer_config.json").toURI()));
    }

    private static LmDataset.Builder builder(Path file, CharTokenizer tok, int seqLen) {
        return LmDataset.builder().setDataFile(file).setTokenizer(tok).optTokenizerFingerprint("char-v1")
                .setSeqLen(seqLen).optShuffle(false).optPacking(false).optCacheDir(file.resolveSibling("cache"));
    }

    private static int[] chars(String s) {
        return s.chars().toArray();
    }

    /** The label weights of an example: the mask of each token but the first. */
    private static float[] labelWeights(String... untrainedThenTrained) {
        StringBuilder mask = new StringBuilder();
        for (int i = 0; i < untrainedThenTrained.length; i++) {
            mask.append(String.valueOf(i % 2).repeat(untrainedThenTrained[i].length()));
        }
        float[] w = new float[mask.length() - 1];
        for (int i = 1; i < mask.length(); i++) {
            w[i - 1] = mask.charAt(i) - '0';
        }
        return w;
    }

    @Test
    void aTemplateFramesThePromptAndTheCompletionFollowsTrained() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), "{\"prompt\": \"2+2?\", \"completion\": \"4\"}\n");
        LmDataset d = builder(f, new CharTokenizer(), 32)
                .optTemplate(PromptTemplate.parse("Q: {prompt}\nA:")).build();
        // "Q: 2+2?\nA:" (10 tokens, mask 0), "4" and end-of-text (mask 1): 12 tokens, 11 labels, the last 2 trained
        assertEquals(12, d.stats().tokens());
        Sample s = d.train().sample(0);
        int[] ids = new int[12];
        System.arraycopy(chars("Q: 2+2?\nA:4"), 0, ids, 0, 11);
        ids[11] = E;
        float[] w = new float[11];
        w[9] = 1; // label '4'
        w[10] = 1; // label end-of-text
        assertEquals(new Sample(ids, w), s);
    }

    @Test
    void theDefaultTemplateGivesTheSameStreamAndCacheEntryAsNoTemplate() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), "{\"prompt\": \"ab\", \"completion\": \"c\"}\n");
        LmDataset plain = builder(f, new CharTokenizer(), 8).build();
        CharTokenizer tok = new CharTokenizer();
        LmDataset dflt = builder(f, tok, 8).optTemplate(PromptTemplate.parse("{prompt}")).build();
        assertTrue(dflt.fromCache(), "the default template keeps the cache key of data made without one");
        assertEquals(0, tok.encodeCalls.get());
        assertEquals(new Sample(new int[] {'a', 'b', 'c', E}, new float[] {0, 1, 1}), dflt.train().sample(0));
        assertEquals(plain.train().sample(0), dflt.train().sample(0));
    }

    @Test
    void aChangedTemplateGivesANewCacheEntry() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), "{\"prompt\": \"ab\", \"completion\": \"c\"}\n");
        builder(f, new CharTokenizer(), 8).optTemplate(PromptTemplate.parse("[{prompt}]")).build();
        CharTokenizer again = new CharTokenizer();
        LmDataset same = builder(f, again, 8).optTemplate(PromptTemplate.parse("[{prompt}]")).build();
        assertTrue(same.fromCache());
        CharTokenizer other = new CharTokenizer();
        LmDataset changed = builder(f, other, 8).optTemplate(PromptTemplate.parse("<{prompt}>")).build();
        assertFalse(changed.fromCache(), "another template is another stream");
        assertEquals(new Sample(chars("<ab>c" + (char) E), new float[] {0, 0, 0, 1, 1}), changed.train().sample(0));
        assertEquals(new Sample(chars("[ab]c" + (char) E), new float[] {0, 0, 0, 1, 1}), same.train().sample(0));
    }

    @Test
    void aTwoTurnConversationTrainsOnTheAssistantTurnsOnly() throws IOException, URISyntaxException {
        Path f = write(dir.resolve("chat.jsonl"), "{\"messages\": [{\"role\": \"system\", \"content\": \"s\"},"
                + " {\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\"},"
                + " {\"role\": \"user\", \"content\": \"ok?\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n");
        // SmolLM2's template, read by hand: each message is <|im_start|>ROLE\nCONTENT<|im_end|>\n; an
        // assistant turn is trained from its content through its <|im_end|>\n (no end-of-text added)
        String u1 = "<|im_start|>system\ns<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n";
        String a1 = "yo<|im_end|>\n";
        String u2 = "<|im_start|>user\nok?<|im_end|>\n<|im_start|>assistant\n";
        String a2 = "ok<|im_end|>\n";
        int n = (u1 + a1 + u2 + a2).length();
        LmDataset d = builder(f, new CharTokenizer(), 256).optChatTemplate(smollm2()).build();
        assertEquals(DataFormat.MESSAGES, d.format());
        assertEquals(n, d.stats().tokens());
        Sample s = d.train().sample(0);
        assertEquals(new Sample(chars(u1 + a1 + u2 + a2), labelWeights(u1, a1, u2, a2)), s);
        float trained = 0;
        for (float w : s.lossMask()) {
            trained += w;
        }
        assertEquals(a1.length() + a2.length(), trained);

        DataScan.Result scan = DataScan.builder().setFile(f).setSeqLen(256).optTokenizer(new CharTokenizer())
                .optChatTemplate(smollm2()).build().scan();
        assertEquals(n, scan.tokens(), "the validator measures as the dataset tokenises");
        assertEquals(0, scan.issues().size(), scan.issues().toString());
    }

    @Test
    void trailingUserTurnsAreLeftOutAndTheCacheKeyHasTheChatTemplate() throws IOException, URISyntaxException {
        Path f = write(dir.resolve("chat.jsonl"), "{\"messages\": [{\"role\": \"system\", \"content\": \"s\"},"
                + " {\"role\": \"assistant\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"more\"}]}\n");
        String u = "<|im_start|>system\ns<|im_end|>\n<|im_start|>assistant\n";
        String a = "a<|im_end|>\n";
        LmDataset d = builder(f, new CharTokenizer(), 64).optChatTemplate(smollm2()).build();
        assertEquals(new Sample(chars(u + a), labelWeights(u, a)), d.train().sample(0));

        ChatTemplate other = ChatTemplate.builder().setTemplate(
                "{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}").build();
        CharTokenizer tok = new CharTokenizer();
        LmDataset d2 = builder(f, tok, 64).optChatTemplate(other).build();
        assertFalse(d2.fromCache(), "another chat template is another stream");
        // no generation prompt: the role header is not before the turn's start, so it is trained with it
        assertEquals(new Sample(chars("[system]s[assistant]a"), labelWeights("[system]s", "[assistant]a")),
                d2.train().sample(0));
    }

    @Test
    void anOverlongConversationKeepsItsPromptAndTheStartOfItsAnswer() throws IOException {
        Path f = write(dir.resolve("chat.jsonl"), "{\"messages\": [{\"role\": \"user\", \"content\": \"abcdef\"},"
                + " {\"role\": \"assistant\", \"content\": \"XYZ\"}]}\n");
        ChatTemplate t = ChatTemplate.builder().setTemplate("{% for m in messages %}{{ m.content }}|{% endfor %}"
                + "{% if add_generation_prompt %}>{% endif %}").build();
        // messages[0..1) with the generation prompt render "abcdef|>", all of them without it "abcdef|XYZ|":
        // the first is not the start of the second, so no mask can be derived and the line is refused
        DataException refused = assertThrows(DataException.class, () -> builder(f, new CharTokenizer(), 8)
                .optChatTemplate(t).build());
        assertTrue(refused.getMessage().startsWith(f + ":1: the chat template is not prefix-stable"), refused.getMessage());

        ChatTemplate stable = ChatTemplate.builder().setTemplate("{% for m in messages %}{% if m.role == 'user' %}"
                + "{{ m.content }}>{% else %}{{ m.content }}|{% endif %}{% endfor %}").build();
        // "abcdef>" (7, the prompt) then "XYZ|" (4, trained): 11 tokens
        LmDataset cut = builder(f, new CharTokenizer(), 8).optChatTemplate(stable).build(); // row of 9
        assertEquals(new Sample(chars("abcdef>XY"), labelWeights("abcdef>", "XY")), cut.train().sample(0));
        assertEquals(1, cut.stats().truncatedExamples());
        LmDataset tail = builder(f, new CharTokenizer(), 5).optChatTemplate(stable).build(); // row of 6 ≤ prompt
        // r = min(4, 6/2) = 3 answer tokens, the last 3 prompt tokens
        assertEquals(new Sample(chars("ef>XYZ"), labelWeights("ef>", "XYZ")), tail.train().sample(0));
        DataException error = assertThrows(DataException.class, () -> builder(f, new CharTokenizer(), 8)
                .optChatTemplate(stable).optOverlong(Overlong.ERROR).build());
        assertEquals(f + ":1: conversation is 11 tokens (7 before the first assistant turn), more than seq_len + 1"
                + " = 9 (overlong is error)", error.getMessage());
    }

    @Test
    void chatLineProblemsNameTheLine() throws IOException, URISyntaxException {
        Path f = write(dir.resolve("chat.jsonl"), "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        DataException e = assertThrows(DataException.class, () -> builder(f, new CharTokenizer(), 64)
                .optChatTemplate(smollm2()).build());
        assertEquals(f + ":1: no assistant message: nothing to train on", e.getMessage());
        DataException none = assertThrows(DataException.class, () -> builder(f, new CharTokenizer(), 64).build());
        assertTrue(none.getMessage().contains("needs the model's chat template"), none.getMessage());
        assertEquals(DataFormat.MESSAGES, DataFormat.AUTO.resolve(f, false));
    }
}
