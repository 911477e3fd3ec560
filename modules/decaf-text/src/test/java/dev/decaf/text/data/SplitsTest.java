package dev.decaf.text.data;

import static dev.decaf.text.data.PackingTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeded shuffling and the validation hold-out: deterministic, disjoint, the same on every run. */
class SplitsTest {

    @TempDir
    Path dir;

    /** 100 pre-tokenised samples; sample i is [i, i + 1] so its first token names it. */
    private Path hundred() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            s.append("{\"input_ids\": [").append(i).append(", ").append(i + 1).append("]}\n");
        }
        return write(dir.resolve("hundred.jsonl"), s.toString());
    }

    private LmDataset.Builder builder(Path f) {
        return LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer()).optTokenizerFingerprint("fp")
                .setSeqLen(1);
    }

    private static boolean isPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int i : p) {
            if (i < 0 || i >= p.length || seen[i]) {
                return false;
            }
            seen[i] = true;
        }
        return true;
    }

    @Test
    void epochOrderIsAPureFunctionOfSeedAndEpoch() throws IOException {
        Path f = hundred();
        LmDataset a = builder(f).optSeed(42).build();
        LmDataset b = builder(f).optSeed(42).build();
        LmDataset c = builder(f).optSeed(43).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = a.train().order(epoch);
            assertTrue(isPermutation(order));
            assertArrayEquals(order, b.train().order(epoch));
            assertArrayEquals(order, a.train().order(epoch), "asking twice gives the same order");
            assertFalse(Arrays.equals(order, c.train().order(epoch)), "another seed, another order");
        }
        assertFalse(Arrays.equals(a.train().order(0), a.train().order(1)), "each epoch is reshuffled");
        int[] identity = new int[100];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, a.train().order(0)));
        assertArrayEquals(identity, builder(f).optShuffle(false).build().train().order(5));
    }

    @Test
    void permutationsArePinnedAcrossJvms() {
        // golden values from an independent Python port of the SplitMix64 Fisher–Yates shuffle; a
        // changed algorithm would silently change every resumed run's data order
        assertArrayEquals(new int[] {5, 7, 9, 2, 8, 1, 4, 6, 0, 3}, Permutations.of(10, 42, 0));
        assertArrayEquals(new int[] {2, 7, 8, 1, 4, 6, 5, 9, 0, 3}, Permutations.of(10, -3, 7));
        assertArrayEquals(new int[] {0}, Permutations.of(1, 42, 0));
        assertArrayEquals(new int[0], Permutations.of(0, 42, 0));
    }

    @Test
    void shuffleIsRoughlyUniform() {
        int n = 5;
        int[][] counts = new int[n][n];
        for (int e = 0; e < 20000; e++) {
            int[] p = Permutations.of(n, 7, e);
            for (int i = 0; i < n; i++) {
                counts[i][p[i]]++;
            }
        }
        for (int[] row : counts) {
            for (int c : row) {
                assertTrue(c > 3600 && c < 4400, "position counts " + Arrays.deepToString(counts));
            }
        }
    }

    @Test
    void validationFractionIsDisjointAndStable() throws IOException {
        Path f = hundred();
        LmDataset a = builder(f).optValidationFraction(0.1).optSeed(1).build();
        assertEquals(90, a.train().size());
        assertEquals(10, a.validation().size());
        assertEquals(90, a.stats().trainSamples());
        assertEquals(10, a.stats().validationSamples());
        assertEquals(180, a.stats().trainTokens());
        assertEquals(20, a.stats().validationTokens());
        Set<Integer> train = firstTokens(a.train());
        Set<Integer> validation = firstTokens(a.validation());
        assertEquals(90, train.size());
        assertEquals(10, validation.size());
        Set<Integer> all = new HashSet<>(train);
        all.addAll(validation);
        assertEquals(100, all.size(), "disjoint and together everything");

        LmDataset again = builder(f).optValidationFraction(0.1).optSeed(1).build();
        assertEquals(validation, firstTokens(again.validation()), "same across runs");
        assertEquals(train, firstTokens(again.train()));
        LmDataset other = builder(f).optValidationFraction(0.1).optSeed(2).build();
        assertFalse(validation.equals(firstTokens(other.validation())), "the seed chooses");

        assertFalse(a.validation().shuffled());
        int[] identity = new int[10];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, a.validation().order(3), "validation is never shuffled");
        assertTrue(isPermutation(a.train().order(0)));
        assertEquals(1, builder(f).optValidationFraction(0.001).build().validation().size(), "at least one");
    }

    @Test
    void packedBlocksAreHeldOutWhole() throws IOException {
        Path f = write(dir.resolve("a.txt"), "abcdefghijklmnopqrstuvwxyz0123");
        LmDataset whole = builder(f).optShuffle(false).build();
        LmDataset split = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(1).optValidationFraction(0.2).optSeed(9).build();
        assertEquals(31, whole.stats().tokens());
        assertEquals(15, whole.train().size());
        assertEquals(12, split.train().size());
        assertEquals(3, split.validation().size());
        assertEquals(1, split.stats().droppedTokens());
        Set<Integer> seen = new HashSet<>();
        seen.addAll(firstTokens(split.train()));
        seen.addAll(firstTokens(split.validation()));
        assertEquals(firstTokens(whole.train()), seen);
    }

    @Test
    void validationFileIsItsOwnSplit() throws IOException {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"abcde\"}\n{\"text\": \"fg\"}\n");
        Path v = write(dir.resolve("val.txt"), "xyz");
        LmDataset d = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(2).optValidationFile(v).build();
        // train: a b c d e E f g E (9 → 3 blocks); validation: x y z E (4 → 1 block, 1 dropped)
        assertEquals(new DataStats(2, 9, 3, 1, 9, 3, 1, 0), d.stats());
        assertEquals(new Sample(new int[] {'x', 'y', 'z'}, new float[] {1, 1}), d.validation().sample(0));
        assertTrue(d.validation().batches(0, 4).hasNext());
        LmDataset none = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(2).build();
        assertTrue(none.validation().isEmpty());
        assertFalse(none.validation().batches(0, 4).hasNext());
    }

    private static Set<Integer> firstTokens(DataSplit s) {
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(s.sample(i).tokens()[0]);
        }
        return out;
    }
}
