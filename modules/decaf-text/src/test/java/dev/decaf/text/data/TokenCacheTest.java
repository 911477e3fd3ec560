package dev.decaf.text.data;

import static dev.decaf.text.data.PackingTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token cache: hits skip the tokenizer, any change misses, damage is rebuilt and never used. */
class TokenCacheTest {

    private static final String SFT = "{\"prompt\": \"ab\", \"completion\": \"cd\"}\n"
            + "{\"prompt\": \"e\", \"completion\": \"fgh\"}\n{\"prompt\": \"ij\", \"completion\": \"k\"}\n";

    @TempDir
    Path dir;

    private LmDataset build(Path file, CharTokenizer tok, String fingerprint, int seqLen) throws IOException {
        return LmDataset.builder().setDataFile(file).setTokenizer(tok).optTokenizerFingerprint(fingerprint)
                .setSeqLen(seqLen).optShuffle(false).build();
    }

    private static List<Sample> samples(LmDataset d) {
        return java.util.stream.IntStream.range(0, d.train().size()).mapToObj(d.train()::sample)
                .collect(Collectors.toList());
    }

    private Path cacheDir(Path file) {
        return file.resolveSibling(file.getFileName() + ".decaf-cache");
    }

    private Path only(Path cache, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().endsWith(suffix)).collect(Collectors.toList());
            assertEquals(1, l.size(), "files ending in " + suffix + ": " + l);
            return l.get(0);
        }
    }

    @Test
    void unchangedDataLoadsFromCacheWithoutTheTokenizer() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), SFT);
        CharTokenizer first = new CharTokenizer();
        LmDataset a = build(f, first, "fp", 4);
        assertEquals(6, first.encodeCalls.get());
        assertFalse(a.fromCache());
        CharTokenizer second = new CharTokenizer();
        LmDataset b = build(f, second, "fp", 4);
        assertEquals(0, second.encodeCalls.get());
        assertTrue(b.fromCache());
        assertEquals(a.stats(), b.stats());
        assertEquals(samples(a), samples(b));
        // the entry: tokens, mask, example offsets and meta, and no temporary file left behind
        Path cache = cacheDir(f);
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(List.of(".json", ".mask", ".offsets", ".tokens"), s.map(p -> p.getFileName().toString())
                    .map(n -> n.substring(n.indexOf('.'))).sorted().collect(Collectors.toList()));
        }
        assertEquals(14 * 4, Files.size(only(cache, ".tokens")));
        assertEquals(14, Files.size(only(cache, ".mask")));
        assertEquals(4 * 8, Files.size(only(cache, ".offsets")), "3 examples: 4 offsets");
    }

    @Test
    void oneChangedByteOfDataTokenisesAgain() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), SFT);
        build(f, new CharTokenizer(), "fp", 4);
        write(f, SFT.replace("fgh", "fgx"));
        CharTokenizer tok = new CharTokenizer();
        LmDataset d = build(f, tok, "fp", 4);
        assertEquals(6, tok.encodeCalls.get());
        assertFalse(d.fromCache());
        // stream a b c d E e f g x E i j k E → block 1 is [e f g x E]
        assertArrayEquals(new int[] {'e', 'f', 'g', 'x', CharTokenizer.EOS}, d.train().sample(1).tokens());
    }

    @Test
    void anotherTokenizerFingerprintTokenisesAgain() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), SFT);
        build(f, new CharTokenizer(), "fp", 4);
        CharTokenizer tok = new CharTokenizer();
        build(f, tok, "fp2", 4);
        assertEquals(6, tok.encodeCalls.get());
        CharTokenizer again = new CharTokenizer();
        build(f, again, "fp", 4);
        assertEquals(0, again.encodeCalls.get(), "both entries stay valid");
    }

    @Test
    void anotherTokenizerFileTokenisesAgain() throws IOException {
        Path f = write(dir.resolve("a.txt"), "hello\nworld\n");
        Path tokJson = write(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 0}}}");
        CharTokenizer t1 = new CharTokenizer();
        LmDataset.builder().setDataFile(f).setTokenizer(t1).optTokenizerFile(tokJson).setSeqLen(4).build();
        CharTokenizer t2 = new CharTokenizer();
        LmDataset.builder().setDataFile(f).setTokenizer(t2).optTokenizerFile(dir).setSeqLen(4).build();
        assertEquals(0, t2.encodeCalls.get(), "a directory means its tokenizer.json");
        write(tokJson, "{\"model\": {\"vocab\": {\"b\": 0}}}");
        CharTokenizer t3 = new CharTokenizer();
        LmDataset.builder().setDataFile(f).setTokenizer(t3).optTokenizerFile(tokJson).setSeqLen(4).build();
        assertEquals(2, t3.encodeCalls.get());
    }

    @Test
    void textCacheIsSharedAcrossContextLengthsButPromptCompletionIsNot() throws IOException {
        Path t = write(dir.resolve("a.txt"), "hello\nworld\n");
        build(t, new CharTokenizer(), "fp", 4);
        CharTokenizer tok = new CharTokenizer();
        LmDataset d = build(t, tok, "fp", 5);
        assertEquals(0, tok.encodeCalls.get());
        assertArrayEquals("hello\n".chars().toArray(), d.train().sample(0).tokens());

        Path f = write(dir.resolve("sft.jsonl"), SFT);
        build(f, new CharTokenizer(), "fp", 4);
        CharTokenizer pc = new CharTokenizer();
        build(f, pc, "fp", 5);
        assertEquals(6, pc.encodeCalls.get(), "which examples fit depends on seqLen");
    }

    @Test
    void corruptedTokensAreDetectedAndRebuiltWithAWarning() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), SFT);
        List<Sample> expected = samples(build(f, new CharTokenizer(), "fp", 4));
        Path tokens = only(cacheDir(f), ".tokens");
        try (FileChannel ch = FileChannel.open(tokens, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'z'}), 8);
        }
        CharTokenizer tok = new CharTokenizer();
        LmDataset d = build(f, tok, "fp", 4);
        assertEquals(6, tok.encodeCalls.get());
        assertEquals(expected, samples(d));
        Path meta = only(cacheDir(f), ".json");
        assertEquals(List.of(f + ": token cache " + meta + " is corrupt (" + tokens.getFileName()
                + " fails its CRC-32C check); tokenising again"), d.warnings());
        CharTokenizer after = new CharTokenizer();
        assertEquals(expected, samples(build(f, after, "fp", 4)));
        assertEquals(0, after.encodeCalls.get(), "the rebuilt entry is used");
    }

    @Test
    void truncatedMaskIsDetectedAndRebuilt() throws IOException {
        Path f = write(dir.resolve("sft.jsonl"), SFT);
        List<Sample> expected = samples(build(f, new CharTokenizer(), "fp", 4));
        Path mask = only(cacheDir(f), ".mask");
        try (FileChannel ch = FileChannel.open(mask, StandardOpenOption.WRITE)) {
            ch.truncate(5);
        }
        CharTokenizer tok = new CharTokenizer();
        LmDataset d = build(f, tok, "fp", 4);
        assertEquals(6, tok.encodeCalls.get());
        assertEquals(expected, samples(d));
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().get(0).endsWith("is corrupt (" + mask.getFileName()
                + " is 5 bytes, expected 14); tokenising again"), d.warnings().get(0));
    }

    @Test
    void unreadableMetaOrMissingStreamIsRebuilt() throws IOException {
        Path f = write(dir.resolve("ids.jsonl"), "{\"input_ids\": [1, 2, 3]}\n{\"input_ids\": [4, 5]}\n");
        List<Sample> expected = samples(build(f, new CharTokenizer(), "fp", 4));
        Path meta = only(cacheDir(f), ".json");
        write(meta, "{\"version\": 1, \"key\":");
        LmDataset d = build(f, new CharTokenizer(), "fp", 4);
        assertFalse(d.fromCache());
        assertEquals(expected, samples(d));
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().get(0).startsWith(f + ": token cache " + meta + " is corrupt ("), d.warnings().get(0));
        assertFalse(d.warnings().get(0).contains("\n"), d.warnings().get(0));
        Files.delete(only(cacheDir(f), ".offsets"));
        LmDataset e = build(f, new CharTokenizer(), "fp", 4);
        assertFalse(e.fromCache());
        assertEquals(expected, samples(e));
        assertTrue(e.warnings().get(0).contains(".offsets is missing"), e.warnings().get(0));
        assertTrue(build(f, new CharTokenizer(), "fp", 4).fromCache());
    }

    @Test
    void cacheDirectoryCanBeChosen() throws IOException {
        Path f = write(dir.resolve("a.txt"), "hello\n");
        Path cache = dir.resolve("elsewhere/cache");
        LmDataset.builder().setDataFile(f).setTokenizer(new CharTokenizer()).optTokenizerFingerprint("fp")
                .setSeqLen(3).optCacheDir(cache).build();
        assertFalse(Files.exists(cacheDir(f)));
        assertTrue(Files.size(only(cache, ".tokens")) == 7 * 4);
    }
}
