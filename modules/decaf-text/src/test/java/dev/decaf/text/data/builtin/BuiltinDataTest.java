package dev.decaf.text.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.text.data.builtin.Lexicon.Verb;
import dev.decaf.text.tokenizer.BpeTokenizer;
import dev.decaf.text.tokenizer.BpeTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinDataTest {

    private static final long SEED = BuiltinData.DEFAULT_SEED;

    @TempDir
    static Path shared;

    private static List<Path> corpus;
    private static List<Path> task;

    @BeforeAll
    static void generate() throws IOException {
        corpus = BuiltinData.write("pretrain", shared.resolve("pretrain"), SEED);
        task = BuiltinData.write("task", shared.resolve("recall"), SEED);
    }

    @Test
    void namesAndFiles() {
        assertEquals(List.of("pretrain", "recall", "category"), BuiltinData.names());
        assertEquals(List.of(shared.resolve("pretrain/train.txt"), shared.resolve("pretrain/validation.txt")), corpus);
        assertEquals(List.of(shared.resolve("recall/train.jsonl"), shared.resolve("recall/validation.jsonl")), task);
        assertFalse(BuiltinData.isTask("pretrain"));
        assertTrue(BuiltinData.isTask("recall"));
        assertTrue(BuiltinData.isTask("category"));
        assertTrue(BuiltinData.isTask("TASK"));
        assertNotNull(BuiltinData.describe("task"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuiltinData.write("wikipedia", shared.resolve("x"), 1));
        assertTrue(e.getMessage().contains("pretrain"), e.getMessage());
        assertFalse(Files.exists(shared.resolve("x")));
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes(@TempDir Path dir) throws IOException {
        List<Path> again = BuiltinData.write("pretrain", dir.resolve("a"), SEED);
        List<Path> alias = BuiltinData.write("recall", dir.resolve("b"), SEED);
        for (int i = 0; i < 2; i++) {
            assertEquals(-1, Files.mismatch(corpus.get(i), again.get(i)), again.get(i).toString());
            assertEquals(-1, Files.mismatch(task.get(i), alias.get(i)), alias.get(i).toString());
        }
        List<Path> other = BuiltinData.write("pretrain", dir.resolve("c"), SEED + 1);
        List<Path> otherTask = BuiltinData.write("task", dir.resolve("d"), SEED + 1);
        for (int i = 0; i < 2; i++) {
            assertNotEquals(-1, Files.mismatch(corpus.get(i), other.get(i)));
            assertNotEquals(-1, Files.mismatch(task.get(i), otherTask.get(i)));
        }
        // no temporary files are left behind, and rewriting in place gives the same bytes
        BuiltinData.write("task", dir.resolve("d"), SEED);
        assertEquals(-1, Files.mismatch(task.get(0), dir.resolve("d/train.jsonl")));
        try (var files = Files.list(dir.resolve("d"))) {
            assertEquals(2, files.count());
        }
    }

    /**
     * Pins the bytes of the default seed. When this fails on purpose, raise {@link
     * BuiltinData#VERSION}: models pretrained on the old corpus no longer match it.
     */
    @Test
    void defaultSeedIsPinned() throws IOException {
        assertEquals(1, BuiltinData.VERSION);
        System.out.println("pretrain train.txt sha256 " + TaskFiles.sha256(corpus.get(0)));
        System.out.println("recall validation.jsonl sha256 " + TaskFiles.sha256(task.get(1)));
        assertEquals(GOLDEN_PRETRAIN_SHA256, TaskFiles.sha256(corpus.get(0)));
        assertEquals(GOLDEN_RECALL_VALIDATION_SHA256, TaskFiles.sha256(task.get(1)));
    }

    static final String GOLDEN_PRETRAIN_SHA256 = "c3c52b16660b0882ca9dadc1e8cdf8a1c200f20a312181f7360a643611191b18";
    static final String GOLDEN_RECALL_VALIDATION_SHA256 = "9d0f1f4effcb08dd6030b7bfee646ecd3e32e43ef92387c65ff375fe53e3b7e5";

    @Test
    void sizes() throws IOException {
        long train = Files.size(corpus.get(0));
        long validation = Files.size(corpus.get(1));
        System.out.printf("pretrain: train.txt %,d bytes, validation.txt %,d bytes%n", train, validation);
        assertTrue(train + validation >= 2_000_000 && train + validation <= 5_000_000);
        assertTrue(train >= BuiltinData.PRETRAIN_TRAIN_BYTES && train < BuiltinData.PRETRAIN_TRAIN_BYTES + 1000);
        assertTrue(validation >= BuiltinData.PRETRAIN_VALIDATION_BYTES
                && validation < BuiltinData.PRETRAIN_VALIDATION_BYTES + 1000);

        List<String> trainLines = Files.readAllLines(task.get(0), StandardCharsets.UTF_8);
        List<String> validationLines = Files.readAllLines(task.get(1), StandardCharsets.UTF_8);
        System.out.printf("recall: train.jsonl %,d lines (%,d bytes), validation.jsonl %,d lines (%,d bytes)%n",
                trainLines.size(), Files.size(task.get(0)), validationLines.size(), Files.size(task.get(1)));
        assertEquals(RecallTask.TRAIN_EXAMPLES, trainLines.size());
        assertEquals(RecallTask.VALIDATION_EXAMPLES, validationLines.size());
        assertTrue(trainLines.size() >= 2000 && trainLines.size() <= 20_000);
        assertTrue(validationLines.size() >= 200 && validationLines.size() <= 500);
    }

    @Test
    void corpusIsPlainLowerCaseAsciiWithoutTheTaskFormat() throws IOException {
        for (Path p : corpus) {
            byte[] bytes = Files.readAllBytes(p);
            assertEquals('\n', bytes[bytes.length - 1]);
            for (int i = 0; i < bytes.length; i++) {
                byte b = bytes[i];
                boolean printable = b == '\n' || (b >= ' ' && b <= '~');
                if (!printable || (b >= 'A' && b <= 'Z') || b == ':' || b == '?') {
                    throw new AssertionError(p + " holds byte " + b + " at " + i);
                }
            }
        }
        String text = Files.readString(corpus.get(0), StandardCharsets.US_ASCII);
        // every kind of paragraph is there, the recall stories included
        for (String s : List.of(" belongs to ", "the thing ", " then ", " plus ", " is spelled ", "monday",
                " backwards is ", " does not ", "what ")) {
            assertTrue(text.contains(s), s);
        }
        int lines = 0;
        int longest = 0;
        for (String line : text.split("\n")) {
            lines++;
            longest = Math.max(longest, line.length());
            assertFalse(line.isBlank());
            assertTrue(line.endsWith("."), line);
        }
        System.out.printf("pretrain: %,d paragraphs, longest %d chars%n", lines, longest);
        assertTrue(longest < 400);
    }

    @Test
    void taskLinesAreValidDisjointAndAnswerable() throws IOException {
        TaskFiles.assertValidDisjointAndAnswerable(TaskFiles.examples(task.get(0)), task.get(1),
                BuiltinDataTest::check);
    }

    @Test
    void answersAreSpreadOverTheFacts() throws IOException {
        int[] position = new int[RecallTask.MAX_FACTS];
        int[] facts = new int[RecallTask.MAX_FACTS + 1];
        int withAdjective = 0;
        List<String[]> train = TaskFiles.examples(task.get(0));
        for (String[] e : train) {
            String[] f = facts(e[0]);
            facts[f.length]++;
            for (int i = 0; i < f.length; i++) {
                if (f[i].endsWith(" " + e[1].substring(" the ".length()))) {
                    position[i]++;
                }
            }
            if (e[1].split(" ").length == 4) {
                withAdjective++;
            }
        }
        for (int k = RecallTask.MIN_FACTS; k <= RecallTask.MAX_FACTS; k++) {
            assertTrue(facts[k] > train.size() / 5, "prompts with " + k + " facts: " + facts[k]);
        }
        assertTrue(position[0] > train.size() / 5 && position[1] > train.size() / 5);
        assertTrue(withAdjective > train.size() / 3 && withAdjective < 2 * train.size() / 3);
    }

    /**
     * Prompt + completion lengths with byte-level BPEs trained on a sample of the corpus, encoded
     * as {@code LmDataset} does (prompt and completion separately, then end-of-text).
     */
    @Test
    void examplesAreShortInBpeTokens() throws IOException {
        List<String> sample = TaskFiles.corpusSample(corpus.get(0), 600_000);
        List<String[]> all = TaskFiles.examples(task.get(0));
        all.addAll(TaskFiles.examples(task.get(1)));
        int[] max = new int[2];
        int[] vocab = {512, 1024};
        for (int v = 0; v < 2; v++) {
            BpeTokenizer tok = BpeTrainer.builder().optVocabSize(vocab[v]).build().trainOnTexts(sample).tokenizer();
            max[v] = TaskFiles.longestInTokens(tok, all, "recall with a " + vocab[v] + "-token BPE");
        }
        assertTrue(max[0] <= 64, "longest example " + max[0] + " tokens with a 512-token BPE");
        assertTrue(max[1] <= 42, "longest example " + max[1] + " tokens with a 1024-token BPE");
    }

    @Test
    void splitMixMatchesTheReference() {
        // first outputs of SplitMix64 seeded with 0 (Steele, Lea and Flood 2014; Vigna's splitmix64.c)
        SplitMix64 r = new SplitMix64(0);
        assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
        SplitMix64 s = new SplitMix64(7);
        for (int i = 0; i < 10_000; i++) {
            int x = s.nextInt(3);
            assertTrue(x >= 0 && x < 3);
            int[] d = s.distinct(5, 5);
            assertEquals(5, new HashSet<>(List.of(d[0], d[1], d[2], d[3], d[4])).size());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String[] facts(String prompt) {
        String[] parts = prompt.split("\n");
        String line = parts[0];
        assertTrue(line.endsWith("."), prompt);
        return line.substring(0, line.length() - 1).split("\\. ");
    }

    /** Checks one example against an independent reading of its prompt. */
    private static void check(String prompt, String completion) {
        String[] parts = prompt.split("\n", -1);
        assertEquals(3, parts.length, prompt);
        assertEquals("A:", parts[2]);
        assertTrue(parts[1].startsWith("Q: what does ") && parts[1].endsWith("?"), parts[1]);
        String[] q = parts[1].substring("Q: what does ".length(), parts[1].length() - 1).split(" ");
        assertEquals(2, q.length, parts[1]);
        String[] facts = facts(prompt);
        assertTrue(facts.length >= RecallTask.MIN_FACTS && facts.length <= RecallTask.MAX_FACTS, prompt);
        Set<String> names = new HashSet<>();
        Set<String> things = new HashSet<>();
        String answer = null;
        for (String fact : facts) {
            String[] w = fact.split(" ");
            assertTrue(w.length == 4 || w.length == 5, fact);
            assertTrue(names.add(w[0]), "two facts about " + w[0]);
            assertTrue(things.add(w[w.length - 1]), "two facts about " + w[w.length - 1]);
            assertEquals(Lexicon.article(w[3]), w[2], fact);
            if (w[0].equals(q[0])) {
                Verb v = Lexicon.HAVING.stream().filter(x -> x.third().equals(w[1])).findFirst().orElseThrow();
                assertEquals(v.base(), q[1], prompt);
                answer = " the " + String.join(" ", List.of(w).subList(3, w.length));
            }
        }
        assertEquals(answer, completion, prompt);
    }
}
