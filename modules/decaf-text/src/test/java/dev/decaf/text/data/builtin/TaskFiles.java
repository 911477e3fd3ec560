package dev.decaf.text.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.text.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** Test helpers shared by the built-in tasks' tests: reading and checking their files. */
final class TaskFiles {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TaskFiles() {}

    /** Reads [prompt, completion] pairs, checking that each line has exactly the two string fields. */
    static List<String[]> examples(Path file) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n = MAPPER.readTree(line);
            assertTrue(n.isObject(), line);
            List<String> fields = new ArrayList<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                fields.add(it.next());
            }
            assertEquals(List.of("prompt", "completion"), fields, line);
            assertTrue(n.get("prompt").isTextual() && n.get("completion").isTextual(), line);
            out.add(new String[] {n.get("prompt").textValue(), n.get("completion").textValue()});
        }
        return out;
    }

    /**
     * Checks a task's two splits: no prompt twice, no validation prompt in train, every example
     * right by {@code check} (prompt, completion), and the validation file read by {@link
     * TaskMetric} with the same references.
     *
     * @return the validation file's metric
     */
    static TaskMetric assertValidDisjointAndAnswerable(List<String[]> train, Path validationFile,
            BiConsumer<String, String> check) throws IOException {
        List<String[]> validation = examples(validationFile);
        Set<String> trainPrompts = new HashSet<>();
        for (String[] e : train) {
            assertTrue(trainPrompts.add(e[0]), "duplicate training prompt");
            check.accept(e[0], e[1]);
        }
        Set<String> validationPrompts = new HashSet<>();
        for (String[] e : validation) {
            assertTrue(validationPrompts.add(e[0]), "duplicate validation prompt");
            assertFalse(trainPrompts.contains(e[0]), "validation prompt in train: " + e[0]);
            check.accept(e[0], e[1]);
        }
        TaskMetric metric = TaskMetric.load(validationFile);
        assertEquals(validation.size(), metric.size());
        for (String[] e : validation) {
            assertEquals(e[1], metric.reference(e[0]).orElseThrow());
        }
        assertEquals(1.0, metric.score(metric.references()));
        return metric;
    }

    /** The first lines of a corpus, each with its {@code '\n'}, up to just past {@code bytes}: BPE training text. */
    static List<String> corpusSample(Path corpus, long bytes) throws IOException {
        List<String> sample = new ArrayList<>();
        long read = 0;
        for (String line : Files.readAllLines(corpus, StandardCharsets.US_ASCII)) {
            sample.add(line + "\n");
            read += line.length() + 1;
            if (read > bytes) {
                break;
            }
        }
        return sample;
    }

    /**
     * Prints and returns the length of the longest example in tokens, encoded as {@code LmDataset}
     * does: prompt and completion separately, then end-of-text.
     *
     * @param what names the task and tokenizer in the printed line
     */
    static int longestInTokens(BpeTokenizer tok, List<String[]> examples, String what) {
        int max = 0;
        long sum = 0;
        for (String[] e : examples) {
            int n = tok.encode(e[0]).length + tok.encode(e[1]).length + 1;
            max = Math.max(max, n);
            sum += n;
        }
        System.out.printf("%s: prompt + completion + end-of-text = %.1f tokens on average, %d at most%n", what,
                (double) sum / examples.size(), max);
        return max;
    }

    /** The SHA-256 of a file, in lower-case hex. */
    static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
