package dev.decaf.text.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.text.template.PromptTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The on-disk cache of a tokenised data file. An entry is named by its key, the SHA-256 of
 * everything that decides the stream: the cache version, the format, the tokenizer's fingerprint,
 * vocabulary size and end-of-text id, the skip option, the context length and the overlong rule
 * when they decide which tokens are kept (prompt–completion, messages and pre-tokenised data), the
 * prompt template of prompt–completion data when it is not the default (so entries made before
 * templates existed stay valid: the default renders the same tokens), the chat template and its
 * {@code bos_token}/{@code eos_token} of messages data, and the data file's bytes. Changing
 * any of them gives a new key, so a stale entry is never read. An entry has:
 *
 * <ul>
 *   <li>{@code KEY.tokens}: the token stream, int32 little-endian;
 *   <li>{@code KEY.mask}: prompt–completion and messages only, one byte per token, 1 where the token counts in
 *       the loss;
 *   <li>{@code KEY.offsets}: prompt–completion, messages and pre-tokenised only, int64 little-endian,
 *       example {@code i} spans tokens {@code [offsets[i], offsets[i+1])};
 *   <li>{@code KEY.json}: the counts, and each file's length and CRC-32C, written last.
 * </ul>
 *
 * Every file is written under a temporary name, forced to disk and renamed into place, the meta
 * file last, so a crash leaves no entry that looks complete. An entry whose files disagree with
 * its meta (truncated, corrupted) is rebuilt, never used.
 */
final class TokenCache {

    /** Bumped whenever the layout or the tokenisation rules change. */
    static final int VERSION = 2;

    /** The suffix of the default cache directory next to the data file. */
    static final String DIR_SUFFIX = ".decaf-cache";

    static final String TOKENS = ".tokens";
    static final String MASK = ".mask";
    static final String OFFSETS = ".offsets";
    static final String META = ".json";

    private TokenCache() {}

    /**
     * The facts about a cache entry its meta file records.
     *
     * @param tokens tokens in the stream
     * @param documents documents (or examples, for prompt–completion and pre-tokenised data)
     * @param skippedLines bad lines skipped
     * @param skipped the first skip messages
     * @param truncated examples truncated to {@code seqLen + 1} tokens
     * @param dropped examples longer than {@code seqLen + 1} tokens left out
     * @param tokensFile the token file's length and CRC-32C
     * @param maskFile the mask file's, or null
     * @param offsetsFile the offsets file's, or null
     */
    record Meta(long tokens, long documents, long skippedLines, List<String> skipped, long truncated, long dropped,
            FileSum tokensFile, FileSum maskFile, FileSum offsetsFile) {}

    /**
     * A file's length and CRC-32C.
     *
     * @param bytes the length
     * @param crc32c the checksum
     */
    record FileSum(long bytes, long crc32c) {}

    /** Returns the directory the entries of a data file live in. */
    static Path dir(SourceSpec spec) {
        if (spec.cacheDir() != null) {
            return spec.cacheDir();
        }
        Path file = spec.file().toAbsolutePath();
        return file.resolveSibling(file.getFileName() + DIR_SUFFIX);
    }

    /**
     * Computes an entry's key.
     *
     * @param spec the source
     * @param dataSha256 the SHA-256 of the data file's bytes
     * @return 64 hex digits
     */
    static String key(SourceSpec spec, byte[] dataSha256) {
        MessageDigest md = sha256();
        StringBuilder s = new StringBuilder()
                .append("decaf-token-cache\n")
                .append("version=").append(VERSION).append('\n')
                .append("format=").append(spec.format()).append('\n')
                .append("plainText=").append(spec.layout().plainText()).append('\n')
                .append("tokenizer=").append(spec.tokenizerFingerprint()).append('\n')
                .append("vocabSize=").append(spec.tokenizer().vocabSize()).append('\n')
                .append("eos=").append(spec.tokenizer().eosId()).append('\n')
                .append("skipBadLines=").append(spec.skipBadLines()).append('\n');
        if (spec.format() != DataFormat.TEXT) {
            s.append("seqLen=").append(spec.seqLen()).append('\n');
            s.append("overlong=").append(spec.overlong()).append('\n');
        }
        if (spec.format() == DataFormat.PROMPT_COMPLETION
                && !spec.template().template().equals(PromptTemplate.defaultTemplate().template())) {
            text(s, "template", spec.template().template());
        }
        if (spec.format() == DataFormat.MESSAGES) {
            text(s, "chatTemplate", spec.chatTemplate().template());
            text(s, "bosToken", spec.chatTemplate().bosToken());
            text(s, "eosToken", spec.chatTemplate().eosToken());
        }
        md.update(s.toString().getBytes(StandardCharsets.UTF_8));
        md.update(dataSha256);
        return HexFormat.of().formatHex(md.digest());
    }

