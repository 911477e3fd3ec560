package dev.decaf.djl.optim;

import ai.djl.training.tracker.Tracker;
import dev.decaf.core.schedule.Schedule;
import java.util.Objects;

/**
 * A DJL {@link Tracker} backed by a decaf {@link Schedule}: a pure function of the update count
 * (counting from 1) that knows its peak, which {@link AdamC} uses as γ_max.
 *
 * <p>decaf's optimizers read the schedule in double precision through {@link #schedule()}; other
 * DJL code sees the float {@link #getNewValue(int)}.
 */
public final class ScheduleTracker implements Tracker {

    private final Schedule schedule;

    private ScheduleTracker(Schedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    /**
     * Wraps a schedule.
     *
     * @param schedule the schedule
     * @return the tracker
     */
    public static ScheduleTracker of(Schedule schedule) {
        return new ScheduleTracker(schedule);
    }

    /** Returns the schedule. */
    public Schedule schedule() {
        return schedule;
    }

    /** Returns the schedule's peak γ_max. */
    public double peak() {
        return schedule.peak();
    }

    @Override
    public float getNewValue(int numUpdate) {
        return (float) schedule.lr(Math.max(1, numUpdate));
    }

    @Override
    public String toString() {
        return schedule.toString();
    }
}
