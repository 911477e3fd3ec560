package dev.decaf.text.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

    private static final String EOT = "<|endoftext|>";

    @TempDir
    static Path shared;

    private static List<String> corpus;
    private static Path corpusFile;
    private static BpeTrainer.Result result;
    private static Path tokenizerDir;
    private static TextTokenizer djl;
    private static BpeTokenizer java;

    @BeforeAll
    static void train() throws IOException {
        corpus = corpus(new Random(20240601L), 400);
        corpusFile = shared.resolve("corpus.txt");
        Files.write(corpusFile, corpus, StandardCharsets.UTF_8);
        result = BpeTrainer.builder().optVocabSize(400).optMinFrequency(2).build().train(List.of(corpusFile));
        tokenizerDir = shared.resolve("tok");
        result.write(tokenizerDir);
        djl = TextTokenizer.load(tokenizerDir);
        java = result.tokenizer();
    }

    @AfterAll
    static void close() {
        if (djl != null) {
            djl.close();
        }
    }

    // ---------------------------------------------------------------- corpus

    private static final String[] SYLLABLES = {"the", "an", "re", "in", "on", "er", "st", "ing", "ed", "ou", "lo",
        "ka", "mi", "to", "de", "ar", "al", "is", "th", "en", "qu", "ly", "ve", "sh"};
    private static final String[] EXTRA = {"café", "naïve", "Ünïcödé", "straße", "日本語", "中文字符", "Ελληνικά",
        "русский", "😀", "👍🏽", "👨‍👩‍👧", "e\u0301", "don't", "it's", "we've", "I'll", "42", "3.14", "1,000",
        "...", "—", "«quoted»", "(paren)", "#tag", "@user"};

    /** English-like text from a fixed seed: words of 1–4 syllables, punctuation, numbers, some non-ASCII. */
    static List<String> corpus(Random rnd, int lines) {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < lines; l++) {
            StringBuilder sb = new StringBuilder();
            int words = 3 + rnd.nextInt(12);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    sb.append(rnd.nextInt(20) == 0 ? "  " : " ");
                }
                if (rnd.nextInt(8) == 0) {
                    sb.append(EXTRA[rnd.nextInt(EXTRA.length)]);
                    continue;
                }
                StringBuilder word = new StringBuilder();
                int syl = 1 + rnd.nextInt(rnd.nextBoolean() ? 2 : 4);
                for (int s = 0; s < syl; s++) {
                    word.append(SYLLABLES[Math.min(SYLLABLES.length - 1, (int) Math.abs(rnd.nextGaussian() * 8))]);
                }
                if (w == 0 || rnd.nextInt(15) == 0) {
                    word.setCharAt(0, Character.toUpperCase(word.charAt(0)));
                }
                sb.append(word);
                if (rnd.nextInt(10) == 0) {
                    sb.append(",;:!?".charAt(rnd.nextInt(5)));
                }
            }
            sb.append(rnd.nextInt(4) == 0 ? "!" : ".");
            if (rnd.nextInt(25) == 0) {
                sb.append("\t(tab)");
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** Random valid UTF-8: code points from ASCII (controls too), 2-, 3- and 4-byte ranges, no surrogates. */
    static String randomText(Random rnd, int maxCodePoints, boolean assignedOnly) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(maxCodePoints + 1);
        while (sb.codePointCount(0, sb.length()) < n) {
            int cp = switch (rnd.nextInt(6)) {
                case 0, 1 -> rnd.nextInt(0x80);
                case 2 -> 0x80 + rnd.nextInt(0x800 - 0x80);
                case 3 -> 0x800 + rnd.nextInt(0x10000 - 0x800);
                case 4 -> 0x10000 + rnd.nextInt(0x110000 - 0x10000);
                default -> " \t\n\r'sdtlmve".charAt(rnd.nextInt(12));
            };
            if (Character.isSurrogate((char) cp) && cp < 0x10000) {
                continue;
            }
            if (assignedOnly && Character.getType(cp) == Character.UNASSIGNED) {
                continue;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    static List<String> tricky() {
        return List.of("", " ", "  ", "\n", "\r\n", "\t\t", "a", "Hello, world!", "  leading and trailing  ",
                "multiple   spaces\n\n\nand\tnewlines \n", "café naïve résumé Ångström", "日本語のテキストです。",
                "中文, 한국어, ไทย, العربية, עברית", "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flag 🇩🇪",
                "combining: e\u0301 a\u0308 \u0915\u094D\u0937", "controls: \u0000\u0001\u0007\u001B\u007F\u0085",
                "ZWJ\u200D ZWNJ\u200C BOM\uFEFF NBSP\u00A0 ideographic\u3000space", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
                "quotes 's 't 're 've 'm 'll 'd 'S", "numbers 1234567890 ٣٤٥ Ⅻ", "\uD83D\uDE00\uD83D\uDE00",
                "x" + EOT + "y", EOT + EOT, " " + EOT + " ", "<|endoftext", "<|" + EOT + "|>");
    }

    // ---------------------------------------------------------------- tests

    @Test
    void loadsWithVocabSizeAndEos() throws IOException {
        assertEquals(400, result.vocabSize());
        assertEquals(400 - 256 - 1, result.merges().size());
        assertEquals(400, djl.vocabSize());
        assertEquals(399, djl.eosId());
        assertEquals(399, djl.padId());
        assertEquals(399, result.specialTokenId(EOT));
        assertEquals(400, java.vocabSize());
        assertEquals(399, java.eosId());
        assertEquals(1, result.files());
        assertEquals(Files.size(corpusFile), result.bytes());
    }

    @Test
    void specialTokenEncodesToItsId() {
        assertArrayEquals(new int[] {399}, djl.encode(EOT));
        assertArrayEquals(new int[] {399}, java.encode(EOT));
        assertEquals(EOT, djl.decode(new int[] {399}));
        assertEquals(EOT, java.decode(new int[] {399}));
        int[] ids = djl.encode("the end" + EOT + "the start");
        assertArrayEquals(java.encode("the end" + EOT + "the start"), ids);
        assertEquals(1, Arrays.stream(ids).filter(i -> i == 399).count());
    }

    @Test
    void roundTripsTrickyStrings() {
        for (String s : tricky()) {
            assertEquals(s, djl.decode(djl.encode(s)), () -> "DJL round trip of " + escape(s));
            assertEquals(s, java.decode(java.encode(s)), () -> "Java round trip of " + escape(s));
        }
    }

    @Test
    void roundTripsRandomUtf8() {
        Random rnd = new Random(99);
        for (int i = 0; i < 500; i++) {
            String s = randomText(rnd, 40, false);
            assertTrue(Arrays.equals(s.getBytes(StandardCharsets.UTF_8),
                    new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                            .getBytes(StandardCharsets.UTF_8)), "generator makes valid UTF-8");
            int[] ids = djl.encode(s);
            assertEquals(s, djl.decode(ids), () -> "DJL round trip of " + escape(s));
            assertEquals(s, java.decode(java.encode(s)), () -> "Java round trip of " + escape(s));
        }
    }

    @Test
    void javaEncoderEqualsDjlOnCorpusAndHeldOutText() {
        long tokens = 0;
        long bytes = 0;
        for (String line : corpus) {
            int[] expected = djl.encode(line);
            assertArrayEquals(expected, java.encode(line), () -> "corpus line " + escape(line));
            tokens += expected.length;
            bytes += line.getBytes(StandardCharsets.UTF_8).length;
        }
        assertTrue(tokens < bytes / 2, "merges compress the training text: " + tokens + " tokens, " + bytes + " bytes");
        String whole = String.join("\n", corpus);
        assertArrayEquals(djl.encode(whole), java.encode(whole));
        for (String line : corpus(new Random(5), 100)) {
            assertArrayEquals(djl.encode(line), java.encode(line), () -> "held-out line " + escape(line));
        }
        for (String s : tricky()) {
            assertArrayEquals(djl.encode(s), java.encode(s), () -> "tricky " + escape(s));
        }
        Random rnd = new Random(3);
        for (int i = 0; i < 300; i++) {
            String s = randomText(rnd, 30, true);
            assertArrayEquals(djl.encode(s), java.encode(s), () -> "random " + escape(s));
        }
    }

    @Test
    void incrementalCountsMatchNaiveRecounting() {
        List<String> lines = new ArrayList<>();
        for (String l : corpus) {
            lines.add(l + "\n"); // the trainer keeps line terminators
        }
        assertEquals(naiveMerges(lines, 400 - 1, 2), result.merges());
        List<String> few = corpus(new Random(11), 30);
        BpeTrainer.Result r = BpeTrainer.builder().optVocabSize(100_000).optMinFrequency(1)
                .optSpecialTokens(List.of()).build().trainOnTexts(few);
        assertEquals(naiveMerges(few, 100_000, 1), r.merges());
        assertEquals("no pairs left", r.stopReason());
    }

    @Test
    void firstMergesByHand() {
        // Pre-tokens "ab", " ab", " ab", " xy". Pair counts: (a,b) 3, (Ġ,a) 2, (Ġ,x) 1, (x,y) 1.
        // 1: a b (3). Then (Ġ,ab) 2 → 2: Ġ ab. Then (Ġ,x) and (x,y) tie at 1: the smaller pair
        // by bytes is (" ", "x") → 3: Ġ x, and last 4: Ġx y.
        BpeTrainer.Result r = BpeTrainer.builder().optVocabSize(1000).optMinFrequency(1).build()
                .trainOnTexts(List.of("ab ab ab xy"));
        assertEquals(List.of("a b", "Ġ ab", "Ġ x", "Ġx y"), r.merges());
        assertEquals(256 + 4 + 1, r.vocabSize());
        assertEquals("no pairs left", r.stopReason());
        BpeTrainer.Result r2 = BpeTrainer.builder().optVocabSize(1000).optMinFrequency(2).build()
                .trainOnTexts(List.of("ab ab ab xy"));
        assertEquals(List.of("a b", "Ġ ab"), r2.merges());
        assertEquals("no pair occurs 2 times", r2.stopReason());
        // Overlapping pairs: "aaaa" has three (a,a) pairs; merging left to right gives aa aa.
        BpeTrainer.Result r3 = BpeTrainer.builder().optVocabSize(1000).optMinFrequency(1).build()
                .trainOnTexts(List.of("aaaa"));
        assertEquals(List.of("a a", "aa aa"), r3.merges());
        // The vocabulary size caps the merges: 256 + 1 learned + 1 special.
        BpeTrainer.Result r4 = BpeTrainer.builder().optVocabSize(258).optMinFrequency(1).build()
                .trainOnTexts(List.of("ab ab ab xy"));
        assertEquals(List.of("a b"), r4.merges());
        assertEquals(257, r4.specialTokenId(EOT));
        assertEquals("vocabulary size reached", r4.stopReason());
        // Special tokens are cut out of the training text, not learned from.
        BpeTrainer.Result r5 = BpeTrainer.builder().optVocabSize(1000).optMinFrequency(2).build()
                .trainOnTexts(List.of("q" + EOT + "q" + EOT + "q" + EOT));
        assertEquals(List.of(), r5.merges());
    }

    @Test
    void writesHuggingFaceFormat() throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerDir.resolve("tokenizer.json").toFile());
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("version", "truncation", "padding", "added_tokens", "normalizer", "pre_tokenizer",
                "post_processor", "decoder", "model"), keys);
        assertEquals("1.0", root.get("version").asText());
        JsonNode added = root.get("added_tokens").get(0);
        assertEquals(399, added.get("id").asInt());
        assertEquals(EOT, added.get("content").asText());
        assertTrue(added.get("special").asBoolean());
        assertFalse(added.get("normalized").asBoolean());
        assertEquals("ByteLevel", root.get("pre_tokenizer").get("type").asText());
        assertFalse(root.get("pre_tokenizer").get("add_prefix_space").asBoolean());
        JsonNode model = root.get("model");
        assertEquals("BPE", model.get("type").asText());
        assertTrue(model.get("unk_token").isNull());
        assertEquals(400, model.get("vocab").size());
        Iterator<Map.Entry<String, JsonNode>> vocab = model.get("vocab").properties().iterator();
        for (int id = 0; id < 256; id++) {
            Map.Entry<String, JsonNode> e = vocab.next();
            assertEquals(String.valueOf(ByteLevel.charOf(id)), e.getKey());
            assertEquals(id, e.getValue().asInt());
        }
        assertEquals(result.merges().size(), model.get("merges").size());
        assertEquals(result.merges().get(0), model.get("merges").get(0).asText());
        try (var listing = Files.list(tokenizerDir)) {
            assertEquals(List.of("tokenizer.json"), listing.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left behind");
        }
        BpeTokenizer loaded = BpeTokenizer.load(tokenizerDir);
        for (String line : corpus.subList(0, 50)) {
            assertArrayEquals(java.encode(line), loaded.encode(line));
        }
    }

    @Test
    void trainingIsDeterministic(@TempDir Path dir) throws IOException {
        BpeTrainer trainer = BpeTrainer.builder().optVocabSize(400).build();
        Path a = trainer.train(List.of(corpusFile)).write(dir.resolve("a"));
        Path b = BpeTrainer.builder().optVocabSize(400).build().train(List.of(corpusFile)).write(dir.resolve("b"));
        assertEquals(-1, Files.mismatch(a, b));
        assertEquals(-1, Files.mismatch(a, tokenizerDir.resolve("tokenizer.json")));
        // Rewriting over an existing file works too (atomic replace).
        result.write(dir.resolve("a"));
        assertEquals(-1, Files.mismatch(a, b));
    }

    @Test
    void severalFilesSeveralSpecialsCrlfAndNoFinalNewline(@TempDir Path dir) throws IOException {
        Path f1 = dir.resolve("one.txt");
        Path f2 = dir.resolve("two.txt");
        Files.writeString(f1, String.join("\r\n", corpus.subList(0, 200)), StandardCharsets.UTF_8);
        Files.writeString(f2, String.join("\n", corpus.subList(200, 400)) + "<|pad|>", StandardCharsets.UTF_8);
        BpeTrainer.Result r = BpeTrainer.builder().optVocabSize(350)
                .optSpecialTokens(List.of(EOT, "<|pad|>")).build().train(List.of(f1, f2));
        assertEquals(350, r.vocabSize());
        assertEquals(2, r.files());
        assertEquals(Files.size(f1) + Files.size(f2), r.bytes());
        r.write(dir.resolve("tok"));
        try (TextTokenizer t = TextTokenizer.load(dir.resolve("tok"))) {
            assertEquals(350, t.vocabSize());
            assertEquals(348, t.eosId());
            assertEquals(349, t.padId());
            String crlf = Files.readString(f1);
            assertEquals(crlf, t.decode(t.encode(crlf)));
            assertArrayEquals(t.encode(crlf), r.tokenizer().encode(crlf));
            assertArrayEquals(new int[] {349}, t.encode("<|pad|>"));
        }
    }

    @Test
    void overlongLinesAreCutWithoutChangingTheCounts(@TempDir Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int rep = 0; sb.length() < 200_000; rep++) {
            sb.append(String.join(" ", corpus(new Random(rep), 50))).append(' ');
        }
        String text = sb.toString();
        Path file = dir.resolve("one-line.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        // The reader cuts lines over 1 Mi chars in production; here over 9000, to keep the test fast.
        BpeTrainer trainer = BpeTrainer.builder().optVocabSize(300).maxLineChars(9000).build();
        assertEquals(trainer.trainOnTexts(List.of(text)).merges(), trainer.train(List.of(file)).merges());
    }

    @Test
    void badInputsNameTheValue(@TempDir Path dir) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.builder().optVocabSize(256).build());
        assertTrue(e.getMessage().contains("256") && e.getMessage().contains("257"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.builder().optVocabSize(257).optSpecialTokens(List.of("<a>", "<b>")).build());
        assertTrue(e.getMessage().contains("257") && e.getMessage().contains("258"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BpeTrainer.builder().optMinFrequency(0).build());
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.builder().optSpecialTokens(List.of("<x>", "<x>")).build());
        assertTrue(e.getMessage().contains("<x>"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.builder().optSpecialTokens(List.of("")).build());
        assertTrue(e.getMessage().contains("''"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.builder().optSpecialTokens(List.of("a")).build());
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        BpeTrainer trainer = BpeTrainer.builder().optVocabSize(300).build();
        assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of()));

        Path missing = dir.resolve("missing.txt");
        IOException io = assertThrows(IOException.class, () -> trainer.train(List.of(corpusFile, missing)));
        assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        io = assertThrows(IOException.class, () -> trainer.train(List.of(empty)));
        assertTrue(io.getMessage().contains(empty.toString()) && io.getMessage().contains("empty"), io.getMessage());
        io = assertThrows(IOException.class, () -> trainer.train(List.of(dir)));
        assertTrue(io.getMessage().contains(dir.toString()), io.getMessage());
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n'});
        io = assertThrows(IOException.class, () -> trainer.train(List.of(latin1)));
        assertTrue(io.getMessage().contains(latin1.toString()) && io.getMessage().contains("UTF-8")
                && io.getMessage().contains("byte 6") && io.getMessage().contains("line 2"), io.getMessage());
        assertTrue(io.getCause() instanceof java.nio.charset.CharacterCodingException);
        e = assertThrows(IllegalArgumentException.class, () -> java.decode(new int[] {400}));
        assertTrue(e.getMessage().contains("400"), e.getMessage());
    }

    // ---------------------------------------------------------------- reference

    /**
     * The textbook algorithm, recounting every pair from scratch at every step: pre-tokenize, count
     * words, then repeatedly merge the most frequent pair (ties: smallest left bytes, then right
     * bytes), never merging a pair twice.
     */
    static List<String> naiveMerges(List<String> texts, int learnedVocab, int minFrequency) {
        Map<String, Long> counts = new HashMap<>();
        for (String t : texts) {
            Matcher m = ByteLevel.PATTERN.matcher(t);
            while (m.find()) {
                counts.merge(m.group(), 1L, Long::sum);
            }
        }
        List<List<String>> words = new ArrayList<>();
        List<Long> freq = new ArrayList<>();
        counts.forEach((w, c) -> {
            List<String> syms = new ArrayList<>();
            for (char ch : ByteLevel.encode(w).toCharArray()) {
                syms.add(String.valueOf(ch));
            }
            words.add(syms);
            freq.add(c);
        });
        java.util.Set<String> vocab = new java.util.HashSet<>();
        for (int b = 0; b < 256; b++) {
            vocab.add(String.valueOf(ByteLevel.charOf(b)));
        }
        java.util.Set<String> done = new java.util.HashSet<>();
        List<String> merges = new ArrayList<>();
        while (vocab.size() < learnedVocab) {
            Map<List<String>, Long> pairs = new LinkedHashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairs.merge(List.of(s.get(i), s.get(i + 1)), freq.get(w), Long::sum);
                }
            }
            List<String> best = null;
            long bestCount = 0;
            for (Map.Entry<List<String>, Long> e : pairs.entrySet()) {
                if (done.contains(e.getKey().get(0) + " " + e.getKey().get(1))) {
                    continue;
                }
                long c = e.getValue();
                if (best == null || c > bestCount || (c == bestCount && smaller(e.getKey(), best))) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null || bestCount < minFrequency) {
                break;
            }
            String a = best.get(0);
            String b = best.get(1);
            merges.add(a + " " + b);
            done.add(a + " " + b);
            vocab.add(a + b);
            for (List<String> s : words) {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < s.size(); i++) {
                    if (i + 1 < s.size() && s.get(i).equals(a) && s.get(i + 1).equals(b)) {
                        out.add(a + b);
                        i++;
                    } else {
                        out.add(s.get(i));
                    }
                }
                s.clear();
                s.addAll(out);
            }
        }
        return merges;
    }

    private static boolean smaller(List<String> x, List<String> y) {
        int c = Arrays.compareUnsigned(ByteLevel.decode(x.get(0)), ByteLevel.decode(y.get(0)));
        if (c == 0) {
            c = Arrays.compareUnsigned(ByteLevel.decode(x.get(1)), ByteLevel.decode(y.get(1)));
        }
        return c < 0;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format("\\u{%X}", cp));
            }
        });
        return sb.append('"').toString();
    }
}
