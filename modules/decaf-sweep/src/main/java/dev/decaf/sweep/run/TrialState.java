package dev.decaf.sweep.run;

/** Where a trial stands, as its directory says. */
public enum TrialState {
    /** Not started, or released by an interrupted run (it resumes from its checkpoint). */
    PENDING,
    /** Claimed by a process that is alive (same host) or that touched its claim recently. */
    RUNNING,
    /** Claimed by a process that died: free to claim again; the run resumes from its checkpoint. */
    STALE,
    /** Finished: never run again. */
    DONE,
    /** Failed, with its error recorded: run again only with {@code --retry-failed}. */
    FAILED;

    /** Returns the lowercase name used in results.csv. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
