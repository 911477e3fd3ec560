package dev.decaf.text.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Matcher;

/**
 * A byte-level BPE tokenizer in plain Java that encodes exactly as Hugging Face tokenizers does
 * with a GPT-2 style {@code tokenizer.json} (no normalizer, {@code ByteLevel} pre-tokenizer without
 * prefix space, BPE model without dropout, unknown token or word affixes):
 * <ol>
 *   <li>added tokens are cut out of the raw text first, leftmost match first and the longest one
 *       among matches that start at the same place, and encode to their own id;</li>
 *   <li>the rest is split into pre-tokens with {@link ByteLevel#PATTERN} and each pre-token's UTF-8
 *       bytes become one symbol per byte;</li>
 *   <li>within a pre-token, the adjacent pair with the lowest merge rank (position in the merge
 *       list; for a pair listed twice the later position counts) is merged, the leftmost one among
 *       equal ranks, until no adjacent pair has a merge.</li>
 * </ol>
 * Decoding maps each token back to bytes ({@link ByteLevel#decode}) and reads the concatenation as
 * UTF-8, replacing malformed sequences, so {@code decode(encode(s)).equals(s)} for every valid
 * UTF-8 string. Instances are immutable and thread-safe.
 *
 * <p>Checked against DJL 0.36's binding (same ids on trained tokenizers and random text) and
 * against GPT-2's own {@code tokenizer.json} and reference ids. One known difference: the regex
 * classes {@code \p{L}}, {@code \p{N}} and {@code \s} come from the JVM's Unicode tables (Unicode
 * 13 in Java 17) while Hugging Face's Oniguruma uses a newer Unicode, so text with characters
 * assigned after Unicode 13 (e.g. new CJK or hieroglyph letters) may be split into pre-tokens
 * differently and get different, equally decodable, ids.
 *
 * <p>The end-of-text and padding ids are looked up as in {@link TextTokenizer#load}, among the
 * added tokens.
 */
public final class BpeTokenizer implements TextTokenizer {

    private static final List<String> EOS = SpecialTokens.EOS;
    private static final List<String> PAD = SpecialTokens.PAD;

    private final String[] tokens;
    private final int[] byteIds = new int[256];
    /** (left id, right id) → rank (high 32 bits) and merged id (low 32 bits). */
    private final Map<Long, Long> merges;
    private final String[] added;
    private final int[] addedIds;
    private final int eos;
    private final int pad;

