package dev.decaf.djl.optim.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Splits an element range {@code [0, n)} into chunks and runs them on a thread pool of its own.
 * The optimizer step is memory bound: one core cannot saturate the memory bus, two or more can.
 *
 * <pre>
 * chunks = min(threads, n / (MIN_PARALLEL/2))     1 chunk (the calling thread alone) below MIN_PARALLEL
 * chunk k = [k·per, (k+1)·per),  per = ⌈n/chunks⌉ rounded up to 64 elements;  Σ = Σ_k partial_k in k order
 * </pre>
 *
 * <p>The split depends only on {@code n} and {@link #threads()}, and partial sums are added in
 * chunk order, so a result is the same to the bit however the chunks are scheduled: on the pool,
 * or one after another on the calling thread ({@link #onCallingThread()}).
 *
 * <p>Each instance owns its pool: threads are daemons named {@code NAME-i}, started on first use,
 * and released by {@link #close()}. An optimizer owns one (see {@code optKernelThreads}), so two
 * optimizers in one JVM never share or wait for each other's threads. Calls from several threads
 * at once are safe; a call from one of the pool's own threads runs on that thread.
 */
public final class ParallelRange implements AutoCloseable {

    /** Ranges smaller than this run on the calling thread. */
    public static final int MIN_PARALLEL = 1 << 16;

    /** The system property that sets {@link #defaultThreads()}. */
    public static final String THREADS_PROPERTY = "decaf.optimizer.threads";

    private final int threads;
    private final ForkJoinPool pool;

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

    private ParallelRange(int threads, ForkJoinPool pool) {
        this.threads = threads;
        this.pool = pool;
    }

    /**
     * Returns the default thread count: the system property {@value #THREADS_PROPERTY}, else the
     * number of available processors.
     *
     * @return at least 1
     */
    public static int defaultThreads() {
        return Math.max(1, Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Creates a range splitter with its own pool.
     *
     * @param name the thread name prefix (threads are {@code name-0}, {@code name-1}, ...)
     * @param threads the number of chunks a large range is split into, ≥ 1 (the calling thread
     *     runs one of them, the pool the others)
     * @return the splitter; close it to release its threads
     * @throws IllegalArgumentException when {@code threads} &lt; 1
     */
    public static ParallelRange create(String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
        }
        if (threads == 1) {
            return new ParallelRange(1, null);
        }
        // Workers start on demand, so a pool that never sees a large tensor costs no thread.
        ForkJoinPool pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName(name + "-" + t.getPoolIndex());
            t.setDaemon(true); // a forgotten close() must not keep the JVM alive
            return t;
        }, null, false);
        return new ParallelRange(threads, pool);
    }

    /**
     * Returns a splitter without threads that splits as {@link #create} would with {@link
     * #defaultThreads()} and runs the chunks one after another on the calling thread: the same
     * sums, to the bit, at one core's speed.
     *
     * @return the splitter (closing it does nothing)
     */
    public static ParallelRange onCallingThread() {
        return new ParallelRange(defaultThreads(), null);
    }

    /** Returns the number of chunks a large range is split into. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into one chunk per thread for large n.
     *
     * @param n the number of elements
     * @param body the body
     */
    public void run(int n, Body body) {
        sum(n, (from, to) -> {
            body.run(from, to);
            return 0;
        });
    }

    /**
     * Runs {@code body} over {@code [0, n)} and adds the partial sums in chunk order.
     *
     * @param n the number of elements
     * @param body the body
     * @return the total
     * @throws java.util.concurrent.RejectedExecutionException after {@link #close()}
     */
    public double sum(int n, SumBody body) {
        int chunks = Math.min(threads, n / (MIN_PARALLEL / 2));
        if (chunks <= 1) {
            return body.run(0, n);
        }
        // Chunk boundaries on 64-element multiples keep every vector load aligned to a cache line.
        int per = ((n / chunks) + 63) & ~63;
        if (pool == null || ForkJoinTask.getPool() == pool) {
            double total = body.run(0, to(0, chunks, per, n));
            for (int k = 1; k < chunks; k++) {
                total += body.run(from(k, per, n), to(k, chunks, per, n));
            }
            return total;
        }
        @SuppressWarnings("unchecked")
        ForkJoinTask<Double>[] tasks = new ForkJoinTask[chunks - 1];
        for (int k = 1; k < chunks; k++) {
            int from = from(k, per, n);
            int to = to(k, chunks, per, n);
            tasks[k - 1] = pool.submit(() -> body.run(from, to));
        }
        double total = body.run(0, to(0, chunks, per, n));
        for (ForkJoinTask<Double> t : tasks) {
            total += t.join();
        }
        return total;
    }

    private static int from(int k, int per, int n) {
        return Math.min(n, k * per);
    }

    private static int to(int k, int chunks, int per, int n) {
        return k == chunks - 1 ? n : Math.min(n, (k + 1) * per);
    }

    /** Releases the pool's threads; later large ranges are rejected. Idempotent. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    @Override
    public String toString() {
        return threads + (threads == 1 ? " thread" : " threads") + (pool == null && threads > 1 ? " (calling thread)" : "");
    }
}
