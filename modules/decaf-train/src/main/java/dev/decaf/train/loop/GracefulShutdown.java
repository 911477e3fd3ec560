package dev.decaf.train.loop;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A process's Ctrl-C / SIGTERM handler for work that can stop cleanly: on shutdown it asks the work
 * to stop and, while the work says a clean stop is worth waiting for (a run in its train phase
 * writes a checkpoint first), waits up to a limit for it to finish, because the JVM halts as soon
 * as the hook returns. {@link #close()} marks the work finished and removes the hook.
 */
public final class GracefulShutdown implements AutoCloseable {

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private GracefulShutdown(String name, Runnable requestStop, BooleanSupplier worthWaiting, Duration limit) {
        hook = new Thread(() -> {
            requestStop.run();
            if (!worthWaiting.getAsBoolean()) {
                return;
            }
            try {
                finished.await(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /**
     * Installs the hook.
     *
     * @param name the hook thread's name
     * @param requestStop asks the work to stop (from the hook's thread)
     * @param worthWaiting whether the hook should wait for the work after asking
     * @param limit the longest wait
     * @return the installed hook; close it when the work is done
     */
    public static GracefulShutdown install(String name, Runnable requestStop, BooleanSupplier worthWaiting, Duration limit) {
        GracefulShutdown g = new GracefulShutdown(name, requestStop, worthWaiting, limit);
        Runtime.getRuntime().addShutdownHook(g.hook);
        return g;
    }

    /** Marks the work finished (a waiting hook returns) and removes the hook if the JVM is not shutting down. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (Ctrl-C, SIGTERM): the hook is running
        }
    }
}
