package dev.decaf.text.data;

import static dev.decaf.text.data.PackingTest.builder;
import static dev.decaf.text.data.PackingTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Examples longer than seqLen + 1 tokens: truncated, dropped or refused, token by token by hand. */
class OverlongTest {

    private static final int E = CharTokenizer.EOS;

    @TempDir
    Path dir;

    /** Seven examples for seqLen 4 (rows of L = 5 tokens); the comment says what truncation keeps. */
    private Path sft() throws IOException {
        return write(dir.resolve("sft.jsonl"), String.join("\n",
                "{\"prompt\": \"ab\", \"completion\": \"c\"}", //          4 tokens: fits
                "{\"prompt\": \"ab\", \"completion\": \"cdefg\"}", //      8: a b + c d e (no end-of-text)
                "{\"prompt\": \"abcd\", \"completion\": \"ef\"}", //       7: a b c d + e
                "{\"prompt\": \"abcdefgh\", \"completion\": \"xy\"}", //  11: prompt alone too long: f g h + x y
                "{\"prompt\": \"abcdefgh\", \"completion\": \"\"}", //     9: e f g h + E
                "{\"prompt\": \"abc\", \"completion\": \"d\"}", //         5: fits exactly
                "{\"prompt\": \"abcd\", \"completion\": \"e\"}") + "\n"); // 6: a b c d e, the end-of-text cut
    }

    private static Sample one(String tokens, float... mask) {
        int[] ids = new int[tokens.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.charAt(i) == '$' ? E : tokens.charAt(i);
        }
        return new Sample(ids, mask);
    }

