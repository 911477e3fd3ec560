package dev.decaf.tensorflow;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.GroupPresets;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.core.schedule.Schedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * decaf's Adam family as a tensorflow-framework {@link org.tensorflow.framework.optimizers.Optimizer}
 * (slots {@value #FIRST_MOMENT} and {@value #SECOND_MOMENT} per variable, one {@code applyDense}
 * per variable), with decaf-djl's semantics, which are {@code torch.optim.AdamW}'s:
 *
 * <pre>
 * t ← t + 1
 * g ← g + c·θ                                  coupled L2 only (AdamL2: c = λ)
 * m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
 * θ ← θ·d − α·m / (√v/√(1−β2^t) + ε)            d = 1 − s, the group's decay on θ_{t−1};
 *                                              α = γ_t/(1−β1^t); ε added after bias correction
 * </pre>
 *
 * <p>The members differ only in the default rule of s ({@link GroupCoefficients}): AdamW s = γ_t·λ,
 * AdamC s = λ·γ_t²/γ_max, AdamS s = γ_t·λ/√v̄ with v̄ the mean of v̂ over every element of every
 * variable (the update then runs in two phases: all moments, then all weights). Each variable
 * belongs to exactly one group, chosen by its name (the variable op's name) and rank with
 * decaf-core's rules ({@link GroupPlan}; a variable matched by two groups is an {@link
 * IllegalArgumentException} naming both), and each group has its own λ, rule and lr multiplier.
 *
 * <p>Unlike the framework's optimizers, which bake a constant learning rate into the graph, γ_t and t
 * are graph inputs fed at every step: {@link #run(Session.Runner)} feeds t = {@link #step()} + 1 and
 * γ_t = schedule(t) from any decaf-core {@link Schedule}; {@link #run(Session.Runner, double)} feeds a
 * learning rate of the caller's choosing. The bias corrections and the group scalars are computed in
 * float64 in the graph from those two inputs and rounded to float32 once.
 *
 * <p>Determinism: every update of a step waits (control dependencies) for every gradient of the step,
 * so no variable changes while another's gradient still reads it, and within a variable m and v are
 * assigned before θ reads them; no state is shared between variables (TF Java's own Adam updates its
 * β powers with no order against {@code ApplyAdam}, so its runs differ). The same graph, inputs and
 * initial values give the same bits on every run.
 *
 * <p>Gradients: read variables through {@code tf.identity(variable)} in the model. TF's gradients
 * taken against a variable's raw reference output fail for {@code Pow} and {@code BatchMatMul}, and
 * crashed the JVM for {@code Rsqrt}.
 *
 * <p>State: {@link #saveState(Path, Session)} writes m, v and t by variable name in decaf-core's
 * {@link dev.decaf.core.state.OptimizerStateFormat}, the layout decaf-djl's optimizers write, so state
 * saved here continues in decaf-djl and back ({@link #loadState(Path, Session)}).
 */
public abstract class AdamFamily extends org.tensorflow.framework.optimizers.Optimizer {

    /** The slot of the first moment m. */
    public static final String FIRST_MOMENT = "m";
    /** The slot of the second moment v. */
    public static final String SECOND_MOMENT = "v";

    private final String name;
    private final Schedule schedule;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final DecayRule decayRule;
    private final double maxLearningRate;
    private final List<GroupRule> rules;
    private final GroupPlan.Unmatched unmatched;
    private final Ops ops;
    private final StepInputs inputs;

    private GroupPlan plan;
    private final Map<String, GroupCoefficients> coefficients = new LinkedHashMap<>();
    private final Map<String, Variable<TFloat32>[]> slotsByName = new LinkedHashMap<>();
    private final List<Moved> pending = new ArrayList<>();
    private long step;

    /**
     * Builds the optimizer on a graph.
     *
     * @param graph the graph
     * @param b the builder (its member names the default decay rule)
     * @throws IllegalArgumentException naming the first invalid setting
     */
    protected AdamFamily(Graph graph, BaseBuilder<?> b) {
        super(graph, b.name);
        this.name = b.name;
        this.schedule = b.schedule;
        this.beta1 = unit("beta1", b.beta1);
        this.beta2 = unit("beta2", b.beta2);
        if (!(b.eps > 0) || Double.isInfinite(b.eps)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, got " + b.eps);
        }
        this.eps = b.eps;
        if (!(b.weightDecay >= 0) || Double.isInfinite(b.weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + b.weightDecay);
        }
        this.weightDecay = b.weightDecay;
        this.decayRule = b.decayRule;
        double peak = Double.isNaN(b.maxLearningRate) ? schedule.peak() : b.maxLearningRate;
        if (!(peak > 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("max learning rate must be finite and > 0, got " + peak);
        }
        this.maxLearningRate = peak;
        this.rules = List.copyOf(b.rules);
        this.unmatched = b.unmatched;
        this.ops = Ops.create(graph).withSubScope(b.name);
        this.inputs = new StepInputs(ops, beta1, beta2);
    }

    private static double unit(String what, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + beta);
        }
        return beta;
    }

    @Override
    public String getOptimizerName() {
        return name;
    }

    /** Returns the default decay rule (the one that tells AdamW from AdamC). */
    public DecayRule decayRule() {
        return decayRule;
    }

    /** Returns the schedule that gives γ_t in {@link #run(Session.Runner)}. */
    public Schedule schedule() {
        return schedule;
    }

    /** Returns γ_max, the peak the corrected and independent rules divide by. */
    public double maxLearningRate() {
        return maxLearningRate;
    }

    /** Returns the number of steps run (or loaded): the next step is {@code step() + 1}. */
    public long step() {
        return step;
    }

    /** Returns the placeholder fed γ_t (float64 scalar), for callers that run the graph themselves. */
    public Operand<TFloat64> learningRateInput() {
        return inputs.learningRate;
    }

    /** Returns the placeholder fed t (int64 scalar, from 1), for callers that run the graph themselves. */
    public Operand<TInt64> stepInput() {
        return inputs.step;
    }

    /**
     * Returns the group plan, resolved when the update was built ({@code minimize} or {@code
     * applyGradients}).
     *
     * @return the plan
     * @throws IllegalStateException before the update is built
     */
    public GroupPlan groupPlan() {
        if (plan == null) {
            throw new IllegalStateException(getOptimizerName() + ": the groups resolve when minimize(loss) or"
                    + " applyGradients(...) builds the update");
        }
        return plan;
    }

    /** Returns the group table (group, tensors, parameters, λ, rule, lr_scale, what it selects). */
    public String groupTable() {
        return groupPlan().table();
    }

    /**
     * Describes the update rule in one line, for start-up logs.
     *
     * @return e.g. {@code AdamC: decay corrected, λ=0.1; β=(0.9, 0.999) ε=1e-08; lr ..., γ_max=0.003}
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s: decay %s, λ=%s; β=(%s, %s) ε=%s; lr %s, γ_max=%s (TensorFlow)",
                getOptimizerName(), decayRule, weightDecay, beta1, beta2, eps, schedule, maxLearningRate);
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Resolves the groups over the variables being trained and creates each variable's m and v slots
     * (zeros, run by the graph's initializers).
     *
     * @throws IllegalArgumentException for a variable matched by two groups, a group that matches
     *     nothing, a variable that is not float32 or has no static shape
     */
    @Override
    protected void createSlots(List<Output<? extends TType>> variables) {
        if (plan != null) {
            throw new IllegalStateException(getOptimizerName() + " already built its update: one optimizer per update op");
        }
        List<ParamInfo> params = new ArrayList<>();
        for (Output<? extends TType> v : variables) {
            String varName = v.op().name();
            if (v.type() != TFloat32.class) {
                throw new IllegalArgumentException("variable '" + varName + "' is " + v.dataType()
                        + ": decaf's TensorFlow optimizers update float32 variables");
            }
            Shape s = v.shape();
            if (s.isUnknown() || s.hasUnknownDimension()) {
                throw new IllegalArgumentException("variable '" + varName + "' has no static shape (" + s + ")");
            }
            params.add(ParamInfo.of(varName, s.asArray()));
        }
        plan = GroupPlan.resolve(params, rules, weightDecay, decayRule, unmatched);
        for (GroupPlan.Group g : plan.groups()) {
            if (g.weightDecay() != 0 && needsPeak(g.decayRule()) && !(maxLearningRate > 0)) {
                throw new IllegalArgumentException("group '" + g.name() + "': the '" + g.decayRule()
                        + "' rule needs the schedule's peak learning rate (optMaxLearningRate)");
            }
            coefficients.put(g.name(), new GroupCoefficients(ops.withSubScope(g.name()), g, maxLearningRate, inputs));
        }
        for (Output<? extends TType> v : variables) {
            Output<TFloat32> var = v.expect(TFloat32.class);
            // zeros of the static shape, made in the init scope: the variable itself may not be initialized yet
            Ops init = ops.withInitScope();
            createSlot(var, FIRST_MOMENT, init.zeros(init.constant(var.shape().asArray()), TFloat32.class));
            createSlot(var, SECOND_MOMENT, init.zeros(init.constant(var.shape().asArray()), TFloat32.class));
            @SuppressWarnings("unchecked")
            Variable<TFloat32>[] slots = new Variable[] {getSlot(var, FIRST_MOMENT).orElseThrow(),
                getSlot(var, SECOND_MOMENT).orElseThrow()};
            slotsByName.put(var.op().name(), slots);
        }
    }

    private static boolean needsPeak(DecayRule rule) {
        return rule == DecayRule.CORRECTED || rule == DecayRule.INDEPENDENT;
    }

    /**
     * The update of one variable, composed of element-wise ops in the order of decaf-djl's scalar
     * kernel, so each value is rounded as there. {@code deps} carries the control dependencies on
     * every gradient of the step (see the class comment). When a group waits for v̄ (AdamS), this is
     * phase 1 only — m and v — and {@link #finish} moves every variable once all moments moved.
     */
    @Override
    protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
        Output<TFloat32> theta = variable.expect(TFloat32.class);
        Operand<TFloat32> g = gradient.expect(TFloat32.class);
        String varName = variable.op().name();
        GroupCoefficients c = coefficients.get(plan.groupOf(varName).name());
        Variable<TFloat32>[] slots = slotsByName.get(varName);
        if (c.coupling != null) {
            g = deps.math.add(g, deps.math.mul(c.coupling, theta));
        }
        Assign<TFloat32> m = deps.assign(slots[0], deps.math.add(
                deps.math.mul(slots[0], deps.constant((float) beta1)),
                deps.math.mul(deps.constant((float) (1 - beta1)), g)));
        Assign<TFloat32> v = deps.assign(slots[1], deps.math.add(
                deps.math.mul(slots[1], deps.constant((float) beta2)),
                deps.math.mul(deps.math.mul(deps.constant((float) (1 - beta2)), g), g)));
        if (plan.needsMeanSecondMoment()) {
            pending.add(new Moved(theta, m, v, c));
            return deps.withControlDependencies(List.of(m, v)).noOp();
        }
        return weightUpdate(deps, theta, m, v, c, c.decay);
    }

    /** θ ← θ·d − α·m / (√v/√(1−β2^t) + ε), reading m and v from their assignments. */
    private Op weightUpdate(Ops deps, Output<TFloat32> theta, Operand<TFloat32> m, Operand<TFloat32> v,
            GroupCoefficients c, Operand<TFloat32> decay) {
        Operand<TFloat32> denom = deps.math.add(deps.math.div(deps.math.sqrt(v), inputs.biasCorrection2Sqrt),
                deps.constant((float) eps));
        Operand<TFloat32> next = deps.math.sub(deps.math.mul(theta, decay),
                deps.math.div(deps.math.mul(c.stepSize, m), denom));
        return deps.assign(theta, next);
    }

    /**
     * Ends the update. For AdamS (a group with the stable rule), phase 2: once every m and v moved,
     * v̄ = Σ_p (Σ v_p)/(1−β2^t) / n over all n elements of all variables (float64, as decaf-djl's
     * two-phase step sums), then every variable moves with its group's d.
     */
    @Override
    protected Op finish(List<Op> updateOperations, String name) {
        if (!pending.isEmpty()) {
            Ops after = ops.withControlDependencies(updateOperations);
            Operand<TFloat64> sumVHat = null;
            long count = 0;
            for (Moved p : pending) {
                Operand<TFloat64> v64 = after.dtypes.cast(p.v(), TFloat64.class);
                int rank = p.theta().shape().numDimensions();
                int[] axes = java.util.stream.IntStream.range(0, rank).toArray();
                Operand<TFloat64> term = after.math.div(after.sum(v64, after.constant(axes)), inputs.biasCorrection2);
                sumVHat = sumVHat == null ? term : after.math.add(sumVHat, term);
                count += p.theta().shape().size();
            }
            Operand<TFloat64> mean = after.math.div(sumVHat, after.constant((double) count));
            List<Op> all = new ArrayList<>(updateOperations);
            for (Moved p : pending) {
                Operand<TFloat32> decay = p.coefficients().decay != null ? p.coefficients().decay
                        : p.coefficients().stableDecay(after, mean);
                all.add(weightUpdate(after, p.theta(), p.m(), p.v(), p.coefficients(), decay));
            }
            pending.clear();
            return super.finish(all, name);
        }
        return super.finish(updateOperations, name);
    }

    /** A variable whose moments moved in phase 1 and whose weight waits for v̄. */
    private record Moved(Output<TFloat32> theta, Operand<TFloat32> m, Operand<TFloat32> v, GroupCoefficients coefficients) {}

    /**
     * Runs one training step: feeds t = {@link #step()} + 1 and γ_t = schedule(t), runs the runner
     * (which the caller gave the update op as target, its data feeds and fetches) and counts the step.
     *
     * @param runner the runner
     * @return the runner's result (close it)
     * @throws IllegalArgumentException when the schedule's γ_t is negative or not finite
     */
    public Result run(Session.Runner runner) {
        return run(runner, schedule.lr(step + 1));
    }

    /**
     * Runs one training step with a learning rate of the caller's choosing (γ_max stays the
     * schedule's peak, or {@link BaseBuilder#optMaxLearningRate}).
     *
     * @param runner the runner, with the update op as target
     * @param learningRate γ_t ≥ 0
     * @return the runner's result (close it)
     * @throws IllegalArgumentException when γ_t is negative or not finite
     */
    public Result run(Session.Runner runner, double learningRate) {
        Objects.requireNonNull(runner, "runner");
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + learningRate
                    + " at step " + (step + 1));
        }
        groupPlan();
        try (TFloat64 lr = TFloat64.scalarOf(learningRate); TInt64 t = TInt64.scalarOf(step + 1)) {
            Result r = runner.feed(inputs.learningRate, lr).feed(inputs.step, t).run();
            step++;
            return r;
        }
    }

    /**
     * Writes the optimizer state — m and v of every variable, keyed {@code NAME.exp_avg} and {@code
     * NAME.exp_avg_sq}, and {@code optimizer.json} with the step count, groups and hyper-parameters —
     * in the layout decaf-djl's optimizers write ({@link dev.decaf.core.state.OptimizerStateFiles}).
     *
     * @param dir the directory (created if missing)
     * @param session the session holding the variables
     * @throws IOException on a write error (then neither file is replaced)
     */
    public void saveState(Path dir, Session session) throws IOException {
        OptimizerStateTensors.save(dir, manifestHeader(), groupPlan(), slotsByName, step, session);
    }

    /**
     * Loads state written by {@link #saveState} or by a decaf-djl optimizer of the same kind into this
     * optimizer's slots (after the session's initializers ran, before the first step); steps continue
     * from the saved count. Variables are matched by name.
     *
     * @param dir the directory
     * @param session the session holding the variables
     * @throws IOException when the files are missing, damaged, or do not fit this graph's variables
     * @throws IllegalArgumentException when another optimizer or other β or ε saved it, or the saved
     *     step counts differ between variables (this optimizer keeps one count for all)
     */
    public void loadState(Path dir, Session session) throws IOException {
        step = OptimizerStateTensors.load(dir, manifestHeader(), groupPlan(), slotsByName, ops, session);
    }

    /** The settings as the manifest records them (no groups or parameters). */
    private OptimizerStateTensors.Header manifestHeader() {
        return new OptimizerStateTensors.Header(getClass().getSimpleName(), beta1, beta2, eps, weightDecay,
                decayRule.recipeName(), maxLearningRate);
    }

    /**
     * Builder options shared by the family, in DJL's style: {@code opt*} setters with defaults.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        String name;
        Schedule schedule = Schedule.constant(1e-3);
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double weightDecay = 1e-2;
        DecayRule decayRule;
        double maxLearningRate = Double.NaN;
        List<GroupRule> rules = List.of();
        GroupPlan.Unmatched unmatched = GroupPlan.Unmatched.STANDARD;

        /**
         * Starts a builder.
         *
         * @param defaultRule the member's decay rule
         * @param defaultName the member's name, which names its ops
         */
        protected BaseBuilder(DecayRule defaultRule, String defaultName) {
            this.decayRule = defaultRule;
            this.name = defaultName;
        }

        /** Returns this builder. */
        protected abstract T self();

        /**
         * Sets the schedule that gives γ_t at every step (and γ_max, its peak). Default: constant 1e-3.
         *
         * @param schedule the schedule
         * @return this builder
         */
        public T optSchedule(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return self();
        }

        /**
         * Sets a constant learning rate (a constant schedule).
         *
         * @param lr γ ≥ 0
         * @return this builder
         */
        public T optLearningRate(double lr) {
            return optSchedule(Schedule.constant(lr));
        }

        /**
         * Sets β1 (default 0.9).
         *
         * @param beta1 β1 in [0, 1)
         * @return this builder
         */
        public T optBeta1(double beta1) {
            this.beta1 = beta1;
            return self();
        }

        /**
         * Sets β2 (default 0.999).
         *
         * @param beta2 β2 in [0, 1)
         * @return this builder
         */
        public T optBeta2(double beta2) {
            this.beta2 = beta2;
            return self();
        }

        /**
         * Sets ε, added to the denominator after bias correction (default 1e-8).
         *
         * @param eps ε &gt; 0
         * @return this builder
         */
        public T optEpsilon(double eps) {
            this.eps = eps;
            return self();
        }

        /**
         * Sets λ for the groups that do not set their own (default 0.01).
         *
         * @param lambda λ ≥ 0
         * @return this builder
         */
        public T optWeightDecay(double lambda) {
            this.weightDecay = lambda;
            return self();
        }

        /**
         * Overrides the default decay rule (each group may override it again): {@code decoupled},
         * {@code corrected}, {@code independent} or {@code l2}.
         *
         * @param rule the rule
         * @return this builder
         */
        public T optDecayRule(DecayRule rule) {
            this.decayRule = Objects.requireNonNull(rule, "rule");
            return self();
        }

        /**
         * Sets γ_max for the rules that divide by it (corrected, independent); default: the
         * schedule's peak.
         *
         * @param peak γ_max &gt; 0
         * @return this builder
         */
        public T optMaxLearningRate(double peak) {
            this.maxLearningRate = peak;
            return self();
        }

        /**
         * Sets the group rules, matched against each variable's op name and static shape; variables
         * no rule matches follow decaf's standard rule (norms, biases and anything &lt; 2-D in {@code
         * default_no_decay}, the rest in {@code default}). Default: no rules.
         *
         * @param rules the rules, in order
         * @return this builder
         */
        public T optGroups(List<GroupRule> rules) {
            this.rules = List.copyOf(rules);
            return self();
        }

        /**
         * Uses a named preset of decaf-core ({@code standard} or {@code llm}, {@link GroupPresets}).
         *
         * @param preset the preset name
         * @return this builder
         * @throws IllegalArgumentException for an unknown name
         */
        public T optGroupPreset(String preset) {
            return optGroups(GroupPresets.rules(preset));
        }

        /**
         * Decays every variable no rule matches with the optimizer's λ, as {@code
         * torch.optim.AdamW(model.parameters())} does, instead of the standard rule.
         *
         * @return this builder
         */
        public T optDecayUnmatched() {
            this.unmatched = GroupPlan.Unmatched.DECAY;
            return self();
        }

        /**
         * Names the optimizer's ops (a sub-scope of the graph); default the class name.
         *
         * @param name a valid TF scope name
         * @return this builder
         */
        public T optName(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return self();
        }

        /**
         * Builds the optimizer on a graph.
         *
         * @param graph the graph
         * @return the optimizer
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public abstract AdamFamily build(Graph graph);
    }
}
