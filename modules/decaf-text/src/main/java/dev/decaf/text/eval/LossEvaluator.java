package dev.decaf.text.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.decaf.text.data.Batch;
import dev.decaf.text.data.BatchIterator;
import dev.decaf.text.data.DataException;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.JsonLines;
import dev.decaf.text.data.LineProblem;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.text.data.Overlong;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Mean next-token loss and perplexity of a model over a data file:
 *
 * <pre>
 * loss = Σ_{positions that count} −log softmax(z_t)[y_t]  /  N,     perplexity = exp(loss),
 * </pre>
 *
 * where {@code N} (the {@code tokens} of the result) is the number of predicted positions that
 * count. The per-position negative log-likelihoods come from the engine (float32 log-softmax);
 * they are summed in double precision.
 *
 * <p>Engine-free: the per-position negative log-likelihoods come from an {@link NllScorer} (DJL's
 * decoders in decaf-models, ONNX Runtime in decaf-onnx), so every engine reads the data, packs,
 * pads and sums exactly the same way.
 *
 * <p>This is decaf's one definition of a validation loss: {@code decaf eval} and the training
 * loop's evaluations (through {@link #evaluate(BatchIterator, int)}) both compute it here, so the
 * two report the same number for the same model and data.
 *
 * <ul>
 *   <li><b>Pre-tokenised JSON lines</b> ({@code {"input_ids": [...]}}, detected from the first
 *       non-blank line as in {@link DataFormat#AUTO}): one sequence per line, as given — never
 *       packed. A sequence of {@code n} ids predicts its {@code n − 1} last ids from the ones before;
 *       it needs {@code n ≥ 2}, and one of more than {@code max_positions + 1} ids is truncated to
 *       its first {@code max_positions + 1}, dropped or refused as the {@link Overlong} rule says.
 *       Sequences are batched in file order, right-padded, with an attention mask, so each gets the
 *       logits it gets alone. No tokenizer is needed.
 *   <li><b>Text, JSON lines text, prompt–completion</b>: {@link LmDataset} (no shuffling, no
 *       hold-out) with context {@code seqLen = min(max_positions, requested)} — the longest a fine-tune
 *       may train at ({@code train.seq_len}) — i.e. rows of {@code seqLen + 1} tokens, and its loss mask (completion tokens only for
 *       prompt–completion). Text is cut into blocks (the tail that does not fill one is not
 *       evaluated); prompt–completion examples are whole, truncated, dropped or refused when
 *       overlong, and packed (each isolated by its segment id) or one to a row, as the training
 *       data. The token cache is written as {@link LmDataset} does (next to the file by default).
 * </ul>
 */
public final class LossEvaluator {

    /**
     * The result of an evaluation.
     *
     * @param loss mean negative log-likelihood per predicted position (nats)
     * @param perplexity {@code exp(loss)}
     * @param tokens predicted positions counted
     * @param sequences sequences (lines, blocks or packed rows) evaluated
     */
    public record Result(double loss, double perplexity, long tokens, long sequences) {

        /** Returns the result as {@code {"loss": …, "perplexity": …, "tokens": …}} (non-finite as null). */
        public String toJson() {
            return "{\"loss\": " + number(loss) + ", \"perplexity\": " + number(perplexity) + ", \"tokens\": " + tokens
                    + "}";
        }

        private static String number(double v) {
            return Double.isFinite(v) ? Double.toString(v) : "null";
        }
    }

    private final NllScorer scorer;
    private final int vocabSize;
    private final int maxPositions;

    /**
     * Creates an evaluator.
     *
     * @param scorer the engine's per-position negative log-likelihoods
     * @param vocabSize the model's vocabulary size (ids of input_ids files must be below it)
     * @param maxPositions the model's {@code max_position_embeddings}
     */
    public LossEvaluator(NllScorer scorer, int vocabSize, int maxPositions) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.vocabSize = vocabSize;
        this.maxPositions = maxPositions;
    }

    /**
     * Returns the context used for packed data: {@code min(max_positions, requested)}.
     *
     * @param requested the wanted context, or ≤ 0 for the model's longest
     * @return the context length
     */
    public int packedSeqLen(int requested) {
        int longest = maxPositions; // seqLen inputs, as train.seq_len allows
        return requested > 0 ? Math.min(longest, requested) : longest;
    }

    /**
     * Evaluates a data file.
     *
     * @param file a {@code .txt}, {@code .jsonl} or {@code .json} file
     * @param tokenizer the tokenizer; may be null for pre-tokenised {@code input_ids} files
     * @param tokenizerFile the {@code tokenizer.json} (or its directory) that identifies the
     *     tokenizer for the token cache; may be null for {@code input_ids} files
     * @param batchSize sequences per forward pass, ≥ 1
     * @param seqLen the context for packed data (capped at {@code max_positions}); ≤ 0 for the
     *     longest
     * @return the loss
     * @throws DataException when the file is missing, empty or malformed (the message names the
     *     file and line)
     * @throws IOException on a read error
     */
    public Result evaluate(Path file, TextTokenizer tokenizer, Path tokenizerFile, int batchSize, int seqLen)
            throws IOException {
        return evaluate(file, tokenizer, tokenizerFile, batchSize, seqLen, Overlong.TRUNCATE, true,
                PromptTemplate.defaultTemplate(), null, null, w -> {});
    }

    /**
     * Evaluates a data file with every data option: overlong examples, packing, and the prompt
     * and chat templates.
     *
     * @param file a {@code .txt}, {@code .jsonl} or {@code .json} file
     * @param tokenizer the tokenizer; may be null for pre-tokenised {@code input_ids} files
     * @param tokenizerFile the {@code tokenizer.json} (or its directory); may be null for {@code
     *     input_ids} files
     * @param batchSize sequences per forward pass, ≥ 1
     * @param seqLen the context for packed data (capped at {@code max_positions}); ≤ 0 for the
     *     longest
     * @param overlong what becomes of an example longer than a row
     * @param packing whether prompt–completion and messages examples are packed several to a row
     * @param template frames the prompts of prompt–completion data (see {@link
     *     LmDataset.Builder#optTemplate}); the one training used gives the comparable loss
     * @param chatTemplate renders messages data (the model's), or null when the data holds none
     * @param cacheDir the token cache directory, or null for {@code <file>.decaf-cache} next to it
     *     (see {@link dev.decaf.text.data.CacheLocation})
     * @param warnings receives what the user should know (the count of truncated or dropped
     *     examples, skipped lines), each once
     * @return the loss
     * @throws DataException when the file is missing, empty or malformed
     * @throws IOException on a read error
     */
    public Result evaluate(Path file, TextTokenizer tokenizer, Path tokenizerFile, int batchSize, int seqLen,
            Overlong overlong, boolean packing, PromptTemplate template, ChatTemplate chatTemplate, Path cacheDir,
            Consumer<String> warnings) throws IOException {
        checkBatchSize(batchSize);
        if (isTokenFile(file)) {
            int limit = maxPositions + 1;
            long[] cut = new long[2];
            List<int[]> sequences = readTokenFile(file, vocabSize, limit, overlong, cut);
            if (cut[0] + cut[1] > 0) {
                warnings.accept(file + ": " + (cut[0] > 0 ? "truncated " : "dropped ") + (cut[0] + cut[1]) + " of "
                        + (sequences.size() + cut[1]) + " examples longer than max_positions + 1 = " + limit + " ids");
            }
            if (sequences.isEmpty()) {
                throw new DataException(file, "no data: every input_ids line is longer than " + limit + " ids");
            }
            return evaluateSequences(sequences, batchSize);
        }
        if (tokenizer == null || tokenizerFile == null) {
            throw new DataException(file, "is not pre-tokenised ({\"input_ids\": [...]} lines), so it needs the"
                    + " model's tokenizer.json");
        }
        LmDataset.Builder b = LmDataset.builder()
                .setDataFile(file)
                .setTokenizer(tokenizer)
                .optTokenizerFile(tokenizerFile)
                .setSeqLen(packedSeqLen(seqLen))
                .optShuffle(false)
                .optOverlong(overlong)
                .optPacking(packing)
                .optTemplate(template)
                .optChatTemplate(chatTemplate);
        if (cacheDir != null) {
            b.optCacheDir(cacheDir);
        }
        LmDataset data = b.build();
        data.warnings().forEach(warnings);
        return requireTokens(evaluate(data.train().batches(0, batchSize)));
    }

    /**
     * Evaluates batches (of any {@link LmDataset} split): each row's first {@code lengths[r]}
     * positions are real, and each position counts with its loss-mask weight.
     *
     * @param batches the batches
     * @return the loss over all of them
     * @throws IllegalArgumentException when no position counts in the loss
     */
    public Result evaluate(BatchIterator batches) {
        return requireTokens(evaluate(batches, 0));
    }

    /**
     * Evaluates the first {@code maxBatches} batches (all with 0), as {@link #evaluate(BatchIterator)};
     * the training loop's validation loss.
     *
     * @param batches the batches
     * @param maxBatches how many to evaluate at most, 0 for all
     * @return the loss; NaN (with {@code tokens = 0}) when no position counts
     */
    public Result evaluate(BatchIterator batches, int maxBatches) {
        if (maxBatches < 0) {
            throw new IllegalArgumentException("maxBatches must be >= 0, got " + maxBatches);
        }
        Accumulator acc = new Accumulator();
        int seen = 0;
        while (batches.hasNext() && (maxBatches == 0 || seen < maxBatches)) {
            Batch b = batches.next();
            seen++;
            acc.add(b);
        }
        return acc.result();
    }

    /**
     * Evaluates sequences one by one as given, batched in order with right padding and an
     * attention mask: sequence {@code s} predicts {@code s[1..n)} from {@code s[0..n−1)}.
     *
     * @param sequences the sequences, each of {@code 2 … max_positions + 1} ids in the vocabulary
     * @param batchSize sequences per forward pass
     * @return the loss; {@code tokens = Σ (n − 1)}
     */
    public Result evaluateSequences(List<int[]> sequences, int batchSize) {
        checkBatchSize(batchSize);
        int vocab = vocabSize;
        int limit = maxPositions + 1;
        for (int s = 0; s < sequences.size(); s++) {
            int[] seq = sequences.get(s);
            if (seq.length < 2 || seq.length > limit) {
                throw new IllegalArgumentException("sequence " + s + " has " + seq.length + " ids; need 2 to " + limit);
            }
            for (int id : seq) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("sequence " + s + " has id " + id + " outside [0, " + vocab + ")");
                }
            }
        }
        Accumulator acc = new Accumulator();
        for (int from = 0; from < sequences.size(); from += batchSize) {
            int rows = Math.min(batchSize, sequences.size() - from);
            int width = 0;
            for (int r = 0; r < rows; r++) {
                width = Math.max(width, sequences.get(from + r).length - 1);
            }
            int[][] inputs = new int[rows][width];
            int[][] labels = new int[rows][width];
            float[][] mask = new float[rows][width];
            int[] lengths = new int[rows];
            for (int r = 0; r < rows; r++) {
                int[] seq = sequences.get(from + r);
                int n = seq.length - 1;
                System.arraycopy(seq, 0, inputs[r], 0, n);
                System.arraycopy(seq, 1, labels[r], 0, n);
                Arrays.fill(mask[r], 0, n, 1f);
                lengths[r] = n;
            }
            acc.add(new Batch(inputs, labels, mask, lengths));
        }
        return requireTokens(acc.result());
    }

    private static Result requireTokens(Result r) {
        if (r.tokens() == 0) {
            throw new IllegalArgumentException("nothing to evaluate: no predicted position counts in the loss");
        }
        return r;
    }

    /** Sums masked negative log-likelihoods over batches, in double. */
    private final class Accumulator {
        private double nllSum;
        private double weight;
        private long positions;
        private long sequences;

        void add(Batch b) {
            int rows = b.size();
            if (rows == 0) {
                return;
            }
            int[][] labels = b.labels();
            float[][] lossMask = b.lossMask();
            int[] lengths = b.lengths();
            int width = b.width();
            float[] nll = scorer.nll(b);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < lengths[r]; j++) {
                    float m = lossMask[r][j];
                    if (m != 0) {
                        nllSum += (double) m * nll[r * width + j];
                        weight += m;
                        positions++;
                    }
                }
            }
            sequences += rows;
        }

        Result result() {
            if (positions == 0) {
                return new Result(Double.NaN, Double.NaN, 0, sequences);
            }
            double loss = nllSum / weight;
            return new Result(loss, Math.exp(loss), positions, sequences);
        }
    }


    private static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    /**
     * Returns whether a file holds pre-tokenised JSON lines: a {@code .jsonl}, {@code .json} or
     * {@code .ndjson} file whose first non-blank line is an object with {@code input_ids}.
     *
     * @param file the file
     * @return whether to read it with {@link #readTokenFile}
     * @throws DataException when the file is missing
     * @throws IOException on a read error
     */
    public static boolean isTokenFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file, Files.exists(file) ? "not a regular file" : "no such file");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson"))) {
            return false;
        }
        try {
            return JsonLines.first(file).map(node -> node.has("input_ids")).orElse(false);
        } catch (DataException e) {
            return false; // LmDataset reports the malformed line
        }
    }

    /**
     * Reads a JSON lines file of {@code {"input_ids": [...]}} objects, one sequence per non-blank
     * line (other fields are ignored).
     *
     * @param file the file
     * @param vocabSize every id must be in {@code [0, vocabSize)}
     * @param maxIds the most ids a line may hold
     * @return the sequences, in file order
     * @throws DataException naming {@code file:line} for invalid JSON or UTF-8, a missing or
     *     mistyped field, an id outside the vocabulary, fewer than 2 or more than {@code maxIds}
     *     ids, or a file with no sequence
     * @throws IOException on a read error
     */
    public static List<int[]> readTokenFile(Path file, int vocabSize, int maxIds) throws IOException {
        return readTokenFile(file, vocabSize, maxIds, Overlong.ERROR, new long[2]);
    }

    /**
     * Reads a JSON lines file of {@code {"input_ids": [...]}} objects as {@link
     * #readTokenFile(Path, int, int)} does, a line of more than {@code maxIds} ids truncated to its
     * first {@code maxIds}, dropped or refused as {@code overlong} says.
     *
     * @param file the file
     * @param vocabSize every id must be in {@code [0, vocabSize)}
     * @param maxIds the most ids a sequence may hold
     * @param overlong what becomes of a longer line
     * @param counts receives {@code [truncated, dropped]}
     * @return the sequences kept, in file order (may be empty when all were dropped)
     * @throws DataException as {@link #readTokenFile(Path, int, int)}, and for an overlong line
     *     with {@link Overlong#ERROR}
     * @throws IOException on a read error
     */
    public static List<int[]> readTokenFile(Path file, int vocabSize, int maxIds, Overlong overlong, long[] counts)
            throws IOException {
        List<int[]> out = new ArrayList<>();
        JsonLines.read(file, (line, node) -> {
            JsonNode ids = node.get("input_ids");
            if (ids != null && ids.isArray() && ids.size() < 2) {
                throw new LineProblem("input_ids has " + ids.size() + (ids.size() == 1 ? " id" : " ids")
                        + "; a sequence needs at least 2 (an input and its label)");
            }
            int[] seq = JsonLines.ids(node, "input_ids", vocabSize);
            if (seq.length > maxIds) {
                switch (overlong) {
                    case ERROR -> throw new LineProblem("input_ids has " + seq.length + " ids, more than the model's "
                            + (maxIds - 1) + " positions + 1 (overlong is error)");
                    case DROP -> {
                        counts[1]++;
                        return;
                    }
                    case TRUNCATE -> {
                        counts[0]++;
                        seq = Arrays.copyOf(seq, maxIds);
                    }
                    default -> throw new IllegalStateException("unknown overlong " + overlong);
                }
            }
            out.add(seq);
        });
        if (out.isEmpty() && counts[1] == 0) {
            throw new DataException(file, "no data: no {\"input_ids\": [...]} line");
        }
        return out;
    }
}
