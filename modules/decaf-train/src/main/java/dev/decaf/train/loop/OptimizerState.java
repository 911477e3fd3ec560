package dev.decaf.train.loop;

import dev.decaf.core.groups.GroupPlan;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the training loop needs from an optimizer beyond DJL's {@code Optimizer.update}: its step
 * count (for the learning rate it logs), its parameter groups (for per-group metrics) and its
 * state (for checkpoints).
 */
public interface OptimizerState {

    /**
     * Returns how many updates a parameter has had.
     *
     * @param parameterName the parameter's name
     * @return t, 0 before its first update
     */
    long step(String parameterName);

    /**
     * Returns the resolved parameter groups.
     *
     * @return the plan
     */
    GroupPlan groupPlan();

    /**
     * Writes the state into a checkpoint directory, so that a fresh optimizer can continue exactly.
     *
     * @param dir the directory
     * @throws IOException on a write error
     */
    void save(Path dir) throws IOException;
}
