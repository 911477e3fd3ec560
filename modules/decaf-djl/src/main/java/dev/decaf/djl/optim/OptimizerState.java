package dev.decaf.djl.optim;

import dev.decaf.core.groups.GroupPlan;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a decaf optimizer offers beyond DJL's {@code Optimizer.update}, and what a training loop
 * needs of it: the step count of each parameter (for the learning rate it logs), the resolved
 * parameter groups (for per-group metrics) and its state, keyed by parameter name (for
 * checkpoints). {@link AdamFamily} implements it.
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
    void saveState(Path dir) throws IOException;
}
