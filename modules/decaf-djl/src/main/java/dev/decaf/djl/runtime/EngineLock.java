package dev.decaf.djl.runtime;

import ai.djl.engine.Engine;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock around the two pieces of the PyTorch engine that are process-wide, so that jobs on
 * different threads of one JVM can train side by side and each still computes exactly what it
 * computes alone. decaf's own training loop takes it, and so does {@link SharedEngine} for code
 * that trains with DJL's {@code Trainer}.
 *
 * <ul>
 *   <li><b>The gradient collector.</b> DJL 0.36's PyTorch engine allows one {@code
 *       GradientCollector} per JVM: {@code ai.djl.pytorch.engine.PtGradientCollector} keeps a
 *       {@code static AtomicBoolean isCollecting}, set by its constructor and cleared by {@code
 *       close()}; a second collector opened meanwhile, on any thread, fails with "A
 *       PtGradientCollector is already collecting. Only one can be collecting at a time".
 *       Forward + backward of every batch therefore runs under this lock.
 *   <li><b>The random generators.</b> Dropout and weight initialisation draw from libtorch's global
 *       generator, a shuffling sampler from DJL's {@code RandomUtils}; {@code
 *       Engine.setRandomSeed} seeds both. A job seeds them and draws from them under the lock
 *       ({@link Held#seed}), so no other thread can reseed or advance them in between.
 * </ul>
 *
 * <p>Everything else — gradient clipping, the optimizer step, evaluation, checkpoints, printing —
 * runs outside the lock, in parallel with the other jobs: those touch only the job's own tensors
 * and draw no random numbers (libtorch's grad mode is per thread, and ops on distinct tensors may
 * run on many threads at once). Code elsewhere in the JVM that draws from the engine's generators
 * or collects gradients must hold this lock too. Fair, so that two jobs take turns.
 */
public final class EngineLock {

    private static final ReentrantLock LOCK = new ReentrantLock(true);

    private EngineLock() {}

    /**
     * Waits for the lock; close the returned handle to release it.
     *
     * @return the held lock
     */
    public static Held acquire() {
        LOCK.lock();
        return new Held();
    }

    /** Returns whether the calling thread holds the lock (for assertions). */
    public static boolean isHeldByCurrentThread() {
        return LOCK.isHeldByCurrentThread();
    }

    /** The held lock: seed the engine's generator through it, release it with {@link #close()}. */
    public static final class Held implements AutoCloseable {

        private boolean released;

        private Held() {}

        /**
         * Seeds the engine's global random generator (libtorch's and DJL's), for the draws made
         * before this lock is released.
         *
         * @param seed the seed
         */
        public void seed(int seed) {
            if (released) {
                throw new IllegalStateException("the engine lock was already released");
            }
            Engine.getInstance().setRandomSeed(seed);
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                LOCK.unlock();
            }
        }
    }
}
