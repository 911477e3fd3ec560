package dev.decaf.djl.optim;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.ParamInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which group each parameter DJL hands the optimizer belongs to, by name. DJL identifies a
 * parameter by an opaque id; decaf resolves it to the parameter's name in the block, and the
 * name to its group in the {@link GroupPlan}:
 *
 * <pre>
 * id ──ParamGroups.idToName──▶ name ──GroupPlan.groupOf──▶ group (λ, rule, lr_scale) ──▶ {@link DecayStage}
 * </pre>
 *
 * <p>Without parameter groups every parameter is its own one-member {@value GroupPlan#DEFAULT_GROUP}
 * group with the optimizer's λ and rule, named by its id. Bound at the first update (the block
 * must be initialized by then), so the optimizer can be built before the model. A parameter that
 * joins the block later (an id the first binding did not know) is looked up again in the block
 * and placed by the same rules ({@link ParamGroups#extend}), logged once.
 */
final class GroupBinding {

    private static final Logger LOG = LoggerFactory.getLogger(GroupBinding.class);

    private final AdamSettings settings;
    private final ParamGroups groups;
    private GroupPlan plan;
    /** The names the plan holds, for the per-call check of {@link #sync()}. */
    private final Set<String> planned = new HashSet<>();
    private Map<String, String> idToName;

    private GroupBinding(AdamSettings settings, ParamGroups groups, GroupPlan plan, Map<String, String> idToName) {
        this.settings = settings;
        this.groups = groups;
        this.plan = plan;
        this.idToName = idToName;
        if (plan != null) {
            plan.parameters().forEach(p -> planned.add(p.name()));
        }
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
            return new GroupBinding(settings, null, null, Map.of());
        }
        GroupPlan plan = groups.plan(settings.weightDecay(), settings.decayRule());
        checkPeaks(settings, plan);
        return new GroupBinding(settings, groups, plan, groups.idToName());
    }

    private static void checkPeaks(AdamSettings settings, GroupPlan plan) {
        for (GroupPlan.Group g : plan.groups()) {
            if (g.weightDecay() != 0 && DecayStage.needsPeak(g.decayRule()) && Double.isNaN(settings.maxLearningRate())) {
                throw settings.missingPeak(g.decayRule());
            }
        }
    }

    /** Returns the plan, or null without parameter groups. */
    GroupPlan plan() {
        return plan;
    }

    /** Returns whether some group decays with v̄, so every step runs in two phases. */
    boolean twoPhase() {
        return plan != null && plan.needsMeanSecondMoment();
    }

    /**
     * Returns a parameter's name: its name in the block, or its id without groups. An id the
     * binding has not seen is looked up in the block as it is now.
     *
     * @param parameterId DJL's id
     * @return the name
     * @throws IllegalArgumentException when the block has no such parameter, even re-read
     */
    String nameOf(String parameterId) {
        if (plan == null) {
            return parameterId;
        }
        String name = idToName.get(parameterId);
        if (name == null) {
            idToName = groups.idToName();
            name = idToName.get(parameterId);
        }
        if (name == null) {
            throw new IllegalArgumentException("parameter id " + parameterId + " is not one of the " + idToName.size()
                    + " parameters the block given to ParamGroups holds now (re-read at this update): build the"
                    + " ParamGroups from the block the Trainer trains (model.getBlock())");
        }
        return name;
    }

    /**
     * Returns a parameter's group, placing a parameter the plan does not hold yet by the rules.
     *
     * @param name its name (from {@link #nameOf})
     * @param shape its shape
     * @return the group
     */
    GroupPlan.Group groupOf(String name, long[] shape) {
        if (plan == null) {
            return new GroupPlan.Group(GroupPlan.DEFAULT_GROUP, settings.weightDecay(), settings.decayRule(), 1.0,
                    "all", List.of(ParamInfo.of(name, shape)));
        }
        if (!holds(name)) {
            sync();
        }
        return plan.groupOf(name);
    }

    /**
     * Places every parameter of the block that the plan does not hold yet (and that has a shape)
     * by the rules, logging each once.
     */
    void sync() {
        if (plan == null) {
            return;
        }
        List<ParamInfo> added = new ArrayList<>();
        for (Pair<String, Parameter> pair : groups.block().getParameters()) {
            if (!holds(pair.getKey())) {
                ParamInfo info = groups.describe(pair.getKey(), pair.getValue());
                if (info != null) {
                    added.add(info);
                }
            }
        }
        if (added.isEmpty()) {
            return;
        }
        GroupPlan extended = groups.extend(plan, added, settings.weightDecay(), settings.decayRule());
        checkPeaks(settings, extended);
        plan = extended;
        added.forEach(p -> planned.add(p.name()));
        idToName = groups.idToName();
        for (ParamInfo p : added) {
            GroupPlan.Group g = plan.groupOf(p.name());
            LOG.info("decaf: parameter {} joined the block after its groups were resolved: group '{}' (weight_decay {},"
                    + " rule {}, lr_scale {})", p, g.name(), g.weightDecay(), g.decayRule().recipeName(), g.lrScale());
        }
    }

    private boolean holds(String name) {
        return planned.contains(name);
    }

    /**
     * Returns whether the block holds a parameter of this name, re-reading it first (a parameter
     * may have joined since the last update).
     *
     * @param name a parameter name
     * @return true when the plan holds it
     */
    boolean holdsName(String name) {
        if (!holds(name)) {
            sync();
        }
        return holds(name);
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
