package dev.decaf.text.data;

import static dev.decaf.text.data.PackingTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every data error: one line, naming the file and (when one line is at fault) the line. */
class DataErrorsTest {

    @TempDir
    Path dir;

    private LmDataset.Builder builder(Path file, int seqLen) {
        return LmDataset.builder().setDataFile(file).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(seqLen);
    }

    private DataException fail(LmDataset.Builder b) {
        DataException e = assertThrows(DataException.class, b::build);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private void assertError(String expected, LmDataset.Builder b) {
        assertEquals(expected, fail(b).getMessage());
    }

    @Test
    void missingFileAndDirectory() {
        Path f = dir.resolve("nope.jsonl");
        DataException e = fail(builder(f, 4));
        assertEquals(f + ": no such file", e.getMessage());
        assertEquals(f, e.file());
        assertEquals(0, e.line());
        assertError(dir + ": is a directory, not a data file", builder(dir, 4));
    }

    @Test
    void emptyFiles() throws IOException {
        Path txt = write(dir.resolve("empty.txt"), "");
        assertError(txt + ": no data", builder(txt, 4));
        Path jsonl = write(dir.resolve("blank.jsonl"), "\n   \n\n");
        assertError(jsonl + ": no data", builder(jsonl, 4));
        assertError(jsonl + ": no data", builder(jsonl, 4).optFormat(DataFormat.PROMPT_COMPLETION));
    }

    @Test
    void tooLittleDataForOneBlock() throws IOException {
        Path f = write(dir.resolve("short.txt"), "abc");
        assertError(f + ": no data: 4 tokens make no block of seq_len + 1 = 9 tokens", builder(f, 8));
    }

    @Test
    void malformedJson() throws IOException {
        Path f = write(dir.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \"oops\n");
        DataException e = fail(builder(f, 4));
        assertTrue(e.getMessage().startsWith(f + ":2: not valid JSON ("), e.getMessage());
        assertTrue(e.getMessage().endsWith(")"), e.getMessage());
        assertEquals(2, e.line());
        Path trailing = write(dir.resolve("trailing.jsonl"), "{\"text\": \"ok\"} {\"text\": \"more\"}\n");
        assertTrue(fail(builder(trailing, 4)).getMessage().startsWith(trailing + ":1: not valid JSON ("));
        Path first = write(dir.resolve("first.jsonl"), "\n{text: 1}\n");
        assertTrue(fail(builder(first, 4)).getMessage().startsWith(first + ":2: not valid JSON ("));
    }

    @Test
    void notAnObject() throws IOException {
        Path f = write(dir.resolve("arr.jsonl"), "{\"text\": \"ok\"}\n[1, 2]\n");
        assertError(f + ":2: expected a JSON object, got array", builder(f, 4));
        Path first = write(dir.resolve("arr1.json"), "\"just a string\"\n");
        assertError(first + ":1: expected a JSON object, got string", builder(first, 4));
    }

    @Test
    void missingFields() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), "{\"prompt\": \"a\", \"completion\": \"b\"}\n\n{\"prompt\": \"c\"}\n");
        DataException e = fail(builder(f, 4));
        assertEquals(f + ":3: missing field 'completion'", e.getMessage());
        assertEquals(3, e.line());
        Path t = write(dir.resolve("t.jsonl"), "{\"text\": \"a\"}\n{\"txt\": \"b\"}\n");
        assertError(t + ":2: missing field 'text'", builder(t, 4));
        Path ids = write(dir.resolve("ids.jsonl"), "{\"foo\": 1}\n");
        assertError(ids + ":1: missing field 'input_ids'", builder(ids, 4).optFormat(DataFormat.TOKENS));
    }

    @Test
    void wrongTypes() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), "{\"prompt\": 1, \"completion\": \"b\"}\n");
        assertError(f + ":1: field 'prompt' must be a string, got number", builder(f, 4));
        Path t = write(dir.resolve("t.jsonl"), "{\"text\": null}\n");
        assertError(t + ":1: field 'text' must be a string, got null", builder(t, 4));
        Path ids = write(dir.resolve("ids.jsonl"), "{\"input_ids\": \"1 2 3\"}\n");
        assertError(ids + ":1: field 'input_ids' must be an array of token ids, got string", builder(ids, 4));
        Path fl = write(dir.resolve("fl.jsonl"), "{\"input_ids\": [1, 2.5, 3]}\n");
        assertError(fl + ":1: input_ids[1] must be an integer, got 2.5", builder(fl, 4));
        Path st = write(dir.resolve("st.jsonl"), "{\"input_ids\": [1, \"2\"]}\n");
        assertError(st + ":1: input_ids[1] must be an integer, got \"2\"", builder(st, 4));
    }

    @Test
    void idsOutsideTheVocabulary() throws IOException {
        Path f = write(dir.resolve("ids.jsonl"), "{\"input_ids\": [1, 2]}\n{\"input_ids\": [130, 2]}\n");
        assertError(f + ":2: input_ids[0] = 130 is outside the vocabulary [0, 130)", builder(f, 4));
        Path neg = write(dir.resolve("neg.jsonl"), "{\"input_ids\": [1, -1]}\n");
        assertError(neg + ":1: input_ids[1] = -1 is outside the vocabulary [0, 130)", builder(neg, 4));
        Path big = write(dir.resolve("big.jsonl"), "{\"input_ids\": [1, 99999999999]}\n");
        assertError(big + ":1: input_ids[1] = 99999999999 is outside the vocabulary [0, 130)", builder(big, 4));
    }

    @Test
    void examplesLongerThanTheContext() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), "{\"prompt\": \"ab\", \"completion\": \"c\"}\n"
                + "{\"prompt\": \"defgh\", \"completion\": \"ijk\"}\n");
        DataException e = fail(builder(f, 4).optOverlong(Overlong.ERROR));
        assertEquals(f + ":2: example is 9 tokens (prompt 5 + completion 3 + end-of-text), more than seq_len + 1 = 5"
                + " (overlong is error)", e.getMessage());
        Path ids = write(dir.resolve("ids.jsonl"), "{\"input_ids\": [1, 2, 3, 4, 5, 6]}\n");
        assertError(ids + ":1: input_ids has 6 ids, more than seq_len + 1 = 5 (overlong is error)",
                builder(ids, 4).optOverlong(Overlong.ERROR));
        assertError(f + ": no data: all 2 examples are longer than seq_len + 1 = 3 tokens and overlong is drop",
                builder(f, 2).optOverlong(Overlong.DROP));
        Path empty = write(dir.resolve("empty.jsonl"), "{\"prompt\": \"\", \"completion\": \"\"}\n");
        assertError(empty + ":1: example has 1 token (an empty prompt and completion, then end-of-text);"
                + " it needs at least 2 (an input and its label)", builder(empty, 4));
        Path one = write(dir.resolve("one.jsonl"), "{\"input_ids\": [1]}\n");
        assertError(one + ":1: input_ids has 1 id; a sample needs at least 2 (an input and its label)",
                builder(one, 4));
    }

    @Test
    void undetectableFormats() throws IOException {
        Path f = write(dir.resolve("x.jsonl"), "{\"foo\": 1, \"bar\": 2}\n");
        assertError(f + ":1: cannot detect the format: expected field 'text', 'prompt' and 'completion',"
                + " 'messages' or 'input_ids', found 'foo', 'bar'", builder(f, 4));
        Path csv = write(dir.resolve("x.csv"), "a,b\n");
        assertError(csv + ": cannot tell the format from the file name (expected .txt, .jsonl or .json);"
                + " a recipe can set data.format", builder(csv, 4));
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        Path f = dir.resolve("latin1.txt");
        Files.write(f, new byte[] {'a', '\n', 'b', '\n', 'c', (byte) 0xE9, '\n'});
        assertError(f + ":3: not valid UTF-8", builder(f, 2));
    }

    @Test
    void tokenizerWithoutEndOfTextCannotPack() throws IOException {
        Path f = write(dir.resolve("a.txt"), "abc\n");
        assertError(f + ": the tokenizer has no end-of-text token, which TEXT data needs after each document",
                LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer(-1, -1))
                        .optTokenizerFingerprint("fp").setSeqLen(2));
        Path ids = write(dir.resolve("ids.jsonl"), "{\"input_ids\": [1, 2, 3]}\n");
        LmDataset d = LmDataset.builder().setDataFile(ids).setTokenizer(new CharTokenizer(-1, -1))
                .optTokenizerFingerprint("fp").setSeqLen(4).build();
        assertEquals(0, d.train().batches(0, 1).next().inputs()[0][3], "no pad and no eos: pad with 0");
    }

    @Test
    void validationFractionMustLeaveTrainingSamples() throws IOException {
        Path f = write(dir.resolve("a.txt"), "abc");
        assertError(f + ": validation fraction 0.5 leaves no training samples (1 sample in all)",
                builder(f, 3).optValidationFraction(0.5));
    }

    @Test
    void validationFileErrorsNameThatFile() throws IOException {
        Path f = write(dir.resolve("train.jsonl"), "{\"text\": \"abcdef\"}\n");
        Path v = write(dir.resolve("val.jsonl"), "{\"text\": 5}\n");
        assertError(v + ":1: field 'text' must be a string, got number", builder(f, 2).optValidationFile(v));
    }

    @Test
    void misconfigurationIsAnIllegalState() throws IOException {
        Path f = write(dir.resolve("a.txt"), "abc");
        assertThrows(IllegalStateException.class, () -> LmDataset.builder().setDataFile(f)
                .setTokenizer(new CharTokenizer()).setSeqLen(2).build());
        assertThrows(IllegalStateException.class, () -> builder(f, 2).optValidationFile(f)
                .optValidationFraction(0.1).build());
        assertThrows(IllegalArgumentException.class, () -> builder(f, 0));
        assertThrows(IllegalArgumentException.class, () -> builder(f, 2).optValidationFraction(1.0));
    }

    @Test
    void skippedLinesAreCountedAndReported() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), String.join("\n",
                "{\"prompt\": \"a\", \"completion\": \"b\"}",
                "{\"prompt\": \"a\", \"completion\": ",
                "",
                "{\"prompt\": \"a\"}",
                "{\"prompt\": \"abcdef\", \"completion\": \"b\"}",
                "{\"prompt\": \"c\", \"completion\": \"d\"}",
                "[]") + "\n");
        CharTokenizer tok = new CharTokenizer();
        LmDataset d = builder(f, 2).optSkipBadLines(true).optOverlong(Overlong.ERROR).optShuffle(false).build();
        assertEquals(2, d.stats().documents());
        assertEquals(4, d.stats().skippedLines());
        assertEquals(6, d.stats().tokens());
        List<String> w = d.warnings();
        assertEquals(5, w.size(), w.toString());
        assertEquals(f + ": skipped 4 bad lines", w.get(0));
        assertTrue(w.get(1).startsWith(f + ":2: not valid JSON ("), w.get(1));
        assertEquals(f + ":4: missing field 'completion'", w.get(2));
        assertEquals(f + ":5: example is 8 tokens (prompt 6 + completion 1 + end-of-text), more than seq_len + 1 = 3"
                + " (overlong is error)", w.get(3));
        assertEquals(f + ":7: expected a JSON object, got array", w.get(4));
        assertEquals(new Sample(new int[] {'c', 'd', CharTokenizer.EOS}, new float[] {1, 1}), d.train().sample(1));

        LmDataset cached = builder(f, 2).optSkipBadLines(true).optOverlong(Overlong.ERROR).setTokenizer(tok).build();
        assertTrue(cached.fromCache());
        assertEquals(0, tok.encodeCalls.get());
        assertEquals(d.stats(), cached.stats());
        assertEquals(w, cached.warnings(), "skips are reported from the cache too");

        assertTrue(fail(builder(f, 2).optOverlong(Overlong.ERROR)).getMessage().startsWith(f + ":2: not valid JSON ("),
                "a cache built while skipping is not used without skipping");
    }

    @Test
    void manySkipsListTheFirstTwenty() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("{\"text\": " + i + "}");
            lines.add("{\"text\": \"ok\"}");
        }
        Path f = write(dir.resolve("t.jsonl"), String.join("\n", lines));
        LmDataset d = builder(f, 2).optSkipBadLines(true).build();
        assertEquals(30, d.stats().skippedLines());
        assertEquals(30, d.stats().documents());
        assertEquals(21, d.warnings().size());
        assertEquals(f + ": skipped 30 bad lines (the first 20 follow)", d.warnings().get(0));
        assertEquals(f + ":39: field 'text' must be a string, got number", d.warnings().get(20));
    }

    @Test
    void allLinesBadIsNoData() throws IOException {
        Path f = write(dir.resolve("t.jsonl"), "{\"text\": 1}\n\n{\"text\": 2}\n");
        assertError(f + ": no data (all 2 non-blank lines were skipped as bad)", builder(f, 2).optSkipBadLines(true));
        Path g = write(dir.resolve("g.jsonl"), "nope\n{\"text\": \"abcd\"}\n");
        LmDataset d = builder(g, 2).optSkipBadLines(true).build();
        assertEquals(DataFormat.TEXT, d.format(), "detection passes over a bad first line when skipping");
        assertEquals(1, d.stats().skippedLines());
    }
}
