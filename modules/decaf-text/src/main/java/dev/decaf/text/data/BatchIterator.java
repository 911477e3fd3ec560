package dev.decaf.text.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The batches of one epoch of a {@link DataSplit}, in the epoch's order. {@link #position()} is
 * the number of samples of the epoch consumed so far: save it with a checkpoint, and {@code
 * split.batches(epoch, batchSize, position)} continues exactly where this iterator stopped.
 */
public final class BatchIterator implements Iterator<Batch> {

    private final DataSplit split;
    private final int[] order;
    private final int epoch;
    private final int batchSize;
    private int position;

    BatchIterator(DataSplit split, int[] order, int epoch, int batchSize, int start) {
        this.split = split;
        this.order = order;
        this.epoch = epoch;
        this.batchSize = batchSize;
        this.position = start;
    }

    @Override
    public boolean hasNext() {
        return position < order.length;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " of the " + split.name() + " split is over");
        }
        int end = (int) Math.min((long) position + batchSize, order.length);
        Batch b = split.batch(order, position, end);
        position = end;
        return b;
    }

    /** Returns the samples of this epoch consumed so far (the resume point). */
    public int position() {
        return position;
    }

    /** Returns the epoch. */
    public int epoch() {
        return epoch;
    }

    /** Returns the samples per batch. */
    public int batchSize() {
        return batchSize;
    }
}
