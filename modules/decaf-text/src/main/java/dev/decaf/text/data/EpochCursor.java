package dev.decaf.text.data;

/**
 * The training split as an endless stream of batches, epoch after epoch, each epoch in the split's
 * (seed, epoch) order; its (epoch, position) is what a checkpoint records to continue exactly
 * (decaf's training loop and the example service both read their batches through one).
 */
public final class EpochCursor {

    private final DataSplit split;
    private final int batchSize;
    private int epoch;
    private BatchIterator batches;

    /**
     * Starts at a sample of an epoch.
     *
     * @param split the training split
     * @param batchSize samples per batch
     * @param epoch the epoch (0 for a fresh run)
     * @param position the samples of that epoch already trained on (0 for a fresh run)
     */
    public EpochCursor(DataSplit split, int batchSize, int epoch, long position) {
        this.split = split;
        this.batchSize = batchSize;
        this.epoch = epoch;
        this.batches = split.batches(epoch, batchSize, Math.toIntExact(position));
    }

    /**
     * Returns the next batch, from the next epoch when this one is used up.
     *
     * @return the batch
     */
    public Batch next() {
        rollOver();
        return batches.next();
    }

    /** Moves on to the next epoch when this one is used up, so that {@link #position()} is where the next batch starts. */
    public void rollOver() {
        if (!batches.hasNext()) {
            epoch++;
            batches = split.batches(epoch, batchSize);
        }
    }

    /**
     * Returns the epoch the next batch comes from (after {@link #rollOver()}).
     *
     * @return the epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * Returns the samples of that epoch already consumed.
     *
     * @return the position
     */
    public long position() {
        return batches.position();
    }
}
