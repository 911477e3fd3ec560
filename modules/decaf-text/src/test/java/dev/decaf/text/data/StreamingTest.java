package dev.decaf.text.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of several MB: larger than the reader's and writer's buffers, and mapped in small segments
 * so that blocks, masks and offsets straddle mapping borders.
 */
class StreamingTest {

    /** 4 KiB mappings: a block of 101 int32 tokens (404 bytes) regularly crosses a border. */
    private static final int SEGMENT = 4096;

    @TempDir
    Path dir;

    @Test
    void severalMegabytesOfPlainTextPackExactly() throws IOException {
        Path f = dir.resolve("big.txt");
        Random rnd = new Random(5);
        StringBuilder expected = new StringBuilder();
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            while (expected.length() < 3_000_000) {
                StringBuilder line = new StringBuilder();
                int n = rnd.nextInt(200);
                for (int i = 0; i < n; i++) {
                    line.append((char) (' ' + rnd.nextInt(95)));
                }
                line.append('\n');
                w.write(line.toString());
                expected.append(line);
            }
            // one very long line, longer than the reader's 64 KiB buffer
            String longLine = "x".repeat(200_000);
            w.write(longLine);
            expected.append(longLine);
        }
        int seqLen = 100;
        CharTokenizer tok = new CharTokenizer();
        LmDataset d = LmDataset.builder().setDataFile(f).setTokenizer(tok).optTokenizerFingerprint("fp")
                .setSeqLen(seqLen).segmentBytes(SEGMENT).optShuffle(false).build();
        long tokens = expected.length() + 1L;
        long blocks = tokens / (seqLen + 1);
        assertEquals(new DataStats(1, tokens, blocks, 0, blocks * (seqLen + 1), 0, tokens - blocks * (seqLen + 1), 0),
                d.stats());
        checkAll(d, expected, seqLen);

        CharTokenizer again = new CharTokenizer();
        LmDataset cached = LmDataset.builder().setDataFile(f).setTokenizer(again).optTokenizerFingerprint("fp")
                .setSeqLen(seqLen).segmentBytes(SEGMENT).optShuffle(false).build();
        assertEquals(0, again.encodeCalls.get());
        assertTrue(cached.fromCache());
        checkAll(cached, expected, seqLen);
    }

    private static void checkAll(LmDataset d, CharSequence expected, int seqLen) {
        int[] want = new int[seqLen + 1];
        for (int b = 0; b < d.train().size(); b++) {
            for (int j = 0; j <= seqLen; j++) {
                long k = (long) b * (seqLen + 1) + j;
                want[j] = k < expected.length() ? expected.charAt((int) k) : CharTokenizer.EOS;
            }
            assertArrayEquals(want, d.train().sample(b).tokens(), "block " + b);
        }
    }

    @Test
    void manyPromptCompletionLinesKeepTheirMasksAcrossMappings() throws IOException {
        Path f = dir.resolve("sft.jsonl");
        int lines = 60_000;
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                // prompt "p" + 3 digits, completion "c" + 2 digits: 4 + 3 + 1 = 8 tokens, mask 00001111
                w.write(String.format("{\"prompt\": \"p%03d\", \"completion\": \"c%02d\"}%n", i % 1000, i % 100));
            }
        }
        int seqLen = 14; // two examples of 7 positions to a row
        LmDataset d = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(seqLen).segmentBytes(SEGMENT).optShuffle(false).build();
        assertEquals(lines * 8L, d.stats().tokens());
        assertEquals(lines / 2, d.train().size());
        for (int b = 0; b < d.train().size(); b++) {
            Sample s = d.train().sample(b);
            assertArrayEquals(new int[] {0, 8}, s.starts(), "row " + b);
            for (int k = 0; k < 16; k++) {
                int i = 2 * b + k / 8;
                int within = k % 8;
                String example = String.format("p%03dc%02d", i % 1000, i % 100);
                int token = within < 7 ? example.charAt(within) : CharTokenizer.EOS;
                assertEquals(token, s.tokens()[k], "row " + b + " token " + k);
                if (within > 0) {
                    assertEquals(within >= 4 ? 1f : 0f, s.lossMask()[k - k / 8 - 1], "row " + b + " label " + k);
                }
            }
        }
    }

    @Test
    void manyPreTokenizedLinesKeepTheirOffsetsAcrossMappings() throws IOException {
        Path f = dir.resolve("ids.jsonl");
        int lines = 20_000;
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                int len = 2 + i % 5;
                StringBuilder s = new StringBuilder("{\"input_ids\": [");
                for (int j = 0; j < len; j++) {
                    s.append(j == 0 ? "" : ",").append((i + j) % 128);
                }
                w.write(s.append("]}\n").toString());
            }
        }
        LmDataset d = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(6).segmentBytes(SEGMENT).optShuffle(false).build();
        assertEquals(lines, d.train().size());
        for (int i = 0; i < lines; i++) {
            int[] tokens = d.train().sample(i).tokens();
            assertEquals(2 + i % 5, tokens.length, "sample " + i);
            for (int j = 0; j < tokens.length; j++) {
                assertEquals((i + j) % 128, tokens[j]);
            }
        }
    }
}