    @Test
    void truncateKeepsThePromptAndCutsTheCompletionsEnd() throws IOException {
        Path f = sft();
        LmDataset d = builder(f, new CharTokenizer(), 4).optPacking(false).build();
        List<Sample> want = List.of(
                one("abc$", 0, 1, 1),
                one("abcde", 0, 1, 1, 1),
                one("abcde", 0, 0, 0, 1),
                one("fghxy", 0, 0, 1, 1),
                one("efgh$", 0, 0, 0, 1),
                one("abcd$", 0, 0, 1, 1),
                one("abcde", 0, 0, 0, 1));
        assertEquals(want.size(), d.train().size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i), d.train().sample(i), "example " + i);
        }
        assertEquals(new DataStats(7, 34, 7, 0, 34, 0, 0, 0, 7, 0, 5, 0), d.stats());
        assertEquals(List.of(f + ": truncated 5 of 7 examples longer than seq_len + 1 = 5 tokens"), d.warnings());
        assertEquals("documents=7 tokens=34 samples=7/34 tokens dropped=0 tokens skipped=0 lines"
                + " overlong=5 truncated/0 dropped examples", d.stats().toString());

        LmDataset cached = builder(f, new CharTokenizer(), 4).optPacking(false).build();
        assertTrue(cached.fromCache());
        assertEquals(d.stats(), cached.stats());
        assertEquals(d.warnings(), cached.warnings(), "reported from the cache too, once");
    }

    @Test
    void dropLeavesThemOutAndCountsThem() throws IOException {
        Path f = sft();
        CharTokenizer tok = new CharTokenizer();
        builder(f, tok, 4).build();
        int truncateCalls = tok.encodeCalls.get();
        LmDataset d = builder(f, tok, 4).optOverlong(Overlong.DROP).build();
        assertEquals(2 * truncateCalls, tok.encodeCalls.get(), "another rule, another cache entry");
        assertEquals(2, d.train().size(), "packed: 3 + 4 positions do not share a row of 4");
        assertEquals(one("abc$", 0, 1, 1), d.train().sample(0));
        assertEquals(one("abcd$", 0, 0, 1, 1), d.train().sample(1));
        assertEquals(new DataStats(2, 9, 2, 0, 9, 0, 0, 0, 2, 0, 0, 5), d.stats());
        assertEquals(List.of(f + ": dropped 5 of 7 examples longer than seq_len + 1 = 5 tokens"), d.warnings());
    }

    @Test
    void errorRefusesTheFirstOverlongLine() throws IOException {
        Path f = sft();
        DataException e = assertThrows(DataException.class,
                () -> builder(f, new CharTokenizer(), 4).optOverlong(Overlong.ERROR).build());
        assertEquals(f + ":2: example is 8 tokens (prompt 2 + completion 5 + end-of-text), more than seq_len + 1 = 5"
                + " (overlong is error)", e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void preTokenizedLinesKeepTheirFirstIds() throws IOException {
        Path f = write(dir.resolve("ids.jsonl"), "{\"input_ids\": [1, 2, 3, 4, 5, 6, 7]}\n{\"input_ids\": [8, 9]}\n");
        LmDataset t = builder(f, new CharTokenizer(), 4).build();
        assertEquals(new Sample(new int[] {1, 2, 3, 4, 5}, new float[] {1, 1, 1, 1}), t.train().sample(0));
        assertEquals(new Sample(new int[] {8, 9}, new float[] {1}), t.train().sample(1));
        assertEquals(1, t.stats().truncatedExamples());
        assertEquals(List.of(f + ": truncated 1 of 2 examples longer than seq_len + 1 = 5 tokens"), t.warnings());
        LmDataset d = builder(f, new CharTokenizer(), 4).optOverlong(Overlong.DROP).build();
        assertEquals(1, d.train().size());
        assertEquals(new Sample(new int[] {8, 9}, new float[] {1}), d.train().sample(0));
        assertEquals(1, d.stats().droppedExamples());
    }

    @Test
    void aPromptOfExactlyTheRowKeepsRoomForOneCompletionToken() throws IOException {
        // p = L − 1 = 4 is kept whole: one completion token, one supervised label
        Path f = write(dir.resolve("edge.jsonl"), "{\"prompt\": \"abcd\", \"completion\": \"wxyz\"}\n"
                + "{\"prompt\": \"abcde\", \"completion\": \"wxyz\"}\n");
        LmDataset d = builder(f, new CharTokenizer(), 4).optPacking(false).build();
        assertEquals(one("abcdw", 0, 0, 0, 1), d.train().sample(0));
        // p = L = 5 alone fills the row: r = min(c + 1, ⌊5/2⌋) = 2, so the last 3 prompt tokens + w x
        assertEquals(one("cdewx", 0, 0, 1, 1), d.train().sample(1));
    }

    @Test
    void validationFractionHoldsOutWholeExamplesAndPacksEachSplit() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            s.append("{\"prompt\": \"").append((char) ('A' + i)).append("\", \"completion\": \"xy\"}\n");
        }
        Path f = write(dir.resolve("sft.jsonl"), s.toString());
        LmDataset d = builder(f, new CharTokenizer(), 9).optValidationFraction(0.25).optSeed(3).build();
        // each example is P x y E: 3 positions, 3 to a row of 9
        assertEquals(15, d.train().examples());
        assertEquals(5, d.validation().examples());
        assertEquals(5, d.train().size());
        assertEquals(2, d.validation().size());
        assertEquals(new DataStats(20, 80, 5, 2, 60, 20, 0, 0, 15, 5, 0, 0), d.stats());
        boolean[] seen = new boolean[20];
        for (DataSplit split : List.of(d.train(), d.validation())) {
            int previous = -1;
            for (int r = 0; r < split.size(); r++) {
                Sample row = split.sample(r);
                for (int e = 0; e < row.examples(); e++) {
                    int t = row.starts()[e];
                    int id = row.tokens()[t] - 'A';
                    assertArrayEquals(new int[] {'A' + id, 'x', 'y', E}, java.util.Arrays.copyOfRange(row.tokens(), t,
                            t + 4), "a whole example");
                    assertTrue(id > previous, "file order within a split");
                    previous = id;
                    assertTrue(!seen[id], "example " + id + " in one split only");
                    seen[id] = true;
                }
            }
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(seen[i], "example " + i + " is somewhere");
        }
    }
}
