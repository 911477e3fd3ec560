package dev.decaf.text.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.decaf.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data file as a memory-mapped token stream, tokenised once and cached (see {@link
 * TokenCache}), and the examples it holds: for text, consecutive blocks of {@code seqLen + 1}
 * tokens cut from the stream (a shorter tail is dropped), each block an example of its own; for
 * prompt–completion, messages and pre-tokenised data, one example per kept line, at most {@code seqLen + 1}
 * tokens, as the offsets file delimits it.
 */
final class TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(TokenSource.class);

    private final Path file;
    private final DataFormat format;
    private final int blockLength;
    private final TokenCache.Meta meta;
    private final boolean fromCache;
    private final MappedFile tokens;
    private final MappedFile mask;
    private final MappedFile offsets;
    private final long examples;

    private TokenSource(SourceSpec spec, TokenCache.Meta meta, boolean fromCache, MappedFile tokens,
            MappedFile mask, MappedFile offsets) {
        this.file = spec.file();
        this.format = spec.format();
        this.blockLength = spec.blockLength();
        this.meta = meta;
        this.fromCache = fromCache;
        this.tokens = tokens;
        this.mask = mask;
        this.offsets = offsets;
        this.examples = streamBlocks() ? meta.tokens() / blockLength : meta.documents();
    }

    /**
     * Opens a data file: from the cache when a valid entry exists, else by tokenising it into a
     * new entry.
     *
     * @param spec the source
     * @param warnings receives a line per problem worth telling the user (a rebuilt cache)
     * @return the source
     * @throws DataException when the data is unusable
     * @throws IOException when reading or writing fails
     */
    static TokenSource open(SourceSpec spec, List<String> warnings) throws IOException {
        Path dir = TokenCache.dir(spec);
        byte[] dataSha = TokenCache.sha256(spec.file());
        String key = TokenCache.key(spec, dataSha);
        Path metaFile = dir.resolve(key + TokenCache.META);
        if (Files.isRegularFile(metaFile)) {
            try {
                TokenSource cached = load(spec, dir, key, metaFile);
                LOG.debug("{}: {} tokens loaded from cache {}", spec.file(), cached.tokenCount(), metaFile);
                return cached;
            } catch (IOException | RuntimeException e) {
                String warning = spec.file() + ": token cache " + metaFile + " is corrupt (" + oneLine(e)
                        + "); tokenising again";
                LOG.debug(warning); // reported once, through LmDataset.warnings()
                warnings.add(warning);
            }
        }
        return build(spec, dir, key, dataSha);
    }

    /** An exception's reason on one line (Jackson appends the location on further lines). */
    private static String oneLine(Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).strip();
    }

    private static TokenSource load(SourceSpec spec, Path dir, String key, Path metaFile) throws IOException {
        TokenCache.Meta meta = TokenCache.readMeta(metaFile, key, spec.format());
        boolean pc = spec.format().supervised();
        boolean delimited = hasOffsets(spec.format());
        MappedFile tokens = verify(spec, dir.resolve(key + TokenCache.TOKENS), meta.tokensFile(),
                meta.tokens() * Integer.BYTES);
        MappedFile mask = pc
                ? verify(spec, dir.resolve(key + TokenCache.MASK), meta.maskFile(), meta.tokens())
                : null;
        MappedFile offsets = delimited
                ? verify(spec, dir.resolve(key + TokenCache.OFFSETS), meta.offsetsFile(),
                        (meta.documents() + 1) * Long.BYTES)
                : null;
        if (offsets != null && offsets.readLong(meta.documents()) != meta.tokens()) {
            throw new IOException("the offsets do not end at the token count");
        }
        return new TokenSource(spec, meta, true, tokens, mask, offsets);
    }

    private static MappedFile verify(SourceSpec spec, Path path, TokenCache.FileSum sum, long expectedBytes)
            throws IOException {
        if (sum == null) {
            throw new IOException("the meta file does not describe " + path.getFileName());
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path.getFileName() + " is missing");
        }
        long size = Files.size(path);
        if (size != expectedBytes || size != sum.bytes()) {
            throw new IOException(path.getFileName() + " is " + size + " bytes, expected " + expectedBytes);
        }
        MappedFile mapped = MappedFile.open(path, spec.segmentBytes());
        if (mapped.crc() != sum.crc32c()) {
            throw new IOException(path.getFileName() + " fails its CRC-32C check");
        }
        return mapped;
    }

    private static TokenSource build(SourceSpec spec, Path dir, String key, byte[] dataSha) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException(spec.file(), "cannot create the token cache directory " + dir + " ("
                    + e.getMessage() + "); choose another with optCacheDir", e);
        }
        boolean pc = spec.format().supervised();
        boolean delimited = hasOffsets(spec.format());
        String tmp = ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path tokensFile = dir.resolve(key + TokenCache.TOKENS);
        Path maskFile = dir.resolve(key + TokenCache.MASK);
        Path offsetsFile = dir.resolve(key + TokenCache.OFFSETS);
        Path metaFile = dir.resolve(key + TokenCache.META);
        List<Path> temps = new ArrayList<>();
        Path tokensTmp = temp(temps, tokensFile, tmp);
        Path maskTmp = pc ? temp(temps, maskFile, tmp) : null;
        Path offsetsTmp = delimited ? temp(temps, offsetsFile, tmp) : null;
        Path metaTmp = temp(temps, metaFile, tmp);
        long start = System.nanoTime();
        LOG.info("tokenising {} ({}) into {}", spec.file(), spec.format(), dir);
        try {
            TokenCache.Meta meta;
            try (CacheFileWriter t = CacheFileWriter.create(tokensTmp);
                    CacheFileWriter m = pc ? CacheFileWriter.create(maskTmp) : null;
                    CacheFileWriter o = delimited ? CacheFileWriter.create(offsetsTmp) : null) {
                Tokenization.Result r = Tokenization.run(spec, dataSha, t, m, o);
                t.finish();
                if (m != null) {
                    m.finish();
                }
                if (o != null) {
                    o.finish();
                }
                meta = new TokenCache.Meta(r.tokens(), r.documents(), r.skippedLines(), r.skipped(), r.truncated(),
                        r.dropped(),
                        new TokenCache.FileSum(t.bytes(), t.crc()),
                        m == null ? null : new TokenCache.FileSum(m.bytes(), m.crc()),
                        o == null ? null : new TokenCache.FileSum(o.bytes(), o.crc()));
            }
            TokenCache.writeMeta(metaTmp, key, spec, meta);
            Files.deleteIfExists(metaFile);
            AtomicFiles.move(tokensTmp, tokensFile);
            if (pc) {
                AtomicFiles.move(maskTmp, maskFile);
            }
            if (delimited) {
                AtomicFiles.move(offsetsTmp, offsetsFile);
            }
            AtomicFiles.move(metaTmp, metaFile);
            LOG.info("{}: {} documents, {} tokens, {} lines skipped, tokenised in {} ms", spec.file(),
                    meta.documents(), meta.tokens(), meta.skippedLines(), (System.nanoTime() - start) / 1_000_000);
            return new TokenSource(spec, meta, false,
                    MappedFile.open(tokensFile, spec.segmentBytes()),
                    pc ? MappedFile.open(maskFile, spec.segmentBytes()) : null,
                    delimited ? MappedFile.open(offsetsFile, spec.segmentBytes()) : null);
        } finally {
            for (Path p : temps) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path temp(List<Path> temps, Path target, String suffix) {
        Path p = target.resolveSibling(target.getFileName() + suffix);
        temps.add(p);
        return p;
    }

    /** Returns whether the format keeps example offsets (everything but text). */
    private static boolean hasOffsets(DataFormat format) {
        return format != DataFormat.TEXT;
    }

    /** Returns whether examples are blocks cut from the stream (text). */
    private boolean streamBlocks() {
        return !hasOffsets(format);
    }

    /** Returns the data file. */
    Path file() {
        return file;
    }

    /** Returns the format. */
    DataFormat format() {
        return format;
    }

    /** Returns whether the stream came from the cache (the tokenizer was not called). */
    boolean fromCache() {
        return fromCache;
    }

    /** Returns the tokens in the stream. */
    long tokenCount() {
        return meta.tokens();
    }

    /** Returns the documents (or examples) kept. */
    long documents() {
        return meta.documents();
    }

    /** Returns the bad lines skipped. */
    long skippedLines() {
        return meta.skippedLines();
    }

    /** Returns the first skip messages. */
    List<String> skipped() {
        return meta.skipped();
    }

    /** Returns the examples truncated to {@code seqLen + 1} tokens. */
    long truncated() {
        return meta.truncated();
    }

    /** Returns the examples longer than {@code seqLen + 1} tokens left out. */
    long dropped() {
        return meta.dropped();
    }

    /** Returns the number of examples (blocks, for text). */
    long exampleCount() {
        return examples;
    }

    /** Returns the tokens after the last full block (0 when examples are lines). */
    long droppedTokens() {
        return streamBlocks() ? meta.tokens() - examples * blockLength : 0;
    }

    /**
     * Returns the number of tokens of an example.
     *
     * @param index the example's index in this file
     * @return its tokens ({@code seqLen + 1} for a text block)
     */
    int exampleTokens(long index) {
        if (streamBlocks()) {
            return blockLength;
        }
        return (int) (offsets.readLong(index + 1) - offsets.readLong(index));
    }

    /**
     * Returns the tokens of the longest example (a text block has {@code seqLen + 1}), read from the
     * offsets: one pass over them, no tokenisation.
     *
     * @return the most tokens of any example
     */
    int longestExample() {
        if (streamBlocks()) {
            return blockLength;
        }
        int longest = 0;
        long previous = offsets.readLong(0);
        for (long i = 1; i <= examples; i++) {
            long next = offsets.readLong(i);
            longest = (int) Math.max(longest, next - previous);
            previous = next;
        }
        return longest;
    }

    /**
     * Reads a prompt–completion example split at its loss mask.
     *
     * @param index the example's index in this file
     * @return its prompt tokens (mask 0) and answer tokens (mask 1)
     */
    PromptCompletionIds promptCompletion(long index) {
        if (mask == null) {
            throw new IllegalStateException(file + " is " + format + " data, not prompt-completion");
        }
        if (index < 0 || index >= examples) {
            throw new IndexOutOfBoundsException("example " + index + " of " + examples + " in " + file);
        }
        long start = offsets.readLong(index);
        int n = exampleTokens(index);
        int[] ids = new int[n];
        tokens.readInts(start, ids, 0, n);
        byte[] m = new byte[n];
        mask.readBytes(start, m, 0, n);
        int prompt = 0;
        while (prompt < n && m[prompt] == 0) {
            prompt++; // an example is its prompt (mask 0), then its answer (mask 1)
        }
        return new PromptCompletionIds(Arrays.copyOf(ids, prompt), Arrays.copyOfRange(ids, prompt, n));
    }

    /**
     * Reads an example: its tokens and the loss weight of each label position (the mask of the
     * label token; 1 without a mask).
     *
     * @param index the example's index in this file
     * @return the example as a one-example sample
     */
    Sample example(long index) {
        if (index < 0 || index >= examples) {
            throw new IndexOutOfBoundsException("example " + index + " of " + examples + " in " + file);
        }
        long start = streamBlocks() ? index * blockLength : offsets.readLong(index);
        int n = exampleTokens(index);
        int[] ids = new int[n];
        tokens.readInts(start, ids, 0, n);
        float[] weights = new float[n - 1];
        if (mask != null) {
            byte[] m = new byte[n - 1];
            mask.readBytes(start + 1, m, 0, n - 1);
            for (int j = 0; j < m.length; j++) {
                weights[j] = m[j];
            }
        } else {
            Arrays.fill(weights, 1f);
        }
        return new Sample(ids, weights);
    }
}
