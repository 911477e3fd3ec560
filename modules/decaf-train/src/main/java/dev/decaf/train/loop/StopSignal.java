package dev.decaf.train.loop;

/**
 * A request to stop one run: set from any thread (a shutdown hook, a service, a callback), read by
 * the loop between steps, which then checkpoints and returns. Each run has its own.
 */
public final class StopSignal {

    private volatile boolean requested;

    /** Asks the run to stop after its current step. */
    public void request() {
        requested = true;
    }

    /** Returns whether a stop was requested. */
    public boolean isRequested() {
        return requested;
    }
}
