package dev.decaf.text.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.text.tokenizer.BpeTokenizer;
import dev.decaf.text.tokenizer.BpeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CategoryTaskTest {

    private static final long SEED = BuiltinData.DEFAULT_SEED;

    /** Pins the default seed's files (the quickstart's training data and held-out prompts). */
    static final String GOLDEN_TRAIN_SHA256 = "052bfa5be9c45bae8e8ddabb203705862d04804ea36485adbcfabb33b515a79d";

    static final String GOLDEN_VALIDATION_SHA256 = "153a81f7c318fcd97f4b327f5f8ef7a2e826606a935dc1fc6efc9a5f17ec6a24";

    @TempDir
    static Path shared;

    private static List<Path> files;
    private static List<String[]> train;
    private static List<String[]> validation;

    @BeforeAll
    static void generate() throws IOException {
        files = BuiltinData.write("category", shared.resolve("category"), SEED);
        train = TaskFiles.examples(files.get(0));
        validation = TaskFiles.examples(files.get(1));
    }

    @Test
    void filesSizesAndPin() throws IOException {
        assertEquals(List.of(shared.resolve("category/train.jsonl"), shared.resolve("category/validation.jsonl")), files);
        assertEquals(CategoryTask.TRAIN_EXAMPLES, train.size());
        assertEquals(CategoryTask.VALIDATION_EXAMPLES, validation.size());
        assertTrue(train.size() >= 2000 && train.size() <= 20_000);
        assertTrue(validation.size() >= 200 && validation.size() <= 500);
        System.out.printf("category: train.jsonl %,d lines (%,d bytes), validation.jsonl %,d lines (%,d bytes)%n",
                train.size(), Files.size(files.get(0)), validation.size(), Files.size(files.get(1)));
        System.out.println("category train.jsonl sha256 " + TaskFiles.sha256(files.get(0)));
        System.out.println("category validation.jsonl sha256 " + TaskFiles.sha256(files.get(1)));
        assertEquals(GOLDEN_TRAIN_SHA256, TaskFiles.sha256(files.get(0)));
        assertEquals(GOLDEN_VALIDATION_SHA256, TaskFiles.sha256(files.get(1)));
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes(@TempDir Path dir) throws IOException {
        List<Path> again = BuiltinData.write("category", dir.resolve("a"), SEED);
        List<Path> other = BuiltinData.write("category", dir.resolve("b"), SEED + 1);
        for (int i = 0; i < 2; i++) {
            assertEquals(-1, Files.mismatch(files.get(i), again.get(i)), again.get(i).toString());
            assertNotEquals(-1, Files.mismatch(files.get(i), other.get(i)), other.get(i).toString());
        }
    }

    @Test
    void linesAreValidDisjointAndAnswerable() throws IOException {
        TaskMetric metric = TaskFiles.assertValidDisjointAndAnswerable(train, files.get(1), CategoryTaskTest::check);
        // naming the first word is right about a quarter of the time
        double first = metric.evaluate(p -> " " + p.substring(3, p.indexOf(','))).accuracy();
        assertTrue(first > 0.15 && first < 0.35, "first-word baseline " + first);
    }

    @Test
    void questionsAndAnswersAreSpread() {
        Map<String, Integer> asked = new TreeMap<>();
        int[] position = new int[CategoryTask.OPTIONS];
        for (String[] e : train) {
            String q = e[0].substring(e[0].indexOf(" which one is ") + " which one is ".length());
            asked.merge(q.substring(q.indexOf(' ') + 1, q.indexOf('?')), 1, Integer::sum);
            List<String> words = List.of(e[0].substring(3, e[0].indexOf('.')).split(", "));
            position[words.indexOf(e[1].substring(1))]++;
        }
        assertEquals(new TreeSet<>(CategoryTask.categories()), asked.keySet());
        double perCategory = train.size() / 7.0;
        for (int n : asked.values()) {
            assertTrue(Math.abs(n - perCategory) < 0.15 * perCategory, asked.toString());
        }
        for (int n : position) {
            assertTrue(Math.abs(n - train.size() / 4.0) < 0.1 * train.size() / 4.0, Arrays.toString(position));
        }
    }

    @Test
    void categoriesAreDisjointLowerCaseWords() {
        Set<String> seen = new HashSet<>();
        for (Lexicon.Category c : Lexicon.CATEGORIES) {
            for (String w : c.words()) {
                assertTrue(seen.add(w), w + " is in two categories");
                assertTrue(w.matches("[a-z]+"), w);
            }
        }
        assertEquals(List.of("animal", "color", "place", "name", "number", "day", "month"), CategoryTask.categories());
        assertEquals("an animal", Lexicon.CATEGORIES.get(0).withArticle());
        assertEquals("a color", Lexicon.CATEGORIES.get(1).withArticle());
        // spot checks against plain English
        Map<String, String> kindOf = Map.of("dog", "animal", "red", "color", "park", "place", "tom", "name",
                "seven", "number", "monday", "day", "june", "month", "cup", "thing");
        for (Map.Entry<String, String> e : kindOf.entrySet()) {
            assertTrue(Lexicon.CATEGORIES.stream().anyMatch(c -> c.name().equals(e.getValue())
                    && c.words().contains(e.getKey())), e.toString());
        }
    }

    /**
     * Prompt + completion + end-of-text lengths, encoded as {@code LmDataset} does: with a 512-token
     * byte-level BPE trained here on a sample of the pretraining corpus, and with the quickstart
     * model's own tokenizer ({@code models/quickstart-base/tokenizer.json}, 1024 tokens) when the
     * repository has it.
     */
    @Test
    void examplesAreShortInBpeTokens() throws IOException {
        Path corpus = BuiltinData.write("pretrain", shared.resolve("pretrain"), SEED).get(0);
        List<String> sample = TaskFiles.corpusSample(corpus, 600_000);
        List<String[]> all = new ArrayList<>(train);
        all.addAll(validation);
        int max512 = TaskFiles.longestInTokens(BpeTrainer.builder().optVocabSize(512).build().trainOnTexts(sample)
                .tokenizer(), all, "category with a 512-token BPE");
        assertTrue(max512 <= 64, "longest example " + max512 + " tokens with a 512-token BPE");
        Path shipped = Path.of("../../models/quickstart-base/tokenizer.json");
        if (Files.isRegularFile(shipped)) {
            int max = TaskFiles.longestInTokens(BpeTokenizer.load(shipped), all,
                    "category with the quickstart-base tokenizer (1024 tokens)");
            assertTrue(max <= 28, "longest example " + max + " tokens with the quickstart tokenizer");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Checks one example against an independent reading of its prompt. */
    private static void check(String prompt, String completion) {
        assertTrue(prompt.startsWith("Q: ") && prompt.endsWith("?\nA:"), prompt);
        int dot = prompt.indexOf(". which one is ");
        assertTrue(dot > 0, prompt);
        String[] words = prompt.substring(3, dot).split(", ");
        assertEquals(CategoryTask.OPTIONS, words.length, prompt);
        String asked = prompt.substring(dot + ". which one is ".length(), prompt.length() - "?\nA:".length());
        Set<String> kinds = new HashSet<>();
        String answer = null;
        for (String w : words) {
            Lexicon.Category c = Lexicon.CATEGORIES.stream().filter(x -> x.words().contains(w)).findFirst()
                    .orElseThrow(() -> new AssertionError("not a lexicon word: " + w));
            assertTrue(kinds.add(c.name()), "two words of one kind: " + prompt);
            if (c.withArticle().equals(asked)) {
                answer = " " + w;
            }
        }
        assertNotNull(answer, prompt);
        assertEquals(answer, completion, prompt);
    }
}
