package dev.decaf.bench;

import java.io.IOException;

/**
 * Another process that keeps one core busy: {@code sh -c 'while :; do :; done'} (a shell loop of
 * builtins, so the shell itself spins and killing it stops the loop), for measuring training
 * beside someone else's job. Close it to kill it.
 */
public final class BusyLoop implements AutoCloseable {

    private final Process process;

    private BusyLoop(Process process) {
        this.process = process;
    }

    /** Starts the loop. */
    public static BusyLoop start() {
        try {
            return new BusyLoop(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the busy loop (sh): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