    /** Appends {@code name=LENGTH:text} (or {@code name=null}): the length keeps any text unambiguous. */
    private static void text(StringBuilder s, String name, String text) {
        s.append(name).append('=');
        if (text == null) {
            s.append("null");
        } else {
            s.append(text.length()).append(':').append(text);
        }
        s.append('\n');
    }

    /**
     * Hashes a file's bytes, streaming.
     *
     * @param file the file
     * @return its SHA-256
     * @throws IOException when reading fails
     */
    static byte[] sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    /** Returns a fresh SHA-256 digest. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Reads an entry's meta file.
     *
     * @param meta the meta file
     * @param key the key it must record
     * @param format the format it must record
     * @return the meta
     * @throws IOException when the file is unreadable or does not match
     */
    static Meta readMeta(Path meta, String key, DataFormat format) throws IOException {
        JsonNode root = JsonLines.MAPPER.readTree(meta.toFile());
        if (root == null || root.path("version").asInt(-1) != VERSION) {
            throw new IOException("meta version is not " + VERSION);
        }
        if (!key.equals(root.path("key").asText()) || !format.name().equals(root.path("format").asText())) {
            throw new IOException("meta names another key or format");
        }
        List<String> skipped = new ArrayList<>();
        root.path("skipped").forEach(n -> skipped.add(n.asText()));
        JsonNode files = root.path("files");
        return new Meta(number(root, "tokens"), number(root, "documents"), number(root, "skippedLines"), skipped,
                number(root, "truncated"), number(root, "dropped"),
                sum(files, "tokens"), sum(files, "mask"), sum(files, "offsets"));
    }

    private static long number(JsonNode node, String field) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToLong() || v.longValue() < 0) {
            throw new IOException("meta field '" + field + "' is missing or invalid");
        }
        return v.longValue();
    }

    private static FileSum sum(JsonNode files, String name) throws IOException {
        JsonNode f = files.get(name);
        return f == null ? null : new FileSum(number(f, "bytes"), number(f, "crc32c"));
    }

    /**
     * Writes a meta file (to a temporary path, which the caller then moves into place, meta file last).
     *
     * @param path where
     * @param key the entry's key
     * @param spec the source
     * @param meta the facts
     * @throws IOException when writing fails
     */
    static void writeMeta(Path path, String key, SourceSpec spec, Meta meta) throws IOException {
        ObjectNode root = JsonLines.MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.put("key", key);
        root.put("dataFile", spec.file().toAbsolutePath().toString());
        root.put("format", spec.format().name());
        root.put("plainText", spec.layout().plainText());
        root.put("tokenizer", spec.tokenizerFingerprint());
        root.put("tokens", meta.tokens());
        root.put("documents", meta.documents());
        root.put("skippedLines", meta.skippedLines());
        root.put("truncated", meta.truncated());
        root.put("dropped", meta.dropped());
        ArrayNode skipped = root.putArray("skipped");
        meta.skipped().forEach(skipped::add);
        ObjectNode files = root.putObject("files");
        putSum(files, "tokens", meta.tokensFile());
        putSum(files, "mask", meta.maskFile());
        putSum(files, "offsets", meta.offsetsFile());
        byte[] bytes = JsonLines.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private static void putSum(ObjectNode files, String name, FileSum sum) {
        if (sum != null) {
            ObjectNode f = files.putObject(name);
            f.put("bytes", sum.bytes());
            f.put("crc32c", sum.crc32c());
        }
    }
}
