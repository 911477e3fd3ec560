package dev.decaf.text.data;

import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dataset for fine-tuning a language model on next-token prediction, as plain Java arrays (no
 * engine types): a training split, an optional validation split, and their sizes.
 *
 * <p><b>Formats</b> are described in {@link DataFormat}. <b>Text</b> is packed as a stream: every
 * document is followed by one end-of-text id and all are joined into one stream, cut into
 * consecutive blocks of {@code seqLen + 1} tokens; block {@code b} gives inputs {@code stream[b(L) …
 * b(L)+seqLen)} and labels {@code stream[b(L)+1 … b(L)+seqLen]} with {@code L = seqLen + 1}. The
 * tail shorter than a block is dropped and counted. Attention runs across the documents of a block.
 *
 * <p><b>Prompt–completion</b> examples (the prompt framed by the {@link Builder#optTemplate
 * template}, the completion, end-of-text; the loss on the completion and its end-of-text only: the
 * mask of a label position is the mask of the label token) and <b>messages</b> examples (a
 * conversation rendered by the {@link Builder#optChatTemplate chat template}, the loss on its
 * assistant turns) are never split; what follows holds for both, a conversation's tokens before
 * its first assistant turn counting as its prompt. An example of more than {@code seqLen + 1} tokens is first truncated, dropped or refused as
 * {@link Builder#optOverlong} says (see {@link Overlong}: by default the completion loses its end,
 * and with it the end-of-text). With packing ({@link Builder#optPacking}, the default) whole
 * examples are laid into rows greedily in file order ({@link PackPlan}: a row takes examples while
 * their positions, {@code n − 1} for {@code n} tokens, fit in {@code seqLen}), the rest of a row
 * padded with loss mask 0; each example gets its own segment id, so a model attends only within
 * an example and restarts positions at its start (see {@link Batch}). Without packing, a row is
 * one example, padded. <b>Pre-tokenised</b> lines are one example per row, as given (overlong ones
 * keep their first {@code seqLen + 1} ids by default), right-padded in batches.
 *
 * <p><b>Caching</b>: a file is tokenised once, streaming, into {@code <file>.decaf-cache/} (or
 * {@link Builder#optCacheDir}), keyed by the SHA-256 of the data bytes, the tokenizer's
 * fingerprint, the format, the templates and the cache version (see {@link Builder#optTokenizerFile}
 * and {@link TokenCache}). Later builds read the stream back through a memory mapping without
 * calling the tokenizer; a changed file, tokenizer or template gives a new key, and a damaged entry is rebuilt with a warning.
 *
 * <pre>{@code
 * try (TextTokenizer tok = TextTokenizer.load(modelDir)) {
 *     LmDataset data = LmDataset.builder()
 *             .setDataFile(Path.of("sft.jsonl"))
 *             .setTokenizer(tok)
 *             .optTokenizerFile(modelDir.resolve("tokenizer.json"))
 *             .setSeqLen(1024)
 *             .optValidationFraction(0.05)
 *             .optSeed(42)
 *             .build();
 *     DataStats s = data.stats();            // N = s.trainSamples(), D = s.trainTokens()
 *     for (int epoch = 0; epoch < 3; epoch++) {
 *         BatchIterator it = data.train().batches(epoch, 8);
 *         while (it.hasNext()) {
 *             Batch b = it.next();           // b.inputs(), b.labels(), b.lossMask()
 *             // checkpoint (epoch, it.position()) to resume with batches(epoch, 8, position)
 *         }
 *     }
 * }
 * }</pre>
 */
public final class LmDataset {

    private static final Logger LOG = LoggerFactory.getLogger(LmDataset.class);

    private final DataFormat format;
    private final int seqLen;
    private final DataSplit train;
    private final DataSplit validation;
    private final int trainPool;
    private final DataStats stats;
    private final List<String> warnings;
    private final boolean fromCache;
    private final int longestExample;

    private LmDataset(DataFormat format, int seqLen, DataSplit train, DataSplit validation, int trainPool,
            DataStats stats, List<String> warnings, boolean fromCache, int longestExample) {
        this.trainPool = trainPool;
        this.format = format;
        this.seqLen = seqLen;
        this.longestExample = longestExample;
        this.train = train;
        this.validation = validation;
        this.stats = stats;
        this.warnings = List.copyOf(warnings);
        this.fromCache = fromCache;
    }

    /** Starts a dataset. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the training split. */
    public DataSplit train() {
        return train;
    }

    /** Returns the validation split (empty when neither a file nor a fraction was given). */
    public DataSplit validation() {
        return validation;
    }

    /**
     * Returns the training examples left after the validation split (text: blocks), of which the
     * training split holds {@link Builder#optTrainFraction the fraction}; equal to {@code
     * train().examples()} at fraction 1.
     */
    public int trainPool() {
        return trainPool;
    }

    /** Returns the sizes: documents, tokens, samples per split, dropped tokens, skipped lines. */
    public DataStats stats() {
        return stats;
    }

    /** Returns the training file's format (never AUTO). */
    public DataFormat format() {
        return format;
    }

    /** Returns the context length: the one set, or the one chosen with {@link Builder#setSeqLenUpTo}. */
    public int seqLen() {
        return seqLen;
    }

    /**
     * Returns the tokens of the longest example of either file after the overlong rule, end-of-text
     * included ({@code seqLen + 1} for text, whose examples are blocks).
     *
     * @return the most tokens of any example
     */
    public int longestExample() {
        return longestExample;
    }

    /** Returns whether every token stream came from the cache, without calling the tokenizer. */
    public boolean fromCache() {
        return fromCache;
    }

    /**
     * Returns what the user should know: truncated or dropped overlong examples (one line per
     * file with the count), skipped lines (a count per file, then the first 20 as {@code
     * FILE:LINE: problem}) and rebuilt caches.
     *
     * @return the warnings, in order
     */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "LmDataset[" + format + ", seqLen=" + seqLen + ", " + stats + "]";
    }

    /** Builds an {@link LmDataset}; {@code set*} options are required, {@code opt*} ones are not. */
    public static final class Builder {
        private Path dataFile;
        private TextTokenizer tokenizer;
        private int seqLen;
        private boolean fitSeqLen;
        private Path tokenizerFile;
        private String tokenizerFingerprint;
        private DataFormat format = DataFormat.AUTO;
        private Path validationFile;
        private double validationFraction;
        private double trainFraction = 1.0;
        private long seed;
        private boolean shuffle = true;
        private boolean skipBadLines;
        private Overlong overlong = Overlong.TRUNCATE;
        private boolean packing = true;
        private PromptTemplate template = PromptTemplate.defaultTemplate();
        private ChatTemplate chatTemplate;
        private Path cacheDir;
        private boolean padToLongest;
        private int segmentBytes = MappedFile.DEFAULT_SEGMENT_BYTES;

        private Builder() {}

        /**
         * Sets the training data file ({@code .txt}, {@code .jsonl} or {@code .json}).
         *
         * @param file the file
         * @return this builder
         */
        public Builder setDataFile(Path file) {
            this.dataFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Sets the tokenizer. It is only called when a file is not in the cache; the dataset keeps
         * no reference to it.
         *
         * @param tokenizer the tokenizer
         * @return this builder
         */
        public Builder setTokenizer(TextTokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /**
         * Sets the context length: inputs and labels have {@code seqLen} positions, a sample
         * {@code seqLen + 1} tokens.
         *
         * @param seqLen the length, ≥ 1
         * @return this builder
         */
        public Builder setSeqLen(int seqLen) {
            if (seqLen < 1 || seqLen == Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "seqLen must be in [1, " + (Integer.MAX_VALUE - 1) + "], got " + seqLen);
            }
            this.seqLen = seqLen;
            this.fitSeqLen = false;
            return this;
        }

        /**
         * Lets the data choose the context length, at most {@code max} (a model's positions): for
         * prompt–completion and pre-tokenised data the positions of the longest example of either
         * file, {@code min(max, max(2, n − 1))} for an example of {@code n} tokens (end-of-text
         * included: a row of {@code seqLen} positions holds {@code seqLen + 1} tokens), or {@code max}
         * when an example is longer than {@code max + 1} tokens (then {@link #optOverlong} applies);
         * for text {@code max}. The files are tokenised once, with the limit {@code max}: as no
         * example is longer than the length chosen, the streams are the same. {@link
         * LmDataset#seqLen()} returns the choice.
         *
         * @param max the longest context, ≥ 1
         * @return this builder
         */
        public Builder setSeqLenUpTo(int max) {
            setSeqLen(max);
            this.fitSeqLen = true;
            return this;
        }

        /**
         * Identifies the tokenizer for the cache by the SHA-256 of its {@code tokenizer.json}
         * (one of this and {@link #optTokenizerFingerprint} is required).
         *
         * @param file the {@code tokenizer.json}, or a directory holding it
         * @return this builder
         */
        public Builder optTokenizerFile(Path file) {
            this.tokenizerFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Identifies the tokenizer for the cache by a string that changes whenever its output does
         * (for tokenizers not loaded from a {@code tokenizer.json}).
         *
         * @param fingerprint the fingerprint
         * @return this builder
         */
        public Builder optTokenizerFingerprint(String fingerprint) {
            if (fingerprint == null || fingerprint.isBlank()) {
                throw new IllegalArgumentException("tokenizer fingerprint must not be blank");
            }
            this.tokenizerFingerprint = fingerprint;
            return this;
        }

        /**
         * Sets the format of the data files (default AUTO).
         *
         * @param format the format
         * @return this builder
         */
        public Builder optFormat(DataFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Takes validation samples from a separate file (same format rules and options).
         *
         * @param file the file
         * @return this builder
         */
        public Builder optValidationFile(Path file) {
            this.validationFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Holds out a fraction of the training file's examples for validation, chosen by the seed:
         * {@code max(1, round(fraction·examples))} of them, the same on every run, disjoint from
         * training. Prompt–completion and pre-tokenised examples are held out whole (and each
         * split packed on its own); text blocks are held out whole, so a document may straddle
         * both splits.
         *
         * @param fraction in [0, 1); 0 means none
         * @return this builder
         */
        public Builder optValidationFraction(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
            }
            this.validationFraction = fraction;
            return this;
        }

        /**
         * Trains on a fraction f of the training examples (text: of its blocks), taken after the
         * validation split so the validation split is the same for every f: {@code max(1,
         * round(f·N))} of the N left, a prefix of one permutation seeded by {@link #optSeed}, so a
         * smaller fraction's examples are inside a larger one's (see {@link TrainSubset}). The
         * token cache is the same for every f.
         *
         * @param fraction in (0, 1]; 1 (the default) trains on all of them
         * @return this builder
         */
        public Builder optTrainFraction(double fraction) {
            TrainSubset.count(0, fraction); // checks the range
            this.trainFraction = fraction;
            return this;
        }

        /**
         * Sets the seed of the shuffling, of the validation hold-out and of the training subset
         * (default 0).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets whether training epochs are shuffled (default true). Validation is never shuffled.
         *
         * @param shuffle whether to shuffle
         * @return this builder
         */
        public Builder optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Makes bad lines (invalid JSON, missing or mistyped fields, examples too long, ids outside
         * the vocabulary, lines over 8 MiB) counted skips, reported in {@link LmDataset#warnings()}, instead of
         * errors (default false).
         *
         * @param skip whether to skip
         * @return this builder
         */
        public Builder optSkipBadLines(boolean skip) {
            this.skipBadLines = skip;
            return this;
        }

        /**
         * Sets what becomes of a prompt–completion or pre-tokenised example longer than {@code
         * seqLen + 1} tokens (default {@link Overlong#TRUNCATE}; see {@link Overlong} for the
         * rule). Truncated and dropped examples are counted in {@link LmDataset#stats()} and
         * reported once per file in {@link LmDataset#warnings()}.
         *
         * @param overlong truncate, drop or error
         * @return this builder
         */
        public Builder optOverlong(Overlong overlong) {
            this.overlong = Objects.requireNonNull(overlong, "overlong");
            return this;
        }

        /**
         * Sets whether prompt–completion and messages examples are packed several whole examples to a row
         * (default true) or laid one to a row. Text is always packed as a stream, pre-tokenised
         * lines never.
         *
         * @param packing whether to pack
         * @return this builder
         */
        public Builder optPacking(boolean packing) {
            this.packing = packing;
            return this;
        }

        /**
         * Sets how a prompt–completion example's prompt is framed (default {@link
         * PromptTemplate#defaultTemplate()}: the prompt as it is, the completion right after it).
         * The framed prompt and the completion are tokenised separately, so the loss mask starts
         * exactly at the completion.
         *
         * @param template the template
         * @return this builder
         */
        public Builder optTemplate(PromptTemplate template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * Sets the chat template that renders {@link DataFormat#MESSAGES} data (the model's, see
         * {@link ChatTemplate#fromTokenizerConfig}); messages data without one is an error. Other
         * formats ignore it.
         *
         * @param chatTemplate the template, or null for none
         * @return this builder
         */
        public Builder optChatTemplate(ChatTemplate chatTemplate) {
            this.chatTemplate = chatTemplate;
            return this;
        }

        /**
         * Puts the token cache in a directory of one's choice (default {@code <data
         * file>.decaf-cache} next to each data file).
         *
         * @param dir the directory, created when missing
         * @return this builder
         */
        public Builder optCacheDir(Path dir) {
            this.cacheDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Pads a batch to its longest row rather than to {@code seqLen} (default false: every batch
         * is {@code seqLen} wide). Only pre-tokenised samples can be shorter.
         *
         * @param padToLongest whether to pad to the longest row
         * @return this builder
         */
        public Builder optPadToLongest(boolean padToLongest) {
            this.padToLongest = padToLongest;
            return this;
        }

        /** Sets the size of one memory mapping (tests use small ones to cross segment borders). */
        Builder segmentBytes(int bytes) {
            this.segmentBytes = bytes;
            return this;
        }

        /**
         * Reads (or tokenises) the data and builds the dataset.
         *
         * @return the dataset
         * @throws DataException when a data file is missing, empty or malformed
         * @throws IOException when reading or writing fails
         */
        public LmDataset build() throws IOException {
            if (dataFile == null) {
                throw new IllegalStateException("no data file: call setDataFile");
            }
            if (tokenizer == null) {
                throw new IllegalStateException("no tokenizer: call setTokenizer");
            }
            if (seqLen == 0) {
                throw new IllegalStateException("no context length: call setSeqLen");
            }
            if (tokenizerFile == null && tokenizerFingerprint == null) {
                throw new IllegalStateException("the token cache needs to identify the tokenizer:"
                        + " call optTokenizerFile or optTokenizerFingerprint");
            }
            if (validationFile != null && validationFraction > 0) {
                throw new IllegalStateException("choose one of optValidationFile and optValidationFraction");
            }
            String fingerprint = tokenizerFingerprint != null ? tokenizerFingerprint : fingerprintOf(tokenizerFile);
            List<String> warnings = new ArrayList<>();

            TokenSource trainSource = open(dataFile, fingerprint, warnings);
            TokenSource validationSource = validationFile == null ? null : open(validationFile, fingerprint, warnings);
            int padId = tokenizer.padId() >= 0 ? tokenizer.padId() : Math.max(tokenizer.eosId(), 0);
            int longest = Math.max(trainSource.longestExample(),
                    validationSource == null ? 0 : validationSource.longestExample());
            int rowLen = fitSeqLen ? fittedSeqLen(trainSource, validationSource, longest) : seqLen;

            int n = (int) trainSource.exampleCount();
            int[] trainIdx;
            int[] validationIdx;
            if (validationFraction > 0) {
                int k = (int) Math.max(1, Math.round(validationFraction * n));
                if (k >= n) {
                    String unit = trainSource.format() == DataFormat.TEXT ? "sample" : "example";
                    throw new DataException(dataFile, "validation fraction " + validationFraction
                            + " leaves no training " + unit + "s (" + n + " " + unit + (n == 1 ? "" : "s")
                            + " in all)");
                }
                int[] p = Permutations.of(n, seed, Permutations.VALIDATION_STREAM);
                validationIdx = Arrays.copyOf(p, k);
                Arrays.sort(validationIdx);
                trainIdx = complement(validationIdx, n);
            } else {
                trainIdx = identity(n);
                validationIdx = validationSource == null ? new int[0]
                        : identity((int) validationSource.exampleCount());
            }
            int trainPool = trainIdx.length;
            trainIdx = TrainSubset.of(trainIdx, trainFraction, seed);
            boolean pack = packing && trainSource.format().supervised();
            DataSplit train = new DataSplit("train", trainSource, trainIdx, pack, shuffle, seed, rowLen, padId,
                    padToLongest);
            TokenSource vs = validationSource != null ? validationSource : trainSource;
            boolean packValidation = packing && vs.format().supervised();
            DataSplit validation = validationIdx.length == 0 ? DataSplit.empty("validation", rowLen, padId)
                    : new DataSplit("validation", vs, validationIdx, packValidation, false, seed, rowLen, padId,
                            padToLongest);

            long dropped = trainSource.droppedTokens();
            long skipped = trainSource.skippedLines();
            long truncatedExamples = trainSource.truncated();
            long droppedExamples = trainSource.dropped();
            if (validationSource != null) {
                dropped += validationSource.droppedTokens();
                skipped += validationSource.skippedLines();
                truncatedExamples += validationSource.truncated();
                droppedExamples += validationSource.dropped();
            }
            DataStats stats = new DataStats(trainSource.documents(), trainSource.tokenCount(), train.size(),
                    validation.size(), train.tokens(), validation.tokens(), dropped, skipped, train.examples(),
                    validation.examples(), truncatedExamples, droppedExamples);
            boolean cached = trainSource.fromCache() && (validationSource == null || validationSource.fromCache());
            LOG.info("{}: {}", dataFile, stats);
            return new LmDataset(trainSource.format(), rowLen, train, validation, trainPool, stats, warnings, cached,
                    longest);
        }

        /** The context length {@link #setSeqLenUpTo} chooses; {@code seqLen} holds its maximum. */
        private int fittedSeqLen(TokenSource train, TokenSource validation, int longest) {
            long overlong = train.truncated() + train.dropped()
                    + (validation == null ? 0 : validation.truncated() + validation.dropped());
            if (overlong > 0 || longest > seqLen) { // text blocks are seqLen + 1 long
                return seqLen;
            }
            return Math.min(seqLen, Math.max(2, longest - 1));
        }

        private TokenSource open(Path file, String fingerprint, List<String> warnings) throws IOException {
            FormatDetection.Layout layout = FormatDetection.resolve(file, format, skipBadLines);
            if (layout.format().packed() && tokenizer.eosId() < 0) {
                throw new DataException(file, "the tokenizer has no end-of-text token, which "
                        + layout.format() + " data needs after each document");
            }
            if (layout.format() == DataFormat.MESSAGES && chatTemplate == null) {
                throw new DataException(file, "holds chat data ('messages'), which needs the model's chat template,"
                        + " and none was given");
            }
            SourceSpec spec = new SourceSpec(file, layout, tokenizer, fingerprint, seqLen, skipBadLines, overlong,
                    template, layout.format() == DataFormat.MESSAGES ? chatTemplate : null, cacheDir, segmentBytes);
            TokenSource source = TokenSource.open(spec, warnings);
            long overlongCount = source.truncated() + source.dropped();
            if (overlongCount > 0) {
                long examples = source.documents() + source.dropped();
                warnings.add(file + ": " + (source.truncated() > 0 ? "truncated " : "dropped ")
                        + overlongCount + " of " + examples + " examples longer than seq_len + 1 = " + (seqLen + 1)
                        + " tokens");
            }
            if (source.skippedLines() > 0) {
                long listed = source.skipped().size();
                warnings.add(file + ": skipped " + source.skippedLines() + " bad line"
                        + (source.skippedLines() == 1 ? "" : "s")
                        + (listed < source.skippedLines() ? " (the first " + listed + " follow)" : ""));
                warnings.addAll(source.skipped());
            }
            if (source.exampleCount() == 0) {
                throw new DataException(file, "no data: " + source.tokenCount()
                        + " tokens make no block of seq_len + 1 = " + (seqLen + 1) + " tokens");
            }
            if (source.exampleCount() > Integer.MAX_VALUE - 8) {
                throw new DataException(file, source.exampleCount() + " examples are more than decaf can index;"
                        + " use a longer seqLen or split the file");
            }
            if (source.droppedTokens() > 0) {
                LOG.info("{}: dropped the last {} tokens, which do not fill a block of {}", file,
                        source.droppedTokens(), seqLen + 1);
            }
            return source;
        }

        private static String fingerprintOf(Path file) throws IOException {
            Path json = Files.isDirectory(file) ? file.resolve("tokenizer.json") : file;
            if (!Files.isRegularFile(json)) {
                throw new DataException(json, "no such file (the tokenizer to fingerprint)");
            }
            return "sha256:" + HexFormat.of().formatHex(TokenCache.sha256(json));
        }

        private static int[] identity(int n) {
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            return p;
        }

        /** The indices of {@code 0 … n−1} not in the sorted array. */
        private static int[] complement(int[] sorted, int n) {
            int[] out = new int[n - sorted.length];
            int j = 0;
            int o = 0;
            for (int i = 0; i < n; i++) {
                if (j < sorted.length && sorted[j] == i) {
                    j++;
                } else {
                    out[o++] = i;
                }
            }
            return out;
        }
    }
}
