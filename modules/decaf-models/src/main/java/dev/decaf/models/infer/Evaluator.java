package dev.decaf.models.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.data.Batch;
import dev.decaf.text.data.BatchIterator;
import dev.decaf.text.data.DataException;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.data.Overlong;
import dev.decaf.text.eval.LossEvaluator;
import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
 * they are summed in double precision. The data handling lives in decaf-text's engine-free
 * {@link LossEvaluator}; this class supplies DJL's scores to it.
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
public final class Evaluator {

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
            return new LossEvaluator.Result(loss, perplexity, tokens, sequences).toJson();
        }

        static Result of(LossEvaluator.Result r) {
            return new Result(r.loss(), r.perplexity(), r.tokens(), r.sequences());
        }
    }

    private final LossEvaluator loss;

    /**
     * Creates an evaluator.
     *
     * @param model the model (initialized)
     * @param manager a manager on the model's device, for the per-batch arrays
     */
    public Evaluator(DecoderModel model, NDManager manager) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(manager, "manager");
        this.loss = new LossEvaluator(b -> nll(model, manager, b), model.config().vocabSize(),
                model.config().maxPositions());
    }

    /** DJL's per-position negative log-likelihoods (float32 log-softmax) of one batch. */
    private static float[] nll(DecoderModel model, NDManager manager, Batch b) {
        try (NDManager scope = manager.newSubManager()) {
            NDList in = new NDList(scope.create(toLongs(b.inputs())));
            if (b.needsAttentionMask()) {
                in.add(scope.create(toLongs(b.segments())));
            }
            NDArray logits = model.forward(new ParameterStore(scope, false), in, false).singletonOrThrow();
            NDArray targets = scope.create(toLongs(b.labels())).expandDims(-1);
            NDArray values = logits.logSoftmax(-1).gather(targets, -1).squeeze(-1).neg();
            return values.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    private static long[][] toLongs(int[][] a) {
        long[][] out = new long[a.length][];
        for (int r = 0; r < a.length; r++) {
            out[r] = new long[a[r].length];
            for (int j = 0; j < a[r].length; j++) {
                out[r][j] = a[r][j];
            }
        }
        return out;
    }

    /** Returns the engine-free evaluator this one feeds DJL's scores to. */
    public LossEvaluator lossEvaluator() {
        return loss;
    }

    /**
     * Returns the context used for packed data: {@code min(max_positions, requested)}.
     *
     * @param requested the wanted context, or ≤ 0 for the model's longest
     * @return the context length
     */
    public int packedSeqLen(int requested) {
        return loss.packedSeqLen(requested);
    }

    /**
     * Evaluates a data file ({@link LossEvaluator#evaluate(Path, TextTokenizer, Path, int, int)}).
     *
     * @param file a {@code .txt}, {@code .jsonl} or {@code .json} file
     * @param tokenizer the tokenizer; may be null for pre-tokenised {@code input_ids} files
     * @param tokenizerFile the {@code tokenizer.json} (or its directory); may be null for {@code input_ids} files
     * @param batchSize sequences per forward pass, ≥ 1
     * @param seqLen the context for packed data (capped at {@code max_positions}); ≤ 0 for the longest
     * @return the loss
     * @throws DataException when the file is missing, empty or malformed (the message names the file and line)
     * @throws IOException on a read error
     */
    public Result evaluate(Path file, TextTokenizer tokenizer, Path tokenizerFile, int batchSize, int seqLen)
            throws IOException {
        return Result.of(loss.evaluate(file, tokenizer, tokenizerFile, batchSize, seqLen));
    }

    /**
     * Evaluates a data file with every data option ({@link LossEvaluator#evaluate(Path, TextTokenizer,
     * Path, int, int, Overlong, boolean, PromptTemplate, ChatTemplate, Path, Consumer)}).
     *
     * @param file a {@code .txt}, {@code .jsonl} or {@code .json} file
     * @param tokenizer the tokenizer; may be null for pre-tokenised {@code input_ids} files
     * @param tokenizerFile the {@code tokenizer.json} (or its directory); may be null for {@code input_ids} files
     * @param batchSize sequences per forward pass, ≥ 1
     * @param seqLen the context for packed data (capped at {@code max_positions}); ≤ 0 for the longest
     * @param overlong what becomes of an example longer than a row
     * @param packing whether prompt–completion and messages examples are packed several to a row
     * @param template frames the prompts of prompt–completion data (see {@link LmDataset.Builder#optTemplate})
     * @param chatTemplate renders messages data (the model's), or null when the data holds none
     * @param cacheDir the token cache directory, or null for {@code <file>.decaf-cache} next to it
     * @param warnings receives what the user should know, each once
     * @return the loss
     * @throws DataException when the file is missing, empty or malformed
     * @throws IOException on a read error
     */
    public Result evaluate(Path file, TextTokenizer tokenizer, Path tokenizerFile, int batchSize, int seqLen,
            Overlong overlong, boolean packing, PromptTemplate template, ChatTemplate chatTemplate, Path cacheDir,
            Consumer<String> warnings) throws IOException {
        return Result.of(loss.evaluate(file, tokenizer, tokenizerFile, batchSize, seqLen, overlong, packing, template,
                chatTemplate, cacheDir, warnings));
    }

    /**
     * Evaluates batches (of any {@link LmDataset} split).
     *
     * @param batches the batches
     * @return the loss over all of them
     * @throws IllegalArgumentException when no position counts in the loss
     */
    public Result evaluate(BatchIterator batches) {
        return Result.of(loss.evaluate(batches));
    }

    /**
     * Evaluates the first {@code maxBatches} batches (all with 0); the training loop's validation loss.
     *
     * @param batches the batches
     * @param maxBatches how many to evaluate at most, 0 for all
     * @return the loss; NaN (with {@code tokens = 0}) when no position counts
     */
    public Result evaluate(BatchIterator batches, int maxBatches) {
        return Result.of(loss.evaluate(batches, maxBatches));
    }

    /**
     * Evaluates sequences one by one as given, batched in order with right padding and an attention mask.
     *
     * @param sequences the sequences, each of {@code 2 … max_positions + 1} ids in the vocabulary
     * @param batchSize sequences per forward pass
     * @return the loss; {@code tokens = Σ (n − 1)}
     */
    public Result evaluateSequences(List<int[]> sequences, int batchSize) {
        return Result.of(loss.evaluateSequences(sequences, batchSize));
    }

    /**
     * Returns whether a file holds pre-tokenised JSON lines ({@link LossEvaluator#isTokenFile}).
     *
     * @param file the file
     * @return whether to read it with {@link #readTokenFile}
     * @throws DataException when the file is missing
     * @throws IOException on a read error
     */
    public static boolean isTokenFile(Path file) throws IOException {
        return LossEvaluator.isTokenFile(file);
    }

    /**
     * Reads a JSON lines file of {@code {"input_ids": [...]}} objects ({@link LossEvaluator#readTokenFile(Path, int, int)}).
     *
     * @param file the file
     * @param vocabSize every id must be in {@code [0, vocabSize)}
     * @param maxIds the most ids a line may hold
     * @return the sequences, in file order
     * @throws DataException naming {@code file:line} for a bad line
     * @throws IOException on a read error
     */
    public static List<int[]> readTokenFile(Path file, int vocabSize, int maxIds) throws IOException {
        return LossEvaluator.readTokenFile(file, vocabSize, maxIds);
    }

    /**
     * Reads a JSON lines file of {@code {"input_ids": [...]}} objects, an overlong line as {@code overlong} says.
     *
     * @param file the file
     * @param vocabSize every id must be in {@code [0, vocabSize)}
     * @param maxIds the most ids a sequence may hold
     * @param overlong what becomes of a longer line
     * @param counts receives {@code [truncated, dropped]}
     * @return the sequences kept, in file order
     * @throws DataException for a bad line, and for an overlong line with {@link Overlong#ERROR}
     * @throws IOException on a read error
     */
    public static List<int[]> readTokenFile(Path file, int vocabSize, int maxIds, Overlong overlong, long[] counts)
            throws IOException {
        return LossEvaluator.readTokenFile(file, vocabSize, maxIds, overlong, counts);
    }
}
