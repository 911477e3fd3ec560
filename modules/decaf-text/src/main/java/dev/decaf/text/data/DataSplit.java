package dev.decaf.text.data;

import java.util.Arrays;

/**
 * The training or the validation samples of an {@link LmDataset}, and the batches they make.
 *
 * <p>A split holds whole examples (text blocks, prompt–completion or {@code input_ids} lines) and
 * lays them into samples, the rows of a batch: one example per sample, or, when packing, the
 * {@link PackPlan} of the split's examples in file order (several whole examples per row, each
 * isolated from the others by its segment id, see {@link Batch}).
 *
 * <p>A sample is addressed by its position {@code 0 … size()−1} in file order. An epoch visits
 * every sample once, in {@link #order(int)}: for a shuffled split a permutation that is a pure
 * function of (seed, epoch) — the same on every run and machine — otherwise file order. Batches
 * take {@code batchSize} consecutive samples of that order; the last batch of an epoch may be
 * smaller. To resume, start at the sample position a {@link BatchIterator} reported: {@code
 * batches(epoch, batchSize, position)} yields exactly the rest of the epoch.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class DataSplit {

    private final String name;
    private final TokenSource source;
    private final int[] indices;
    private final int[] rowStarts;
    private final boolean shuffle;
    private final long seed;
    private final int seqLen;
    private final int padId;
    private final boolean padToLongest;
    private final long tokens;

    /**
     * Creates a split.
     *
     * @param name {@code "train"} or {@code "validation"}
     * @param source the examples' file
     * @param indices the split's examples in that file, ascending
     * @param pack whether to pack several whole examples per row
     * @param shuffle whether epochs visit the rows in a seeded order
     * @param seed the seed of that order
     * @param seqLen the positions of a row
     * @param padId the id of padding
     * @param padToLongest whether a batch is as wide as its longest row rather than {@code seqLen}
     */
    DataSplit(String name, TokenSource source, int[] indices, boolean pack, boolean shuffle, long seed, int seqLen,
            int padId, boolean padToLongest) {
        this.name = name;
        this.source = source;
        this.indices = indices;
        this.shuffle = shuffle;
        this.seed = seed;
        this.seqLen = seqLen;
        this.padId = padId;
        this.padToLongest = padToLongest;
        long t = 0;
        int[] positions = new int[indices.length];
        for (int e = 0; e < indices.length; e++) {
            int n = source.exampleTokens(indices[e]);
            t += n;
            positions[e] = n - 1;
        }
        this.tokens = t;
        this.rowStarts = pack ? PackPlan.greedy(positions, seqLen) : PackPlan.single(indices.length);
    }

    /** Returns an empty split. */
    static DataSplit empty(String name, int seqLen, int padId) {
        return new DataSplit(name, null, new int[0], false, false, 0, seqLen, padId, false);
    }

    /** Returns {@code "train"} or {@code "validation"}. */
    public String name() {
        return name;
    }

    /** Returns the number of samples (rows). */
    public int size() {
        return rowStarts.length - 1;
    }

    /** Returns whether the split has no samples. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Returns the number of whole examples in the samples (a text block is one). */
    public int examples() {
        return indices.length;
    }

    /**
     * Reads one of the split's prompt–completion examples, as it was tokenised (for scoring a task
     * on held-out examples without reading the data file again).
     *
     * @param example its position among the split's examples, {@code 0 … examples()−1}, in file order
     * @return its prompt and answer tokens
     * @throws IllegalStateException when the split's data is not prompt–completion
     */
    public PromptCompletionIds promptCompletion(int example) {
        if (example < 0 || example >= indices.length) {
            throw new IndexOutOfBoundsException(name + " example " + example + " of " + indices.length);
        }
        return source.promptCompletion(indices[example]);
    }

    /** Returns whether the split's examples are prompt–completion pairs. */
    public boolean isPromptCompletion() {
        return source != null && source.format() == DataFormat.PROMPT_COMPLETION;
    }

    /** Returns the tokens in the samples ({@code seqLen + 1} per text block). */
    public long tokens() {
        return tokens;
    }

    /** Returns whether epochs visit the samples in a seeded random order. */
    public boolean shuffled() {
        return shuffle;
    }

    /** Returns the context length: the width of a batch (unless padding to the longest row). */
    public int seqLen() {
        return seqLen;
    }

    /**
     * Reads a sample.
     *
     * @param position its position in file order, {@code 0 … size()−1}
     * @return the sample
     */
    public Sample sample(int position) {
        if (position < 0 || position >= size()) {
            throw new IndexOutOfBoundsException(name + " sample " + position + " of " + size());
        }
        int from = rowStarts[position];
        int to = rowStarts[position + 1];
        if (to - from == 1) {
            return source.example(indices[from]);
        }
        Sample[] parts = new Sample[to - from];
        int tokenCount = 0;
        int positions = 0;
        for (int e = 0; e < parts.length; e++) {
            parts[e] = source.example(indices[from + e]);
            tokenCount += parts[e].tokens().length;
            positions += parts[e].length();
        }
        int[] ids = new int[tokenCount];
        float[] mask = new float[positions];
        int[] starts = new int[parts.length];
        int t = 0;
        int p = 0;
        for (int e = 0; e < parts.length; e++) {
            starts[e] = t;
            System.arraycopy(parts[e].tokens(), 0, ids, t, parts[e].tokens().length);
            System.arraycopy(parts[e].lossMask(), 0, mask, p, parts[e].length());
            t += parts[e].tokens().length;
            p += parts[e].length();
        }
        return new Sample(ids, mask, starts);
    }

    /**
     * Returns the order in which an epoch visits the samples.
     *
     * @param epoch the epoch, ≥ 0
     * @return sample positions, a permutation of {@code 0 … size()−1}
     */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (shuffle) {
            return Permutations.of(size(), seed, epoch);
        }
        int[] p = new int[size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        return p;
    }

    /**
     * Returns how many batches an epoch has.
     *
     * @param batchSize samples per batch
     * @return {@code ⌈size / batchSize⌉}
     */
    public int batchCount(int batchSize) {
        checkBatchSize(batchSize);
        return (int) ((size() + (long) batchSize - 1) / batchSize);
    }

    /**
     * Iterates over an epoch's batches.
     *
     * @param epoch the epoch, ≥ 0
     * @param batchSize samples per batch
     * @return the batches
     */
    public BatchIterator batches(int epoch, int batchSize) {
        return batches(epoch, batchSize, 0);
    }

    /**
     * Iterates over an epoch's batches, starting at a sample position (to resume a run).
     *
     * @param epoch the epoch, ≥ 0
     * @param batchSize samples per batch
     * @param startSample how many samples of the epoch's order to skip, {@code 0 … size()}
     * @return the batches
     */
    public BatchIterator batches(int epoch, int batchSize, int startSample) {
        checkBatchSize(batchSize);
        if (startSample < 0 || startSample > size()) {
            throw new IllegalArgumentException("start sample must be in [0, " + size() + "] for the "
                    + name + " split, got " + startSample);
        }
        return new BatchIterator(this, order(epoch), epoch, batchSize, startSample);
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    /** Assembles the batch of {@code order[from … to)}. */
    Batch batch(int[] order, int from, int to) {
        int rows = to - from;
        Sample[] samples = new Sample[rows];
        int width = padToLongest ? 0 : seqLen;
        for (int r = 0; r < rows; r++) {
            samples[r] = sample(order[from + r]);
            width = Math.max(width, samples[r].length());
        }
        int[][] inputs = new int[rows][width];
        int[][] labels = new int[rows][width];
        float[][] mask = new float[rows][width];
        int[][] segments = new int[rows][width];
        int[] lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            Sample s = samples[r];
            int n = s.length();
            System.arraycopy(s.inputs(), 0, inputs[r], 0, n);
            System.arraycopy(s.labels(), 0, labels[r], 0, n);
            System.arraycopy(s.lossMask(), 0, mask[r], 0, n);
            System.arraycopy(s.segments(), 0, segments[r], 0, n);
            if (n < width) {
                Arrays.fill(inputs[r], n, width, padId);
                Arrays.fill(labels[r], n, width, padId);
            }
            lengths[r] = n;
        }
        return new Batch(inputs, labels, mask, lengths, segments);
    }

    @Override
    public String toString() {
        return name + "[" + size() + " samples, " + indices.length + " examples, " + tokens + " tokens"
                + (shuffle ? ", shuffled" : "") + "]";
    }
}
