package dev.decaf.text.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which ids land in which block, and what the masks are, computed by hand. */
class PackingTest {

    private static final int E = CharTokenizer.EOS;

    @TempDir
    Path dir;

    static LmDataset.Builder builder(Path file, CharTokenizer tok, int seqLen) {
        return LmDataset.builder().setDataFile(file).setTokenizer(tok).optTokenizerFingerprint("char-v1")
                .setSeqLen(seqLen).optShuffle(false);
    }

    static Path write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void plainTextIsOneDocumentOfLinesWithNewlines() throws IOException {
        Path f = write(dir.resolve("book.txt"), "ab\ncd\ne");
        LmDataset d = builder(f, new CharTokenizer(), 2).build();
        // stream: a b \n c d \n e EOS (8 tokens) → blocks of 3: [a b \n] [c d \n], tail [e EOS] dropped
        assertEquals(DataFormat.TEXT, d.format());
        assertEquals(new DataStats(1, 8, 2, 0, 6, 0, 2, 0), d.stats());
        assertEquals(new Sample(new int[] {'a', 'b', '\n'}, new float[] {1, 1}), d.train().sample(0));
        assertEquals(new Sample(new int[] {'c', 'd', '\n'}, new float[] {1, 1}), d.train().sample(1));
        Batch b = d.train().batches(0, 2).next();
        assertArrayEquals(new int[][] {{'a', 'b'}, {'c', 'd'}}, b.inputs());
        assertArrayEquals(new int[][] {{'b', '\n'}, {'d', '\n'}}, b.labels());
        assertArrayEquals(new float[][] {{1, 1}, {1, 1}}, b.lossMask());
        assertArrayEquals(new int[] {2, 2}, b.lengths());
    }

    @Test
    void crlfBecomesNewlineAndByteOrderMarkIsDropped() throws IOException {
        Path f = dir.resolve("win.txt");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "x\r\ny\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        Files.write(f, all);
        LmDataset d = builder(f, new CharTokenizer(), 4).build();
        assertEquals(new Sample(new int[] {'x', '\n', 'y', '\n', E}, new float[] {1, 1, 1, 1}), d.train().sample(0));
    }

    @Test
    void textLinesAreDocumentsJoinedByEndOfText() throws IOException {
        Path f = write(dir.resolve("docs.jsonl"), "{\"text\": \"hi\"}\n\n{\"text\": \"yo!\"}\n   \n");
        LmDataset d = builder(f, new CharTokenizer(), 2).build();
        // h i E y o ! E → [h i E] [y o !], tail [E]
        assertEquals(DataFormat.TEXT, d.format());
        assertEquals(new DataStats(2, 7, 2, 0, 6, 0, 1, 0), d.stats());
        assertArrayEquals(new int[] {'h', 'i', E}, d.train().sample(0).tokens());
        assertArrayEquals(new int[] {'y', 'o', '!'}, d.train().sample(1).tokens());
    }

