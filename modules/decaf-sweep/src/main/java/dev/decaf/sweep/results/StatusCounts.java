package dev.decaf.sweep.results;

import java.util.List;

/**
 * How many of a sweep's trials are done, failed, or neither (pending, running, or any other
 * status), for the report's headline.
 *
 * @param done trials with status {@value #DONE}
 * @param failed trials with status {@value #FAILED}
 * @param other all the others
 */
public record StatusCounts(int done, int failed, int other) {

    /** The status of a trial that finished and has results. */
    public static final String DONE = "done";
    /** The status of a trial that stopped with an error. */
    public static final String FAILED = "failed";

    /**
     * Counts the trials by status.
     *
     * @param trials the trials
     * @return the counts
     */
    public static StatusCounts of(List<TrialRecord> trials) {
        int done = 0;
        int failed = 0;
        for (TrialRecord t : trials) {
            if (DONE.equals(t.status())) {
                done++;
            } else if (FAILED.equals(t.status())) {
                failed++;
            }
        }
        return new StatusCounts(done, failed, trials.size() - done - failed);
    }

    /**
     * The number of trials counted.
     *
     * @return done + failed + other
     */
    public int total() {
        return done + failed + other;
    }
}
