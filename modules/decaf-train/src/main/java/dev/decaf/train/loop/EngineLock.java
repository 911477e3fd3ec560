package dev.decaf.train.loop;

import ai.djl.engine.Engine;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock around the two pieces of the PyTorch engine that are process-wide, so that runs on
 * different threads of one JVM can train side by side and each still computes exactly what it
 * computes alone.
 *
 * <ul>
 *   <li><b>The gradient collector.</b> DJL's PyTorch engine keeps a static flag that allows one
 *       {@code GradientCollector} at a time in the JVM; a second one fails with "A
 *       PtGradientCollector is already collecting". Forward + backward of every micro-batch
 *       therefore runs under this lock.
 *   <li><b>The random generator.</b> Dropout and weight initialisation draw from libtorch's global
 *       generator. A run seeds it and draws from it under the lock ({@link Held#seed}), so no other
 *       thread can reseed it or advance it in between.
 * </ul>
 *
 * <p>Everything else — gradient clipping, the optimizer step, evaluation, checkpoints, printing —
 * runs outside the lock, in parallel with the other runs: those touch only the run's own tensors
 * and draw no random numbers. Code elsewhere in the JVM that draws from the engine's generator or
 * collects gradients must hold this lock too. Fair, so that two runs take turns.
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
