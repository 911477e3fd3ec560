package dev.decaf.text.data;

import static dev.decaf.text.data.PackingTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LmDataset.Builder#optTrainFraction}: the count is max(1, round(f·N)) of the N training
 * examples left after the validation split, the validation split does not move, and the subsets of
 * one seed nest.
 */
class TrainFractionTest {

    @TempDir
    Path dir;

    /** 100 pre-tokenised examples; example i is [i, i + 1], so its first token names it. */
    private Path hundred() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            s.append("{\"input_ids\": [").append(i).append(", ").append(i + 1).append("]}\n");
        }
        return write(dir.resolve("hundred.jsonl"), s.toString());
    }

    private LmDataset build(Path f, double fraction, long seed) throws IOException {
        return LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer()).optTokenizerFingerprint("fp")
                .setSeqLen(1).optValidationFraction(0.1).optSeed(seed).optTrainFraction(fraction).build();
    }

    private static Set<Integer> names(DataSplit s) {
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(s.sample(i).tokens()[0]);
        }
        return out;
    }

    @Test
    void countIsClosedFormOfWhatTheValidationSplitLeaves() throws IOException {
        Path f = hundred();
        // 100 examples, 10 held out: N = 90
        int[][] expected = {{1000, 90}, {500, 45}, {250, 23}, {100, 9}, {1, 1}}; // f·1000, round(f·90), at least 1
        for (int[] e : expected) {
            LmDataset d = build(f, e[0] / 1000.0, 3);
            assertEquals(e[1], d.train().examples(), "fraction " + e[0] / 1000.0);
            assertEquals(e[1], d.stats().trainSamples());
            assertEquals(2L * e[1], d.stats().trainTokens(), "two tokens an example");
            assertEquals(90, d.trainPool());
            assertEquals(10, d.validation().examples());
        }
        assertEquals(45, TrainSubset.count(90, 0.5));
        assertEquals(23, TrainSubset.count(90, 0.25)); // 22.5 rounds up
        assertEquals(1, TrainSubset.count(90, 1e-9));
        assertEquals(0, TrainSubset.count(0, 0.5));
    }

    @Test
    void theValidationSetIsTheSameForEveryFraction() throws IOException {
        Path f = hundred();
        LmDataset whole = build(f, 1.0, 3);
        LmDataset half = build(f, 0.5, 3);
        Set<Integer> validation = names(whole.validation());
        assertEquals(10, validation.size());
        assertEquals(validation, names(half.validation()));
        assertEquals(whole.stats().validationTokens(), half.stats().validationTokens());
        Set<Integer> train = names(half.train());
        train.retainAll(validation);
        assertTrue(train.isEmpty(), "the subset is drawn from the training examples only");
    }

    @Test
    void smallerFractionsAreInsideLargerOnes() throws IOException {
        Path f = hundred();
        Set<Integer> quarter = names(build(f, 0.25, 3).train());
        Set<Integer> half = names(build(f, 0.5, 3).train());
        Set<Integer> whole = names(build(f, 1.0, 3).train());
        assertEquals(23, quarter.size());
        assertEquals(45, half.size());
        assertTrue(half.containsAll(quarter), "0.25 ⊂ 0.5: " + quarter + " vs " + half);
        assertTrue(whole.containsAll(half));
        // another seed draws another subset (and another validation split)
        assertNotEquals(half, names(build(f, 0.5, 4).train()));
        assertEquals(half, names(build(f, 0.5, 3).train()), "the same on every run");
    }

    @Test
    void fractionOneIsTheDatasetWithoutTheOption() throws IOException {
        Path f = hundred();
        LmDataset plain = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(1).optValidationFraction(0.1).optSeed(3).build();
        LmDataset one = build(f, 1.0, 3);
        assertEquals(plain.stats(), one.stats());
        assertArrayEquals(plain.train().order(2), one.train().order(2));
        for (int i = 0; i < plain.train().size(); i++) {
            assertEquals(plain.train().sample(i), one.train().sample(i));
        }
    }

    @Test
    void textTakesAFractionOfItsBlocks() throws IOException {
        // 30 characters + end-of-text = 31 tokens: 15 blocks of 2, one token dropped
        Path f = write(dir.resolve("a.txt"), "abcdefghijklmnopqrstuvwxyz0123");
        LmDataset d = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(1).optTrainFraction(0.4).optSeed(9).build();
        assertEquals(15, d.trainPool());
        assertEquals(6, d.train().size()); // round(0.4·15)
        assertEquals(12, d.stats().trainTokens());
        assertEquals(31, d.stats().tokens(), "the stream is read whole: the same token cache");
    }

    @Test
    void fractionOutsideTheRangeIsRefused() {
        for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LmDataset.builder().optTrainFraction(bad));
            assertEquals("train fraction must be in (0, 1], got " + bad, e.getMessage());
        }
    }
}
