package dev.decaf.djl.optim;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Where one optimizer step ends, while DJL hands the optimizer one parameter at a time ({@code
 * Trainer.step()} calls {@code update} once per trainable parameter). AdamS's second phase and
 * {@link AdamFamily#skipNextStep()} need to know.
 *
 * <pre>
 * complete      as many distinct parameters updated as the block has trainable ones, counted at
 *               the step's first update (so a layer frozen or added between steps is counted right)
 * came round    a parameter updated again before that: its update opens the next step (a
 *               parameter DJL never updates, e.g. unused in forward, or no groups to count)
 * </pre>
 */
final class StepBoundary {

    /** Counts the parameters a step updates; -1 when unknown (no parameter groups). */
    private final IntSupplier trainable;
    private final Set<ParamState> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private int expected = -1;

    /**
     * @param trainable how many parameters a step updates, asked at each step's first update
     */
    StepBoundary(IntSupplier trainable) {
        this.trainable = trainable;
    }

    /** Returns whether a parameter was already updated in the current step (so a new one began). */
    boolean cameRound(ParamState st) {
        return seen.contains(st);
    }

    /**
     * Records an update.
     *
     * @param st the parameter's state
     * @return true when it completes the step
     */
    boolean record(ParamState st) {
        if (seen.isEmpty()) {
            expected = trainable.getAsInt();
        }
        seen.add(st);
        return expected > 0 && seen.size() >= expected;
    }

    /** Returns whether some parameter was updated since the last boundary. */
    boolean inProgress() {
        return !seen.isEmpty();
    }

    /** Starts the next step. */
    void reset() {
        seen.clear();
        expected = -1;
    }
}
