package dev.decaf.text.data;

import static dev.decaf.text.data.PackingTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches: padding, masks, partial last batch, and resuming from a sample position. */
class BatchesTest {

    private static final int P = CharTokenizer.PAD;

    @TempDir
    Path dir;

    private Path ragged(int n) throws IOException {
        Random rnd = new Random(3);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int len = 2 + rnd.nextInt(5);
            s.append("{\"input_ids\": [");
            for (int j = 0; j < len; j++) {
                s.append(j == 0 ? "" : ", ").append((i * 7 + j) % 128);
            }
            s.append("]}\n");
        }
        return write(dir.resolve("ragged.jsonl"), s.toString());
    }

    private LmDataset.Builder builder(Path f, int seqLen) {
        return LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer()).optTokenizerFingerprint("fp")
                .setSeqLen(seqLen).optSeed(11);
    }

    private static List<Batch> all(BatchIterator it) {
        List<Batch> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** One row of a batch as (inputs, labels, mask, length), for comparing rows across batchings. */
    private record Row(List<Integer> inputs, List<Integer> labels, List<Float> mask, int length) {}

    private static List<Row> rows(List<Batch> batches) {
        List<Row> out = new ArrayList<>();
        for (Batch b : batches) {
            for (int r = 0; r < b.size(); r++) {
                List<Integer> in = new ArrayList<>();
                List<Integer> lab = new ArrayList<>();
                List<Float> m = new ArrayList<>();
                for (int j = 0; j < b.width(); j++) {
                    in.add(b.inputs()[r][j]);
                    lab.add(b.labels()[r][j]);
                    m.add(b.lossMask()[r][j]);
                }
                out.add(new Row(in, lab, m, b.lengths()[r]));
            }
        }
        return out;
    }

    @Test
    void batchesFollowTheEpochOrderAndPadShortRows() throws IOException {
        LmDataset d = builder(ragged(10), 6).build();
        DataSplit train = d.train();
        int[] order = train.order(2);
        List<Batch> batches = all(train.batches(2, 4));
        assertEquals(3, batches.size());
        assertEquals(3, train.batchCount(4));
        assertEquals(List.of(4, 4, 2), batches.stream().map(Batch::size).toList());
        int row = 0;
        for (Batch b : batches) {
            assertEquals(6, b.width());
            for (int r = 0; r < b.size(); r++, row++) {
                Sample s = train.sample(order[row]);
                int n = s.length();
                assertEquals(n, b.lengths()[r]);
                for (int j = 0; j < 6; j++) {
                    assertEquals(j < n ? s.tokens()[j] : P, b.inputs()[r][j]);
                    assertEquals(j < n ? s.tokens()[j + 1] : P, b.labels()[r][j]);
                    assertEquals(j < n ? 1f : 0f, b.lossMask()[r][j]);
                }
            }
        }
    }

    @Test
    void padToLongestNarrowsTheBatch() throws IOException {
        Path f = write(dir.resolve("ids.jsonl"), "{\"input_ids\": [1, 2, 3]}\n{\"input_ids\": [4, 5]}\n");
        Batch b = builder(f, 8).optPadToLongest(true).optShuffle(false).build().train().batches(0, 2).next();
        assertArrayEquals(new int[][] {{1, 2}, {4, P}}, b.inputs());
        assertArrayEquals(new int[][] {{2, 3}, {5, P}}, b.labels());
        assertArrayEquals(new float[][] {{1, 1}, {1, 0}}, b.lossMask());
        assertArrayEquals(new int[] {2, 1}, b.lengths());
    }

    @Test
    void resumingFromAnySamplePositionYieldsTheRestOfTheEpoch() throws IOException {
        LmDataset d = builder(ragged(23), 6).build();
        DataSplit train = d.train();
        int batchSize = 5;
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Batch> full = all(train.batches(epoch, batchSize));
            List<Row> fullRows = rows(full);
            for (int start = 0; start <= train.size(); start++) {
                BatchIterator it = train.batches(epoch, batchSize, start);
                assertEquals(start, it.position());
                List<Batch> tail = all(it);
                assertEquals(train.size(), it.position());
                assertEquals(fullRows.subList(start, fullRows.size()), rows(tail), "start " + start);
                if (start % batchSize == 0) {
                    assertEquals(full.subList(start / batchSize, full.size()), tail, "aligned start " + start);
                }
            }
        }
    }

    @Test
    void positionIsTheResumePoint() throws IOException {
        LmDataset d = builder(ragged(12), 6).build();
        BatchIterator it = d.train().batches(1, 5);
        it.next();
        it.next();
        int saved = it.position();
        assertEquals(10, saved);
        Batch last = it.next();
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        assertEquals(last, d.train().batches(1, 5, saved).next());
    }

    @Test
    void packedPromptCompletionBatchesCarryTheMask() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            s.append("{\"prompt\": \"q").append(i % 10).append("\", \"completion\": \"a").append(i % 7).append("\"}\n");
        }
        Path f = write(dir.resolve("sft.jsonl"), s.toString());
        LmDataset d = builder(f, 9).build();
        // each example is q d a d E = 5 tokens (4 positions), mask of labels d a d E = 0 1 1 1; two
        // fit in a row of 9 positions (the 9th is padding) → 20 rows
        assertEquals(20, d.train().size());
        assertEquals(40, d.stats().trainExamples());
        for (Batch b : all(d.train().batches(0, 3))) {
            for (int r = 0; r < b.size(); r++) {
                assertEquals(8, b.lengths()[r]);
                for (int j = 0; j < 9; j++) {
                    boolean prompt = b.inputs()[r][j] == 'q';
                    float want = j == 8 ? 0f : prompt ? 0f : 1f;
                    assertEquals(want, b.lossMask()[r][j], "row " + r + " position " + j);
                    assertEquals(j == 8 ? 0 : j / 4 + 1, b.segments()[r][j], "row " + r + " position " + j);
                }
            }
        }
    }

    @Test
    void argumentsAreChecked() throws IOException {
        DataSplit train = builder(ragged(4), 6).build().train();
        assertThrows(IllegalArgumentException.class, () -> train.batches(0, 0));
        assertThrows(IllegalArgumentException.class, () -> train.batches(0, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> train.batches(0, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> train.order(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> train.sample(4));
        assertFalse(train.batches(0, 2, 4).hasNext());
    }
}
