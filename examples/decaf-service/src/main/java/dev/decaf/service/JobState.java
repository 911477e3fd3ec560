package dev.decaf.service;

import java.util.Locale;

/** Where a job is: waiting for a worker, training, finished with a model, or stopped by an error. */
public enum JobState {
    /** Submitted (or found unfinished at start-up), waiting for a worker. */
    QUEUED,
    /** A worker is training it. */
    RUNNING,
    /** Trained to its last step; its model is in {@code JOB/model}. */
    DONE,
    /** Stopped by an error, which the job reports. */
    FAILED;

    /** Returns the name used in JSON ({@code queued}, ...). */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a JSON name.
     *
     * @param name {@code queued}, {@code running}, {@code done} or {@code failed}
     * @return the state
     */
    public static JobState ofJsonName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Returns whether a restarted service must run the job (again): it did not end. */
    public boolean unfinished() {
        return this == QUEUED || this == RUNNING;
    }
}