    @Test
    void promptCompletionMasksPromptLabels() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"),
                "{\"prompt\": \"ab\", \"completion\": \"c\"}\n{\"prompt\": \"d\", \"completion\": \"ef\"}\n");
        LmDataset d = builder(f, new CharTokenizer(), 3).build();
        // stream a b c E d e f E, mask 0 0 1 1 0 1 1 1; blocks of 4; a label's mask is its token's
        assertEquals(DataFormat.PROMPT_COMPLETION, d.format());
        assertEquals(new DataStats(2, 8, 2, 0, 8, 0, 0, 0), d.stats());
        Batch b = d.train().batches(0, 2).next();
        assertArrayEquals(new int[][] {{'a', 'b', 'c'}, {'d', 'e', 'f'}}, b.inputs());
        assertArrayEquals(new int[][] {{'b', 'c', E}, {'e', 'f', E}}, b.labels());
        assertArrayEquals(new float[][] {{0, 1, 1}, {1, 1, 1}}, b.lossMask());
        assertEquals(5.0, b.maskedTokens());
    }

    @Test
    void promptCompletionExamplesArePackedWholeAndIsolated() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"),
                "{\"prompt\": \"p\", \"completion\": \"q\"}\n{\"prompt\": \"rs\", \"completion\": \"\"}\n"
                        + "{\"prompt\": \"\", \"completion\": \"t\"}\n");
        LmDataset d = builder(f, new CharTokenizer(), 3).build();
        // examples p q E (2 positions), r s E (2), t E (1); rows of 3 positions take [pqE] then [rsE tE]
        assertEquals(new DataStats(3, 8, 2, 0, 8, 0, 0, 0, 3, 0, 0, 0), d.stats());
        assertEquals(new Sample(new int[] {'p', 'q', E}, new float[] {1, 1}), d.train().sample(0));
        assertEquals(new Sample(new int[] {'r', 's', E, 't', E}, new float[] {0, 1, 1}, new int[] {0, 3}),
                d.train().sample(1));
        int p = CharTokenizer.PAD;
        Batch b = d.train().batches(0, 2).next();
        assertArrayEquals(new int[][] {{'p', 'q', p}, {'r', 's', 't'}}, b.inputs());
        assertArrayEquals(new int[][] {{'q', E, p}, {'s', E, E}}, b.labels(), "no label crosses an example's end");
        assertArrayEquals(new float[][] {{1, 1, 0}, {0, 1, 1}}, b.lossMask());
        assertArrayEquals(new int[] {2, 3}, b.lengths());
        assertArrayEquals(new int[][] {{1, 1, 0}, {1, 1, 2}}, b.segments());
        assertTrue(b.needsAttentionMask());

        LmDataset single = builder(f, new CharTokenizer(), 3).optPacking(false).build();
        assertEquals(new DataStats(3, 8, 3, 0, 8, 0, 0, 0), single.stats());
        Batch s = single.train().batches(0, 3).next();
        assertArrayEquals(new int[][] {{'p', 'q', p}, {'r', 's', p}, {'t', p, p}}, s.inputs());
        assertArrayEquals(new int[][] {{'q', E, p}, {'s', E, p}, {E, p, p}}, s.labels());
        assertArrayEquals(new float[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 0}}, s.lossMask());
        assertArrayEquals(new int[][] {{1, 1, 0}, {1, 1, 0}, {1, 0, 0}}, s.segments());
    }

    @Test
    void textBlocksNeedNoAttentionMask() throws IOException {
        Path f = write(dir.resolve("book.txt"), "abcdefg");
        Batch b = builder(f, new CharTokenizer(), 3).build().train().batches(0, 2).next();
        assertArrayEquals(new int[][] {{1, 1, 1}, {1, 1, 1}}, b.segments());
        assertFalse(b.needsAttentionMask(), "full single-segment rows attend causally, as before");
    }

    @Test
    void preTokenizedLinesAreSamplesAsGiven() throws IOException {
        Path f = write(dir.resolve("ids.jsonl"), "{\"input_ids\": [1, 2, 3]}\n{\"input_ids\": [4, 5, 6, 7, 8]}\n"
                + "{\"input_ids\": [9, 10]}\n");
        LmDataset d = builder(f, new CharTokenizer(), 4).build();
        assertEquals(DataFormat.TOKENS, d.format());
        assertEquals(new DataStats(3, 10, 3, 0, 10, 0, 0, 0), d.stats());
        assertEquals(new Sample(new int[] {4, 5, 6, 7, 8}, new float[] {1, 1, 1, 1}), d.train().sample(1));
        int p = CharTokenizer.PAD;
        Batch b = d.train().batches(0, 3).next();
        assertArrayEquals(new int[][] {{1, 2, p, p}, {4, 5, 6, 7}, {9, p, p, p}}, b.inputs());
        assertArrayEquals(new int[][] {{2, 3, p, p}, {5, 6, 7, 8}, {10, p, p, p}}, b.labels());
        assertArrayEquals(new float[][] {{1, 1, 0, 0}, {1, 1, 1, 1}, {1, 0, 0, 0}}, b.lossMask());
        assertArrayEquals(new int[] {2, 4, 1}, b.lengths());
    }

    @Test
    void explicitFormatOverridesDetection() throws IOException {
        Path f = write(dir.resolve("data.log"), "{\"prompt\": \"a\", \"completion\": \"b\"}\n");
        LmDataset d = builder(f, new CharTokenizer(), 2).optFormat(DataFormat.PROMPT_COMPLETION).build();
        assertEquals(new Sample(new int[] {'a', 'b', E}, new float[] {1, 1}), d.train().sample(0));
        Path t = write(dir.resolve("notes.md"), "{\"text\": \"z\"}");
        // TEXT on a file that is not .jsonl/.json is plain text: the JSON is just characters
        LmDataset plain = builder(t, new CharTokenizer(), 3).optFormat(DataFormat.TEXT).build();
        assertArrayEquals(new int[] {'{', '"', 't', 'e'}, plain.train().sample(0).tokens());
    }

    @Test
    void randomExamplesArePackedGreedilyWholeAndInOrder() throws IOException {
        Random rnd = new Random(7);
        List<int[]> examples = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        StringBuilder jsonl = new StringBuilder();
        for (int doc = 0; doc < 200; doc++) {
            String prompt = randomText(rnd, rnd.nextInt(6));
            String completion = randomText(rnd, 1 + rnd.nextInt(6));
            jsonl.append("{\"prompt\": \"").append(prompt).append("\", \"completion\": \"").append(completion)
                    .append("\"}\n");
            int[] tokens = CharTokenizer.doc(prompt + completion);
            float[] m = new float[tokens.length - 1];
            for (int j = 0; j < m.length; j++) {
                m[j] = j + 1 >= prompt.length() ? 1 : 0; // label j is token j + 1
            }
            examples.add(tokens);
            masks.add(m);
        }
        int seqLen = 12;
        Path f = write(dir.resolve("gen.jsonl"), jsonl.toString());
        LmDataset d = builder(f, new CharTokenizer(), seqLen).build();
        int next = 0; // the next example a row must start with: none split, lost or reordered
        int previousRowPositions = -1;
        for (int r = 0; r < d.train().size(); r++) {
            Sample s = d.train().sample(r);
            assertTrue(s.length() <= seqLen, "row " + r + " has " + s.length() + " positions");
            if (previousRowPositions >= 0) {
                assertTrue(previousRowPositions + examples.get(next).length - 1 > seqLen,
                        "greedy: row " + r + "'s first example did not fit in the row before");
            }
            int t = 0;
            int m = 0;
            for (int e = 0; e < s.examples(); e++, next++) {
                int[] want = examples.get(next);
                assertEquals(t, s.starts()[e]);
                assertArrayEquals(want, Arrays.copyOfRange(s.tokens(), t, t + want.length), "example " + next);
                assertArrayEquals(masks.get(next), Arrays.copyOfRange(s.lossMask(), m, m + want.length - 1),
                        "mask of example " + next);
                t += want.length;
                m += want.length - 1;
            }
            assertEquals(s.tokens().length, t);
            previousRowPositions = s.length();
        }
        assertEquals(200, next, "every example in some row");
        assertEquals(200, d.stats().trainExamples());
        long tokens = examples.stream().mapToLong(x -> x.length).sum();
        assertEquals(tokens, d.stats().tokens());
        assertEquals(tokens, d.stats().trainTokens());
        assertEquals(0, d.stats().droppedTokens());
    }

    static String randomText(Random rnd, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + rnd.nextInt(26)));
        }
        return s.toString();
    }
}
