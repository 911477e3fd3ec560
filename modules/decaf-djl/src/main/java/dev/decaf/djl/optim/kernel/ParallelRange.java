package dev.decaf.djl.optim.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Splits an element range across a small dedicated thread pool. The optimizer step is memory
 * bound: one core cannot saturate the memory bus, two or more can; tensors below {@link
 * #MIN_PARALLEL} elements run on the calling thread, where handing off would cost more than it
 * saves.
 *
 * <p>Threads: system property {@code decaf.optimizer.threads}, default the number of available
 * processors. The pool's threads are daemons.
 */
public final class ParallelRange {

    /** Ranges smaller than this run on the calling thread. */
    public static final int MIN_PARALLEL = 1 << 16;

    private static final int THREADS = Math.max(1,
            Integer.getInteger("decaf.optimizer.threads", Runtime.getRuntime().availableProcessors()));

    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("decaf-optimizer-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    /** A body over {@code [from, to)}. */
    @FunctionalInterface
    public interface Body {
        /**
         * Processes a sub-range.
         *
         * @param from first element
         * @param to one past the last
         */
        void run(int from, int to);
    }

    /** A body over {@code [from, to)} that returns a partial sum. */
    @FunctionalInterface
    public interface SumBody {
        /**
         * Processes a sub-range.
         *
         * @param from first element
         * @param to one past the last
         * @return the partial sum
         */
        double run(int from, int to);
    }

    private ParallelRange() {}

    /** Returns the number of threads the pool uses. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into one chunk per thread for large n.
     *
     * @param n the number of elements
     * @param body the body
     */
    public static void run(int n, Body body) {
        sum(n, (from, to) -> {
            body.run(from, to);
            return 0;
        });
    }

    /**
     * Runs {@code body} over {@code [0, n)} and adds the partial sums.
     *
     * @param n the number of elements
     * @param body the body
     * @return the total
     */
    public static double sum(int n, SumBody body) {
        int chunks = Math.min(THREADS, n / (MIN_PARALLEL / 2));
        if (chunks <= 1 || ForkJoinTask.getPool() == POOL) {
            return body.run(0, n);
        }
        // Chunk boundaries on 64-element multiples keep every vector load aligned to a cache line.
        int per = ((n / chunks) + 63) & ~63;
        @SuppressWarnings("unchecked")
        ForkJoinTask<Double>[] tasks = new ForkJoinTask[chunks - 1];
        for (int k = 1; k < chunks; k++) {
            int from = Math.min(n, k * per);
            int to = k == chunks - 1 ? n : Math.min(n, (k + 1) * per);
            tasks[k - 1] = POOL.submit(() -> body.run(from, to));
        }
        double total = body.run(0, Math.min(n, per));
        for (ForkJoinTask<Double> t : tasks) {
            total += t.join();
        }
        return total;
    }

}
