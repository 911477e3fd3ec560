package dev.decaf.train.loop;

import dev.decaf.text.data.Batch;
import dev.decaf.text.data.BatchIterator;
import dev.decaf.text.data.DataSplit;

/**
 * The training split as an endless stream of batches, epoch after epoch, each epoch in the split's
 * (seed, epoch) order; its (epoch, position) is what a checkpoint records to continue exactly.
 */
final class EpochCursor {

    private final DataSplit split;
    private final int batchSize;
    private int epoch;
    private BatchIterator batches;

    /** Starts at sample {@code position} of {@code epoch} (0, 0 for a fresh run). */
    EpochCursor(DataSplit split, int batchSize, int epoch, long position) {
        this.split = split;
        this.batchSize = batchSize;
        this.epoch = epoch;
        this.batches = split.batches(epoch, batchSize, Math.toIntExact(position));
    }

    /** The next batch, from the next epoch when this one is used up. */
    Batch next() {
        rollOver();
        return batches.next();
    }

    /** Moves on to the next epoch when this one is used up, so that {@link #position()} is where the next batch starts. */
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

    /** Returns the samples of that epoch already consumed. */
    long position() {
        return batches.position();
    }
}
