package dev.decaf.djl.optim;

import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.ParamInfo;
import java.util.List;
import java.util.Map;

/**
 * Which group each parameter DJL hands the optimizer belongs to, by name. DJL identifies a
 * parameter by an opaque id; decaf resolves it once to the parameter's name in the block, and the
 * name to its group in the {@link GroupPlan}:
 *
 * <pre>
 * id ──ParamGroups.idToName──▶ name ──GroupPlan.groupOf──▶ group (λ, rule, lr_scale) ──▶ {@link DecayStage}
 * </pre>
 *
 * <p>Without parameter groups every parameter is its own one-member {@value GroupPlan#DEFAULT_GROUP}
 * group with the optimizer's λ and rule, named by its id. Bound once, at the first update (the
 * block must be initialized by then), so the optimizer can be built before the model.
 */
final class GroupBinding {

    private final AdamSettings settings;
    private final GroupPlan plan;
    private final Map<String, String> idToName;
    private final int trainable;

    private GroupBinding(AdamSettings settings, GroupPlan plan, Map<String, String> idToName, int trainable) {
        this.settings = settings;
        this.plan = plan;
        this.idToName = idToName;
        this.trainable = trainable;
    }

    /**
     * Resolves the groups against the block's parameters now.
     *
     * @param settings the optimizer's defaults
     * @param groups the groups, or null for none
     * @return the binding
     * @throws IllegalArgumentException when a group's rule needs γ_max and none is known, or the
     *     groups do not resolve (see {@link GroupPlan#resolve})
     */
    static GroupBinding bind(AdamSettings settings, ParamGroups groups) {
        if (groups == null) {
            return new GroupBinding(settings, null, Map.of(), -1);
        }
        GroupPlan plan = groups.plan(settings.weightDecay(), settings.decayRule());
        for (GroupPlan.Group g : plan.groups()) {
            if (g.weightDecay() != 0 && DecayStage.needsPeak(g.decayRule()) && Double.isNaN(settings.maxLearningRate())) {
                throw settings.missingPeak(g.decayRule());
            }
        }
        int trainable = (int) groups.block().getParameters().values().stream()
                .filter(p -> p.requiresGradient()).count();
        return new GroupBinding(settings, plan, groups.idToName(), trainable);
    }

    /** Returns the plan, or null without parameter groups. */
    GroupPlan plan() {
        return plan;
    }

    /** Returns the number of trainable parameters in the block (-1 without groups). */
    int trainable() {
        return trainable;
    }

    /** Returns whether some group decays with v̄, so every step runs in two phases. */
    boolean twoPhase() {
        return plan != null && plan.needsMeanSecondMoment();
    }

    /**
     * Returns a parameter's name: its name in the block, or its id without groups.
     *
     * @param parameterId DJL's id
     * @return the name
     * @throws IllegalArgumentException when the block has no such parameter
     */
    String nameOf(String parameterId) {
        if (plan == null) {
            return parameterId;
        }
        String name = idToName.get(parameterId);
        if (name == null) {
            throw new IllegalArgumentException("parameter id " + parameterId
                    + " is not a parameter of the block given to ParamGroups");
        }
        return name;
    }

    /**
     * Returns a parameter's group.
     *
     * @param name its name (from {@link #nameOf})
     * @param shape its shape (for the one-member group without groups)
     * @return the group
     */
    GroupPlan.Group groupOf(String name, long[] shape) {
        if (plan == null) {
            return new GroupPlan.Group(GroupPlan.DEFAULT_GROUP, settings.weightDecay(), settings.decayRule(), 1.0,
                    "all", List.of(ParamInfo.of(name, shape)));
        }
        return plan.groupOf(name);
    }

    /**
     * Returns a group's decay stage.
     *
     * @param group the group
     * @return the stage
     */
    DecayStage decayOf(GroupPlan.Group group) {
        return DecayStage.of(group, settings.maxLearningRate());
    }
}
