package dev.decaf.text.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LmDataset.Builder#setSeqLenUpTo}: the context length the data chooses, with one
 * tokenisation, and {@link DataSplit#promptCompletion} reading held-out examples back. The
 * character tokenizer makes an example of prompt {@code p} and completion {@code c} characters
 * {@code p + c + 1} tokens.
 */
class SeqLenFitTest {

    private static final int E = CharTokenizer.EOS;

    @TempDir
    Path dir;

    private static String pc(String prompt, String completion) {
        return "{\"prompt\":\"" + prompt + "\",\"completion\":\"" + completion + "\"}\n";
    }

    private LmDataset.Builder builder(Path file, CharTokenizer tok) {
        return LmDataset.builder().setDataFile(file).setTokenizer(tok).optTokenizerFingerprint("char-v1")
                .optShuffle(false).optCacheDir(dir.resolve("cache"));
    }

    @Test
    void theLongestExampleChoosesWithOneTokenisation() throws IOException {
        // 2 + 1 + 1 = 4, 5 + 2 + 1 = 8 and 1 + 1 + 1 = 3 tokens: 8 tokens fill 7 positions
        Path f = Files.writeString(dir.resolve("sft.jsonl"), pc("ab", "c") + pc("defgh", "ij") + pc("k", "l"));
        CharTokenizer tok = new CharTokenizer();
        LmDataset fit = builder(f, tok).setSeqLenUpTo(64).build();
        assertEquals(7, fit.seqLen());
        assertEquals(8, fit.longestExample());
        assertEquals(6, tok.encodeCalls.get(), "one tokenisation: prompt and completion of 3 lines");
        assertEquals(0, fit.stats().truncatedExamples());
        // the same rows as at seq_len 7 set by hand: [3 positions], [7], [2]
        LmDataset fixed = builder(f, new CharTokenizer()).setSeqLen(7).build();
        assertEquals(fixed.stats(), fit.stats());
        assertEquals(3, fit.train().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(fixed.train().sample(i), fit.train().sample(i));
        }
        assertEquals(7, fit.train().batches(0, 3).next().inputs()[0].length, "batches are 7 wide");
    }

    @Test
    void anExampleLongerThanTheMaximumKeepsTheMaximumAndTheOverlongRule() throws IOException {
        Path f = Files.writeString(dir.resolve("sft.jsonl"), pc("ab", "c") + pc("defgh", "ij"));
        LmDataset fit = builder(f, new CharTokenizer()).setSeqLenUpTo(5).build();
        assertEquals(5, fit.seqLen());
        assertEquals(1, fit.stats().truncatedExamples());
        assertEquals(6, fit.longestExample(), "truncated to seq_len + 1");
        LmDataset drop = builder(f, new CharTokenizer()).setSeqLenUpTo(5).optOverlong(Overlong.DROP).build();
        assertEquals(5, drop.seqLen(), "a dropped example was longer than the maximum: the maximum stays");
        assertEquals(4, drop.longestExample());
    }

    @Test
    void textTakesTheMaximumAndAValidationFileCounts() throws IOException {
        Path txt = Files.writeString(dir.resolve("book.txt"), "abcdefghijklmnopqrstuvwxyz\n");
        assertEquals(9, builder(txt, new CharTokenizer()).setSeqLenUpTo(9).build().seqLen());

        Path train = Files.writeString(dir.resolve("train.jsonl"), pc("a", "b") + pc("cd", "e"));
        Path val = Files.writeString(dir.resolve("val.jsonl"), pc("abcdef", "gh"));
        LmDataset d = builder(train, new CharTokenizer()).optValidationFile(val).setSeqLenUpTo(64).build();
        assertEquals(8, d.seqLen(), "the validation file's 9 tokens fill 8 positions");
        assertEquals(4, builder(train, new CharTokenizer()).setSeqLenUpTo(64).build().longestExample());
        assertEquals(3, builder(train, new CharTokenizer()).setSeqLenUpTo(64).build().seqLen());
        Path two = Files.writeString(dir.resolve("two.jsonl"), pc("a", "") + pc("b", "")); // 2 tokens: 1 position
        assertEquals(2, builder(two, new CharTokenizer()).setSeqLenUpTo(64).build().seqLen(), "never below 2");
    }

    @Test
    void heldOutExamplesReadBackAsPromptAndAnswer() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append(pc("q" + i, i == 3 ? "abcdefgh" : "a" + i));
        }
        Path f = Files.writeString(dir.resolve("sft.jsonl"), sb.toString());
        LmDataset d = builder(f, new CharTokenizer()).setSeqLen(6).optValidationFraction(0.5).optSeed(4).build();
        DataSplit held = d.validation();
        assertEquals(5, held.examples());
        assertTrue(held.isPromptCompletion());
        java.util.Set<Integer> lines = new java.util.TreeSet<>();
        for (DataSplit split : new DataSplit[] {held, d.train()}) {
            for (int e = 0; e < split.examples(); e++) {
                PromptCompletionIds ex = split.promptCompletion(e);
                assertEquals(2, ex.prompt().length);
                assertEquals('q', ex.prompt()[0]);
                int line = ex.prompt()[1] - '0';
                assertTrue(lines.add(line), "each line in one split only: " + line);
                if (line == 3) { // 2 + 8 + 1 = 11 > 7 tokens: the completion keeps 5, no end-of-text
                    assertArrayEquals(new int[] {'a', 'b', 'c', 'd', 'e'}, ex.answer());
                    assertFalse(ex.complete(E));
                } else {
                    assertArrayEquals(new int[] {'a', '0' + line, E}, ex.answer());
                    assertTrue(ex.complete(E));
                    assertArrayEquals(new int[] {'a', '0' + line}, ex.completion(E));
                }
            }
        }
        assertEquals(10, lines.size());
        assertThrows(IndexOutOfBoundsException.class, () -> held.promptCompletion(5));
    }
}
