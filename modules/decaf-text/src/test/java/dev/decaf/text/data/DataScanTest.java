package dev.decaf.text.data;

import static dev.decaf.text.data.PackingTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DataScan} against hand-counted files (CharTokenizer: one token per character, end-of-text
 * 128) and against what {@link LmDataset} itself makes of the same files.
 */
class DataScanTest {

    @TempDir
    Path dir;

    private static DataScan.Builder scan(Path file, int seqLen) {
        return DataScan.builder().setFile(file).setSeqLen(seqLen).optTokenizer(new CharTokenizer());
    }

    private static List<String> lines(DataScan.Result r) {
        return r.issues().stream().map(i -> i.kind().id() + " " + i.severity() + " " + i.line() + " " + i.message()).toList();
    }

    @Test
    void aGoodFileMeasuresAsLmDatasetCountsIt() throws IOException {
        Path f = write(dir.resolve("pc.jsonl"), "{\"prompt\":\"ab\",\"completion\":\"c\"}\n\n"
                + "{\"prompt\":\"defg\",\"completion\":\"hi\"}\n{\"prompt\":\"\",\"completion\":\"jklm\"}\n");
        DataScan.Result r = scan(f, 3).build().scan();
        assertEquals(List.of("overlong INFO 3 2 examples are longer than seq_len + 1 = 4 tokens (the longest: 7 tokens,"
                + " line 3); truncated (data.overlong: truncate); lines 3, 4"), lines(r));
        assertEquals(DataFormat.PROMPT_COMPLETION, r.format());
        assertEquals(4, r.lines());
        assertEquals(3, r.examples());
        assertEquals(4 + 7 + 5, r.tokens()); // prompt + completion + end-of-text each
        assertEquals(7, r.longest());
        assertEquals(3, r.longestLine());
        assertEquals(2, r.overlong()); // 7 and 5 > seqLen + 1 = 4; truncated to 4 by default
        assertEquals(3, r.samples()); // 4 tokens each after truncation: 3 positions, one example per row

        DataScan.Result wide = scan(f, 8).build().scan(); // nothing overlong: LmDataset reads exactly this
        LmDataset data = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer()).optTokenizerFingerprint("fp")
                .setSeqLen(8).optCacheDir(dir.resolve("cache")).build();
        assertEquals(data.stats().tokens(), wide.tokens());
        assertEquals(data.stats().documents(), wide.examples());
        assertEquals(data.stats().trainSamples(), wide.samples());
        assertEquals(0, wide.overlong());
    }

    @Test
    void plainTextAndTokenIdsAgreeWithLmDataset() throws IOException {
        Path txt = write(dir.resolve("a.txt"), "hello\r\nworld\nlast");
        DataScan.Result t = scan(txt, 2).build().scan();
        LmDataset d = LmDataset.builder().setDataFile(txt).setTokenizer(new CharTokenizer()).optTokenizerFingerprint("fp")
                .setSeqLen(2).optCacheDir(dir.resolve("c1")).build();
        assertEquals(6 + 6 + 4 + 1, t.tokens());
        assertEquals(d.stats().tokens(), t.tokens());
        assertEquals(d.stats().trainSamples(), t.samples());
        assertEquals(1, t.examples());

        Path ids = write(dir.resolve("ids.jsonl"), "{\"input_ids\":[1,2,3]}\n{\"input_ids\":[4,5]}\n");
        DataScan.Result i = DataScan.builder().setFile(ids).setSeqLen(4).build().scan(); // no tokenizer needed
        assertEquals(DataFormat.TOKENS, i.format());
        assertEquals(5, i.tokens());
        assertEquals(2, i.samples());
        assertEquals(3, i.longest());
    }

    @Test
    void everyBadLineIsReportedWithItsKindAndLine() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        byte[] notUtf8 = {'{', '"', 't', '"', ':', (byte) 0xC3, (byte) 0x28, '}', '\n'};
        Files.write(f, concat("{\"prompt\":\"a\",\"completion\":\"b\"}\n{\"prompt\": nope\n[1]\n{\"text\":\"x\"}\n"
                .getBytes(), notUtf8, "{\"prompt\":\"a\",\"completion\":7}\n{\"prompt\":\"a\u0000\"}\n".getBytes()));
        DataScan.Result r = scan(f, 2).build().scan(); // the one good example (3 tokens) makes one block
        assertEquals(List.of("malformed-json ERROR 2", "malformed-json ERROR 3", "mixed-format ERROR 4", "binary ERROR 5",
                "field ERROR 6", "binary ERROR 7"), r.issues().stream().map(i -> i.kind().id() + " " + i.severity() + " "
                        + i.line()).toList());
        List<String> messages = r.issues().stream().map(DataScan.Issue::message).toList();
        assertTrue(messages.get(0).startsWith("not valid JSON (Unrecognized token 'nope'"), messages.get(0));
        assertEquals(List.of("expected a JSON object, got array", "missing field 'prompt': this line is text data, the file"
                + " is prompt-completion (detected from line 1)", "binary data: not valid UTF-8",
                "field 'completion' must be a string, got number", "binary data: a NUL byte at character 13"),
                messages.subList(1, 6));
        assertEquals(1, r.examples());

        // skip_bad_lines: the same lines are warnings, except invalid UTF-8, which stops LmDataset anyway
        DataScan.Result skip = scan(f, 2).optSkipBadLines(true).build().scan();
        assertEquals(List.of(DataScan.Severity.ERROR), skip.issues().stream().filter(i -> i.severity()
                == DataScan.Severity.ERROR).map(DataScan.Issue::severity).toList());
        assertEquals(5, skip.issues().stream().filter(i -> i.severity() == DataScan.Severity.WARNING).count());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void emptyFilesAndFilesWithoutABlock() throws IOException {
        DataScan.Result empty = scan(write(dir.resolve("e.jsonl"), "\n  \n"), 4).build().scan();
        assertEquals(List.of("empty-data ERROR 0 no data"), lines(empty));
        assertNull(empty.format());
        DataScan.Result allBad = scan(write(dir.resolve("b.jsonl"), "x\ny\n"), 4).optSkipBadLines(true).build().scan();
        assertEquals("empty-data ERROR 0 no data (all 2 non-blank lines are bad)", lines(allBad).get(2));
        DataScan.Result tiny = scan(write(dir.resolve("s.txt"), "abc"), 8).build().scan();
        assertEquals(List.of("empty-data ERROR 0 no data: 4 tokens make no block of seq_len + 1 = 9 tokens"), lines(tiny));
        DataScan.Result missing = scan(dir.resolve("none.jsonl"), 4).build().scan();
        assertEquals(List.of("missing-file ERROR 0 no such file"), lines(missing));
        DataScan.Result noFormat = scan(write(dir.resolve("data.csv"), "a,b\n"), 4).build().scan();
        assertTrue(lines(noFormat).get(0).startsWith("format ERROR 0 cannot tell the format"), lines(noFormat).toString());
    }

    @Test
    void samplesAreTheRowsPackingLaysWholeExamplesInto() throws IOException {
        // four examples of 3 tokens (2 positions) and one of 7 (6 positions), rows of 8 positions
        Path f = write(dir.resolve("p.jsonl"), "{\"prompt\":\"a\",\"completion\":\"b\"}\n".repeat(2)
                + "{\"prompt\":\"abcde\",\"completion\":\"f\"}\n" + "{\"prompt\":\"a\",\"completion\":\"b\"}\n".repeat(2));
        DataScan.Result packed = scan(f, 8).build().scan();
        DataScan.Result single = scan(f, 8).optPacking(false).build().scan();
        assertEquals(3, packed.samples()); // [2 2], [6], [2 2]: the 6 does not fit after 2 + 2
        assertEquals(5, single.samples());
        for (boolean packing : new boolean[] {true, false}) {
            LmDataset data = LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer())
                    .optTokenizerFingerprint("fp").setSeqLen(8).optPacking(packing).optCacheDir(dir.resolve("c"))
                    .build();
            assertEquals(data.stats().trainSamples(), (packing ? packed : single).samples(), "packing " + packing);
        }
    }

    @Test
    void overlongExamplesAreANoteUnlessThePolicyIsError() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
            sb.append("{\"prompt\":\"").append("p".repeat(i)).append("\",\"completion\":\"c\"}\n"); // i + 2 tokens
        }
        Path f = write(dir.resolve("o.jsonl"), sb.toString());
        DataScan.Result t = scan(f, 3).build().scan(); // block 4: lines 3..8 (5..10 tokens) are overlong
        assertEquals(List.of("overlong INFO 3 6 examples are longer than seq_len + 1 = 4 tokens (the longest: 10 tokens,"
                + " line 8); truncated (data.overlong: truncate); lines 3, 4, 5, 6, 7, … (6 in all)"), lines(t));
        assertEquals(6, t.overlong());
        assertEquals(6, t.count(DataScan.Kind.OVERLONG));
        // whole examples packed into rows of 3 positions: [2], [3], then the six truncated to 3 positions each
        assertEquals(8, t.samples());
        DataScan.Result d = scan(f, 3).optOverlong(Overlong.DROP).build().scan();
        assertEquals(2, d.samples()); // [2], [3]
        assertTrue(lines(d).get(0).contains("dropped (data.overlong: drop)"), lines(d).toString());
        DataScan.Result e = scan(f, 3).optOverlong(Overlong.ERROR).build().scan();
        assertEquals(6, e.count(DataScan.Kind.OVERLONG));
        assertEquals(DataScan.MAX_EXAMPLES, e.issues().size());
        assertEquals("overlong ERROR 3 example is 5 tokens, more than seq_len + 1 = 4 (data.overlong: error)", lines(e).get(0));
        assertEquals(2, e.examples());
        assertThrows(NullPointerException.class, () -> scan(f, 3).optOverlong(null));
    }

    @Test
    void aLineOverTheLimitIsABadLine() throws IOException {
        Path f = write(dir.resolve("long.jsonl"), "{\"text\":\"" + "a".repeat(100) + "\"}\n{\"text\":\"ok\"}\n");
        DataScan.Result r = scan(f, 2).optMaxLineBytes(50).build().scan();
        assertEquals(List.of("line-too-long ERROR 1 line is 111 bytes, more than the limit of 50"), lines(r));
        assertEquals(1, r.examples());
        DataScan.Result skip = scan(f, 2).optMaxLineBytes(50).optSkipBadLines(true).build().scan();
        assertEquals(DataScan.Severity.WARNING, skip.issues().get(0).severity());
    }

    @Test
    void withoutATokenizerOnlyTheStructureIsChecked() throws IOException {
        Path f = write(dir.resolve("t.jsonl"), "{\"text\":\"abc\"}\n{\"text\":3}\n");
        DataScan.Result r = DataScan.builder().setFile(f).setSeqLen(4).build().scan();
        assertEquals(List.of("field ERROR 2 field 'text' must be a string, got number"), lines(r));
        assertEquals(1, r.examples());
        assertEquals(-1, r.tokens());
        assertEquals(-1, r.samples());
    }
}
