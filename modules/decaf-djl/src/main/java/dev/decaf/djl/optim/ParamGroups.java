package dev.decaf.djl.optim;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.GroupPresets;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.groups.ParamInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parameter groups of a DJL {@link Block}: which parameters get which weight decay, decay rule and
 * learning-rate multiplier.
 *
 * <p>{@link #standard(Block)} ({@link GroupPresets} {@code standard}) is the nanoGPT / timm /
 * Hugging Face consensus: decay every parameter with ≥ 2 dimensions; no decay for biases,
 * normalization gains and shifts, and anything with &lt; 2 dimensions. {@link #builder(Block)}
 * adds named groups from decaf-core's {@link GroupRule}s; the parameters no group matches follow
 * that same standard rule ({@code default} decays, {@code default_no_decay} does not), unless
 * {@link Builder#decayUnmatched()} asks for PyTorch's "decay everything" ({@link #all(Block)}).
 *
 * <p>Groups resolve lazily, at the optimizer's first update (or the first call of {@link
 * #plan(double, DecayRule)}), so the optimizer can be built before {@code trainer.initialize(...)}
 * gives parameters shapes; {@link #validate()} checks them earlier. Names come from {@code
 * block.getParameters()}; the optimizer keys its state by them. A parameter added to the block
 * after the groups resolved (a new head, an adapter) is placed by the same rules when the optimizer
 * first sees it, and logged once.
 */
public final class ParamGroups {

    private final Block block;
    private final List<GroupRule> rules;
    private final Map<String, LayerKind> kindOverrides;
    private final GroupPlan.Unmatched unmatched;

    private ParamGroups(Block block, List<GroupRule> rules, Map<String, LayerKind> kindOverrides,
            GroupPlan.Unmatched unmatched) {
        this.block = Objects.requireNonNull(block, "block");
        this.rules = List.copyOf(rules);
        this.kindOverrides = Map.copyOf(kindOverrides);
        this.unmatched = unmatched;
    }

    /**
     * The standard groups: {@code decay} (every other parameter: the optimizer's λ and rule) and
     * {@code no_decay} (rank &lt; 2, biases and normalization parameters, λ = 0).
     *
     * @param block the model
     * @return the groups
     */
    public static ParamGroups standard(Block block) {
        return builder(block).preset("standard").build();
    }

    /**
     * One group, {@code default}, holding every parameter — norms and biases included — decayed with
     * the optimizer's λ and rule ({@code torch.optim.AdamW(model.parameters())}).
     *
     * @param block the model
     * @return the groups
     */
    public static ParamGroups all(Block block) {
        return builder(block).decayUnmatched().build();
    }

    /**
     * Starts custom groups. Parameters that no group matches follow the standard rule: {@code
     * default} (≥ 2 dimensions, neither norm nor bias: the optimizer's λ and rule) and {@code
     * default_no_decay} (norms, biases, &lt; 2 dimensions: λ = 0).
     *
     * @param block the model
     * @return a builder
     */
    public static Builder builder(Block block) {
        return new Builder(block);
    }

    /** Returns the block. */
    public Block block() {
        return block;
    }

    /** Returns the group rules. */
    public List<GroupRule> rules() {
        return rules;
    }

    /**
     * Describes the block's parameters (name, shape, kind) in model order. Requires initialized
     * parameters.
     *
     * @return the parameter infos
     * @throws IllegalStateException when the block is not initialized
     */
    public List<ParamInfo> describeParameters() {
        List<ParamInfo> infos = new ArrayList<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            ParamInfo info = describe(pair.getKey(), pair.getValue());
            if (info == null) {
                throw new IllegalStateException("parameter '" + pair.getKey()
                        + "' is not initialized: initialize the model (trainer.initialize(shape)) first");
            }
            infos.add(info);
        }
        return infos;
    }

    /** Describes one parameter (name, shape, kind), or returns null when it has no shape yet. */
    ParamInfo describe(String name, Parameter p) {
        long[] shape;
        if (p.isInitialized()) {
            shape = p.getArray().getShape().getShape();
        } else if (p.getShape() != null) {
            shape = p.getShape().getShape(); // declared up front: the table needs no weights
        } else {
            return null;
        }
        return new ParamInfo(name, shape, kindOverrides.getOrDefault(name, kindOf(name, p, shape.length)));
    }

    /**
     * Checks the groups against the block now, with the errors the optimizer's first update would
     * raise: a group that matches no parameter names the closest parameter names, a parameter
     * matched by two groups names both, a group name used twice is refused. Call it once the
     * block has its shapes ({@code trainer.initialize(...)}, or a loaded model); for the check at
     * trainer creation see {@link AdamFamily#validationListener()}.
     *
     * @throws IllegalArgumentException naming the group or parameter at fault
     * @throws IllegalStateException when a parameter has no shape yet
     */
    public void validate() {
        plan(0.0, DecayRule.DECOUPLED); // λ and rule do not change which parameter goes where
    }

    /** Returns whether every parameter of the block has a shape (initialized, or declared up front). */
    boolean shapesKnown() {
        return block.getParameters().values().stream().allMatch(p -> p.isInitialized() || p.getShape() != null);
    }

    /**
     * Re-resolves a plan with parameters that joined the block after it was resolved: the old
     * parameters keep their groups (every group already has a member, so none can come up empty),
     * the new ones go where the rules, by name, shape and kind, put them; a new parameter matched by
     * two groups is the usual error naming both. A new parameter under an old name replaces it.
     *
     * @param plan the plan resolved so far
     * @param added the new parameters
     * @param defaultWeightDecay λ for groups that do not set their own
     * @param defaultRule the rule for groups that do not set their own
     * @return the plan with the new parameters
     */
    GroupPlan extend(GroupPlan plan, List<ParamInfo> added, double defaultWeightDecay, DecayRule defaultRule) {
        Set<String> names = new HashSet<>();
        added.forEach(p -> names.add(p.name()));
        List<ParamInfo> all = new ArrayList<>();
        plan.parameters().stream().filter(p -> !names.contains(p.name())).forEach(all::add);
        all.addAll(added);
        return GroupPlan.resolve(all, rules, defaultWeightDecay, defaultRule, unmatched);
    }

    /** Returns the names of the block's frozen parameters ({@code requiresGradient()} false), in model order. */
    Set<String> frozenNames() {
        Set<String> frozen = new LinkedHashSet<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            if (!pair.getValue().requiresGradient()) {
                frozen.add(pair.getKey());
            }
        }
        return frozen;
    }

    /**
     * Returns how many parameters a step hands the optimizer now: initialized, not frozen, each
     * shared parameter once (DJL's id, which the optimizer keys its state by).
     */
    int trainableCount() {
        return (int) block.getParameters().values().stream().filter(p -> p.requiresGradient() && p.isInitialized())
                .map(Parameter::getId).distinct().count();
    }

    /**
     * Resolves the groups against the block's parameters with the given defaults.
     *
     * @param defaultWeightDecay λ for groups that do not set their own
     * @param defaultRule the rule for groups that do not set their own
     * @return the plan
     */
    public GroupPlan plan(double defaultWeightDecay, DecayRule defaultRule) {
        return GroupPlan.resolve(describeParameters(), rules, defaultWeightDecay, defaultRule, unmatched);
    }

    /**
     * Maps DJL's parameter ids (the opaque uids {@code Optimizer.update} receives) to names, as
     * the block holds them now.
     *
     * @return id → name, in model order
     */
    Map<String, String> idToName() {
        Map<String, String> map = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            map.put(pair.getValue().getId(), pair.getKey());
        }
        return Collections.unmodifiableMap(map);
    }

    private static LayerKind kindOf(String name, Parameter p, int ndim) {
        return switch (p.getType()) {
            case GAMMA, BETA, RUNNING_MEAN, RUNNING_VAR -> LayerKind.NORM;
            case BIAS -> LayerKind.BIAS;
            default -> LayerKind.classify(name, ndim);
        };
    }

    /** Builds {@link ParamGroups}. */
    public static final class Builder {
        private final Block block;
        private final List<GroupRule> rules = new ArrayList<>();
        private final Map<String, LayerKind> kinds = new LinkedHashMap<>();
        private GroupPlan.Unmatched unmatched = GroupPlan.Unmatched.STANDARD;

        private Builder(Block block) {
            this.block = block;
        }

        /**
         * Adds a group.
         *
         * @param rule the group
         * @return this builder
         */
        public Builder add(GroupRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * Adds the groups of a named preset ({@link GroupPresets}: {@code standard}, {@code llm}).
         *
         * @param name the preset
         * @return this builder
         */
        public Builder preset(String name) {
            GroupPresets.rules(name).forEach(this::add);
            return this;
        }

        /**
         * Declares the kind of a parameter, overriding the name-based classification (model code
         * that knows its layers uses this).
         *
         * @param paramName the parameter name
         * @param kind its kind
         * @return this builder
         */
        public Builder kind(String paramName, LayerKind kind) {
            kinds.put(paramName, kind);
            return this;
        }

        /**
         * Decays every parameter no group matches with the optimizer's λ and rule, norms and biases
         * included (one {@code default} group), instead of the standard rule.
         *
         * @return this builder
         */
        public Builder decayUnmatched() {
            this.unmatched = GroupPlan.Unmatched.DECAY;
            return this;
        }

        /** Builds the groups. */
        public ParamGroups build() {
            return new ParamGroups(block, rules, kinds, unmatched);
        }
    }
}
