package dev.decaf.train;

import dev.decaf.djl.optim.AdamC;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.AdamL2;
import dev.decaf.djl.optim.AdamS;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.OptimizerRegistry;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import java.util.List;
import java.util.Locale;

/** Builds the optimizer a recipe names: {@code adamw}, {@code adamc}, {@code adam-l2} or {@code adams}. */
public final class OptimizerFactory {

    /** The names recipes accept. */
    public static final List<String> NAMES = List.of("adamw", "adamc", "adam-l2", "adams");

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
     * @return the optimizer
     */
    public static AdamFamily build(String name, ScheduleTracker tracker, double beta1, double beta2, double eps,
            double weightDecay, ParamGroups groups) {
        AdamFamily.BaseBuilder<?> b = OptimizerRegistry.builder(name);
        b.optLearningRateTracker(tracker).optBeta1((float) beta1).optBeta2((float) beta2).optEpsilon((float) eps)
                .optWeightDecays((float) weightDecay).optParamGroups(groups);
        if (b instanceof AdamW.Builder w) {
            return w.build();
        } else if (b instanceof AdamC.Builder c) {
            return c.build();
        } else if (b instanceof AdamL2.Builder l) {
            return l.build();
        }
        return ((AdamS.Builder) b).build();
    }
}