    private BpeTokenizer(Map<String, Integer> vocab, List<String[]> mergeList, Map<String, Integer> addedTokens) {
        int max = -1;
        for (int id : vocab.values()) {
            max = Math.max(max, id);
        }
        for (int id : addedTokens.values()) {
            max = Math.max(max, id);
        }
        tokens = new String[max + 1];
        vocab.forEach((t, id) -> {
            if (id < 0) {
                throw new IllegalArgumentException("negative id " + id + " for token '" + t + "'");
            }
            tokens[id] = t;
        });
        addedTokens.forEach((t, id) -> tokens[id] = t);
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null) {
                throw new IllegalArgumentException("vocabulary lacks the byte symbol '" + ByteLevel.charOf(b)
                        + "' (byte " + b + ")");
            }
            byteIds[b] = id;
        }
        merges = new HashMap<>(mergeList.size() * 2);
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String[] m = mergeList.get(rank);
            Integer a = vocab.get(m[0]);
            Integer b = vocab.get(m[1]);
            Integer c = vocab.get(m[0] + m[1]);
            if (a == null || b == null || c == null) {
                throw new IllegalArgumentException("merge '" + m[0] + " " + m[1] + "' (rank " + rank
                        + ") uses a token missing from the vocabulary");
            }
            merges.put(pair(a, b), ((long) rank << 32) | c);
        }
        added = addedTokens.keySet().toArray(new String[0]);
        addedIds = new int[added.length];
        for (int i = 0; i < added.length; i++) {
            if (added[i].isEmpty()) {
                throw new IllegalArgumentException("empty added token (id " + addedTokens.get(added[i]) + ")");
            }
            addedIds[i] = addedTokens.get(added[i]);
        }
        eos = firstId(EOS, addedTokens);
        int p = firstId(PAD, addedTokens);
        pad = p >= 0 ? p : eos;
    }

    /**
     * Builds a tokenizer from its parts.
     *
     * @param vocab byte-level token string → id
     * @param merges merge pairs (byte-level strings), highest priority first
     * @param addedTokens added (special) tokens, raw text → id; matched before pre-tokenization
     * @return the tokenizer
     * @throws IllegalArgumentException when a merge or byte symbol is missing from the vocabulary
     */
    public static BpeTokenizer of(Map<String, Integer> vocab, List<String[]> merges, Map<String, Integer> addedTokens) {
        return new BpeTokenizer(vocab, merges, addedTokens);
    }

    /**
     * Loads a GPT-2 style byte-level BPE {@code tokenizer.json} (as {@link BpeTrainer} writes it, or
     * GPT-2's own). Merges may be written as {@code "a b"} strings or {@code ["a", "b"]} pairs.
     *
     * @param path the file, or a directory containing {@code tokenizer.json}
     * @return the tokenizer
     * @throws IOException when the file is missing, malformed or not a byte-level BPE without
     *     normalizer and prefix space
     */
    public static BpeTokenizer load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no tokenizer.json");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IOException(file + ": model.type is '" + model.path("type").asText() + "', expected 'BPE'");
        }
        if (!root.path("normalizer").isNull() && !root.path("normalizer").isMissingNode()) {
            throw new IOException(file + ": has a normalizer, which BpeTokenizer does not implement");
        }
        JsonNode pre = root.path("pre_tokenizer");
        if (!"ByteLevel".equals(pre.path("type").asText()) || pre.path("add_prefix_space").asBoolean(false)
                || !pre.path("use_regex").asBoolean(true)) {
            throw new IOException(file + ": pre_tokenizer must be ByteLevel without prefix space, with regex");
        }
        for (String f : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!model.path(f).asText("").isEmpty()) {
                throw new IOException(file + ": model." + f + " must be empty");
            }
        }
        if (!model.path("dropout").isNull() && !model.path("dropout").isMissingNode()) {
            throw new IOException(file + ": model.dropout must be null");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        model.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            if (m.isArray() && m.size() == 2) {
                merges.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            } else {
                String[] parts = m.asText().split(" ", -1);
                if (parts.length != 2) {
                    throw new IOException(file + ": bad merge '" + m.asText() + "'");
                }
                merges.add(parts);
            }
        }
        Map<String, Integer> addedTokens = new LinkedHashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            addedTokens.put(a.path("content").asText(), a.path("id").asInt());
        }
        try {
            return new BpeTokenizer(vocab, merges, addedTokens);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static int firstId(List<String> candidates, Map<String, Integer> added) {
        for (String c : candidates) {
            Integer id = added.get(c);
            if (id != null) {
                return id;
            }
        }
        return -1;
    }

    static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        int from = 0;
        while (from < text.length()) {
            int best = -1;
            int bestAt = text.length();
            for (int i = 0; i < added.length; i++) {
                int at = text.indexOf(added[i], from);
                if (at >= 0 && (at < bestAt || (at == bestAt && added[i].length() > added[best].length()))) {
                    best = i;
                    bestAt = at;
                }
            }
            encodeOrdinary(text.substring(from, bestAt), out);
            if (best < 0) {
                break;
            }
            out.add(addedIds[best]);
            from = bestAt + added[best].length();
        }
        return out.toArray();
    }

    private void encodeOrdinary(String text, IntList out) {
        if (text.isEmpty()) {
            return;
        }
        Matcher m = ByteLevel.PATTERN.matcher(text);
        while (m.find()) {
            encodeWord(m.group().getBytes(StandardCharsets.UTF_8), out);
        }
    }

    /** Applies the merges to one pre-token: lowest rank first, leftmost among equal ranks. */
    private void encodeWord(byte[] bytes, IntList out) {
        int n = bytes.length;
        int[] sym = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteIds[bytes[i] & 0xFF];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        if (n > 1) {
            // Entries are rank << 32 | position: the queue's minimum is the lowest rank, leftmost.
            PriorityQueue<Long> queue = new PriorityQueue<>();
            for (int i = 0; i + 1 < n; i++) {
                Long m = merges.get(pair(sym[i], sym[i + 1]));
                if (m != null) {
                    queue.add((m >>> 32) << 32 | i);
                }
            }
            boolean[] dead = new boolean[n];
            while (!queue.isEmpty()) {
                long top = queue.poll();
                int pos = (int) top;
                long rank = top >>> 32;
                int right = next[pos];
                if (dead[pos] || right < 0) {
                    continue;
                }
                Long m = merges.get(pair(sym[pos], sym[right]));
                if (m == null || (m >>> 32) != rank) {
                    continue; // the pair at pos changed since this entry was queued
                }
                sym[pos] = (int) (long) m;
                dead[right] = true;
                next[pos] = next[right];
                if (next[pos] >= 0) {
                    prev[next[pos]] = pos;
                    Long r = merges.get(pair(sym[pos], sym[next[pos]]));
                    if (r != null) {
                        queue.add((r >>> 32) << 32 | pos);
                    }
                }
                if (prev[pos] >= 0) {
                    Long l = merges.get(pair(sym[prev[pos]], sym[pos]));
                    if (l != null) {
                        queue.add((l >>> 32) << 32 | prev[pos]);
                    }
                }
            }
        }
        for (int i = 0; i >= 0 && i < n; i = next[i]) {
            out.add(sym[i]);
        }
    }

    /**
     * {@inheritDoc} Every token, added tokens included, goes through {@link ByteLevel#decode}, as in
     * Hugging Face's {@code ByteLevel} decoder.
     *
     * @throws IllegalArgumentException when an id is outside the vocabulary
     */
    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (id < 0 || id >= tokens.length || tokens[id] == null) {
                throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size "
                        + tokens.length + ")");
            }
            bytes.writeBytes(ByteLevel.decode(tokens[id]));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Returns the token string of an id: byte-level characters for model tokens, raw text for
     * added tokens.
     *
     * @param id the id
     * @return the token, or null when the id is unused
     */
    public String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "BpeTokenizer[vocab=" + tokens.length + ", merges=" + merges.size() + ", added="
                + Arrays.toString(added) + "]";
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[Math.max(1, capacity)];
        }

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
