package dev.decaf.service;

import dev.decaf.text.data.Batch;
import dev.decaf.text.data.BatchIterator;
import dev.decaf.text.data.DataSplit;

/**
 * The training split as an endless stream of batches, epoch after epoch, each epoch in the order
 * {@link DataSplit#order(int)} draws from (seed, epoch). Its (epoch, position) is all a checkpoint
 * needs to continue the stream exactly where it stopped.
 */
final class DataCursor {

    private final DataSplit split;
    private final int batchSize;
    private int epoch;
    private BatchIterator batches;

    /**
     * Starts at a sample of an epoch.
     *
     * @param split the training split
     * @param batchSize samples per batch
     * @param epoch the epoch (0 for a fresh job)
     * @param position the samples of that epoch already trained on (0 for a fresh job)
     */
    DataCursor(DataSplit split, int batchSize, int epoch, long position) {
        this.split = split;
        this.batchSize = batchSize;
        this.epoch = epoch;
        this.batches = split.batches(epoch, batchSize, Math.toIntExact(position));
    }

    /** Returns the next batch, from the next epoch when this one is used up. */
    Batch next() {
        rollOver();
        return batches.next();
    }

    /** Moves to the next epoch when this one is used up, so that {@link #position()} is where the next batch starts. */
    void rollOver() {
        if (!batches.hasNext()) {
            epoch++;
            batches = split.batches(epoch, batchSize);
        }
    }

    /** Returns the epoch the next batch comes from (after {@link #rollOver()}). */
    int epoch() {
        return epoch;
    }

    /** Returns the samples of that epoch already trained on. */
    long position() {
        return batches.position();
    }
}
