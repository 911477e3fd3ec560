package dev.decaf.train;

import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.OptimizerRegistry;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import java.util.List;

/**
 * Builds the optimizer a recipe names, through {@link OptimizerRegistry}: a recipe's optimizer
 * section as builder options. Callers may as well use the registry directly:
 * {@code OptimizerRegistry.build(name, b -> b.optLearningRateTracker(...)...)}.
 */
public final class OptimizerFactory {

    /** The names recipes accept: {@link OptimizerRegistry#names()}. */
    public static final List<String> NAMES = OptimizerRegistry.names();

    private OptimizerFactory() {}

    /**
     * Builds an optimizer.
     *
     * @param name the recipe name
     * @param tracker the schedule (its peak is AdamC's γ_max)
     * @param beta1 β1
     * @param beta2 β2
     * @param eps ε
     * @param weightDecay λ for groups that do not set their own
     * @param groups the parameter groups
     * @return the optimizer (close it at the end of the run to release its kernel threads)
     */
    public static AdamFamily build(String name, ScheduleTracker tracker, double beta1, double beta2, double eps,
            double weightDecay, ParamGroups groups) {
        return OptimizerRegistry.build(name, b -> b.optLearningRateTracker(tracker).optBeta1((float) beta1)
                .optBeta2((float) beta2).optEpsilon((float) eps).optWeightDecays((float) weightDecay)
                .optParamGroups(groups));
    }
}
