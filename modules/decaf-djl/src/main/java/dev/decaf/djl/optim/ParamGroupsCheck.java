package dev.decaf.djl.optim;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DJL training listener that checks an optimizer's parameter groups before its first step, with
 * the errors the first update would raise (a group that matches nothing names the closest
 * parameter names; a parameter matched twice names both groups; a rule that needs γ_max without
 * one). Made by {@link AdamFamily#validationListener()}.
 *
 * <p>When it fires: DJL 0.36 calls {@code onTrainingBegin} at the end of the {@code Trainer}
 * constructor, so {@code model.newTrainer(config)} throws there when the block's parameters have
 * shapes already (a loaded model, shapes declared up front). A block that gets its shapes from
 * {@code trainer.initialize(...)}, which runs after the constructor, cannot be resolved yet; it is
 * checked at the first {@code onTrainingBatch}, which {@code EasyTrain} calls after backward and
 * before {@code trainer.step()}.
 */
public final class ParamGroupsCheck extends TrainingListenerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ParamGroupsCheck.class);

    private final AdamFamily optimizer;
    private final ParamGroups groups;
    private boolean checked;

    ParamGroupsCheck(AdamFamily optimizer, ParamGroups groups) {
        this.optimizer = optimizer;
        this.groups = groups;
    }

    /** Returns whether the groups have been checked (and passed). */
    public boolean checked() {
        return checked;
    }

    /**
     * Checks the groups when every parameter has a shape; otherwise leaves it to the first batch.
     *
     * @throws IllegalArgumentException naming the group or parameter at fault
     */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        if (groups.shapesKnown()) {
            check();
        } else {
            LOG.debug("decaf: parameter groups are checked at the first batch: the block has no shapes before"
                    + " trainer.initialize");
        }
    }

    /**
     * Checks the groups if {@link #onTrainingBegin} could not.
     *
     * @throws IllegalArgumentException naming the group or parameter at fault
     */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (!checked) {
            check();
        }
    }

    private void check() {
        optimizer.groupPlan();
        checked = true;
    }
}
