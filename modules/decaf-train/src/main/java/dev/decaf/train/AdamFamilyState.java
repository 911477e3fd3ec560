package dev.decaf.train;

import dev.decaf.core.groups.GroupPlan;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.train.loop.OptimizerState;
import java.io.IOException;
import java.nio.file.Path;

/** The training loop's view of decaf's Adam optimizers: step counts, groups and saved state. */
public final class AdamFamilyState implements OptimizerState {

    private final AdamFamily optimizer;

    /**
     * Wraps an optimizer.
     *
     * @param optimizer the optimizer
     */
    public AdamFamilyState(AdamFamily optimizer) {
        this.optimizer = optimizer;
    }

    @Override
    public long step(String parameterName) {
        return optimizer.step(parameterName);
    }

    @Override
    public GroupPlan groupPlan() {
        return optimizer.groupPlan();
    }

    @Override
    public void save(Path dir) throws IOException {
        optimizer.saveState(dir);
    }
}
