package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.kernel.AdamCoefficients;
import dev.decaf.djl.optim.kernel.AdamKernel;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Adam family as a DJL {@link Optimizer}, written as a pipeline of small stages in the spirit
 * of optax; the members differ only in the default of the decay stage:
 *
 * <pre>
 * 1. gradient    g ← clip(s·g) + c·θ          rescale, element clip, coupled L2 (rule {@code l2})
 * 2. decay       θ ← θ·(1 − shrink)            the group's {@link DecayRule}
 * 3. moments     t ← t + 1 ; m ← β1·m + (1−β1)·g ; v ← β2·v + (1−β2)·g²
 * 4. scaled step θ ← θ − (γ_t/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)     ε added after bias correction
 * </pre>
 *
 * <p>This is {@code torch.optim.AdamW} to the last decimal (decay on θ_{t−1} before the step, ε
 * after bias correction, per-parameter step counts), which DJL's own AdamW is not (it adds ε
 * before bias correction, shares one step count and one λ). The learning rate γ_t comes from the
 * tracker at the parameter's own step t and is multiplied by the group's {@code lr_scale}.
 *
 * <p>Parameter groups ({@link ParamGroups}) give each parameter its λ, rule and lr multiplier;
 * state is keyed by parameter name so it can be saved ({@link #saveState}) and loaded into a
 * fresh optimizer ({@link #loadState}). After each update the parameter's accumulated gradient is
 * zeroed in place, as DJL's PyTorch optimizers do.
 *
 * <p>Speed: for contiguous float32 CPU tensors the four stages run as one fused pass over
 * zero-copy views of θ, g, m and v ({@link AdamKernel}), split across threads, with no tensor
 * allocated; other tensors (GPU) take an in-place tensor-op fallback.
 *
 * <p>Rules that need v̄, the mean of v̂ over all parameters ({@link DecayRule#STABLE}, AdamS),
 * run in two phases: each {@code update} call advances the moments and zeroes the gradient; when
 * the last trainable parameter of the block has been seen, every parameter moves with the now
 * known v̄. Through DJL's {@code Trainer.step()} this is exact; code that updates only some
 * parameters calls {@link #finishStep()} itself.
 */
public abstract class AdamFamily extends Optimizer {

    private static final Logger LOG = LoggerFactory.getLogger(AdamFamily.class);

    private final ParameterTracker learningRateTracker;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double defaultWeightDecay;
    private final DecayRule defaultRule;
    private final ParamGroups paramGroups;
    private final double maxLearningRate;
    private final int beginNumUpdate;
    private final AdamKernel kernel;
    private final boolean fused;
    private final boolean tensorOpsOnly;

    private Binding binding;
    private final Map<String, ParamState> states = new LinkedHashMap<>();
    private final Map<String, ParamState> byId = new HashMap<>();
    private final Map<String, ParamState> loaded = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private double pendingSumVHat;
    private long pendingCount;
    private boolean warnedPartialStep;

    /** The resolved groups and id → name map, fixed at the first update. */
    private record Binding(GroupPlan plan, Map<String, String> idToName, int trainable, boolean twoPhase) {}

    /** A parameter whose moments are updated but whose weights wait for v̄. */
    private record Pending(ParamState state, NDArray weight, AdamCoefficients coefficients, double lr, double maxLr) {}

    protected AdamFamily(BaseBuilder<?> b, DecayRule defaultRule) {
        super(b);
        this.learningRateTracker = b.learningRateTracker;
        this.beta1 = exact(b.beta1);
        this.beta2 = exact(b.beta2);
        this.eps = exact(b.epsilon);
        this.defaultWeightDecay = exact(b.weightDecay);
        this.defaultRule = b.decayRule != null ? b.decayRule : defaultRule;
        this.paramGroups = b.paramGroups;
        this.beginNumUpdate = b.beginNumUpdate;
        this.kernel = b.fused ? AdamKernel.best() : AdamKernel.scalar();
        this.fused = b.fused;
        this.tensorOpsOnly = b.tensorOpsOnly;
        double peak = b.maxLearningRate;
        if (Double.isNaN(peak) && learningRateTracker instanceof ScheduleTracker st) {
            peak = st.peak();
        }
        this.maxLearningRate = peak;
        validate(b);
        MallocHint.checkOnce();
    }

    /** The user passes floats (DJL style); read them as the decimal the user wrote, as Python does. */
    private static double exact(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private void validate(BaseBuilder<?> b) {
        checkUnit("beta1", b.beta1);
        checkUnit("beta2", b.beta2);
        if (!(b.epsilon > 0) || Float.isInfinite(b.epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, got " + b.epsilon);
        }
        if (!(b.weightDecay >= 0) || Float.isInfinite(b.weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + b.weightDecay);
        }
        if (!Double.isNaN(b.maxLearningRate) && (!(b.maxLearningRate > 0) || Double.isInfinite(b.maxLearningRate))) {
            throw new IllegalArgumentException("max learning rate must be finite and > 0, got " + b.maxLearningRate);
        }
        checkLearningRate(learningRate("(validation)", 1 + beginNumUpdate), "(first step)", 1 + beginNumUpdate);
        if (defaultRule.needsMeanSecondMoment() && paramGroups == null) {
            throw new IllegalArgumentException("the '" + defaultRule + "' decay rule needs every parameter:"
                    + " pass optParamGroups(ParamGroups.standard(block))");
        }
        if (needsPeak(defaultRule) && Double.isNaN(maxLearningRate) && defaultWeightDecay != 0) {
            throw missingPeak(defaultRule);
        }
    }

    private static void checkUnit(String name, float beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + beta);
        }
    }

    private static boolean needsPeak(DecayRule r) {
        return r == DecayRule.CORRECTED || r == DecayRule.INDEPENDENT;
    }

    private IllegalArgumentException missingPeak(DecayRule r) {
        return new IllegalArgumentException("the '" + r + "' decay rule needs the schedule's peak learning rate:"
                + " use a ScheduleTracker or optMaxLearningRate(peak) (tracker: " + learningRateTracker + ")");
    }

    /** Returns the default decay rule of this optimizer (the stage that tells AdamW from AdamC). */
    public DecayRule decayRule() {
        return defaultRule;
    }

    /** Returns λ for groups that do not set their own. */
    public double weightDecay() {
        return defaultWeightDecay;
    }

    /** Returns β1. */
    public double beta1() {
        return beta1;
    }

    /** Returns β2. */
    public double beta2() {
        return beta2;
    }

    /** Returns ε. */
    public double epsilon() {
        return eps;
    }

    /** Returns γ_max (NaN when unknown). */
    public double maxLearningRate() {
        return maxLearningRate;
    }

    /**
     * Returns the resolved group plan, resolving it now if needed (the block must be initialized).
     *
     * @return the plan
     * @throws IllegalStateException without parameter groups
     */
    public synchronized GroupPlan groupPlan() {
        if (paramGroups == null) {
            throw new IllegalStateException("this optimizer has no parameter groups: build it with"
                    + " optParamGroups(ParamGroups.standard(block))");
        }
        return bind().plan();
    }

    /**
     * Returns the group table (group, tensors, parameters, λ, rule, lr_scale) for logs.
     *
     * @return the table as text
     */
    public String groupTable() {
        return groupPlan().table();
    }

    /**
     * Describes the update rule in one line, for start-up logs.
     *
     * @return e.g. {@code AdamW: θ ← θ·(1 − γ_t·λ), λ=0.01; β=(0.9, 0.999) ε=1e-08; ...}
     */
    public String describe() {
        String rule = switch (defaultRule) {
            case DECOUPLED -> "θ ← θ·(1 − γ_t·λ)";
            case CORRECTED -> "θ ← θ·(1 − λ·γ_t²/γ_max)";
            case INDEPENDENT -> "θ ← θ·(1 − λ·γ_t/γ_max)";
            case COUPLED_L2 -> "g ← g + λ·θ";
            case STABLE -> "θ ← θ·(1 − γ_t·λ/√v̄)";
        };
        return String.format(Locale.ROOT, "%s: decay %s (%s), λ=%s; β=(%s, %s) ε=%s; lr %s%s; kernel %s × %d threads",
                getClass().getSimpleName(), rule, defaultRule, defaultWeightDecay, beta1, beta2, eps,
                learningRateTracker,
                Double.isNaN(maxLearningRate) ? "" : ", γ_max=" + maxLearningRate,
                fused ? "fused-" + (AdamKernel.best() == AdamKernel.scalar() ? "scalar" : "vector") : "scalar",
                ParallelRange.threads());
    }

    @Override
    public String toString() {
        return describe();
    }

    private Binding bind() {
        if (binding == null) {
            if (paramGroups == null) {
                binding = new Binding(null, Map.of(), -1, false);
            } else {
                GroupPlan plan = paramGroups.plan(defaultWeightDecay, defaultRule);
                for (GroupPlan.Group g : plan.groups()) {
                    if (g.weightDecay() != 0 && needsPeak(g.decayRule()) && Double.isNaN(maxLearningRate)) {
                        throw missingPeak(g.decayRule());
                    }
                }
                int trainable = (int) paramGroups.block().getParameters().values().stream()
                        .filter(p -> p.requiresGradient()).count();
                binding = new Binding(plan, paramGroups.idToName(), trainable, plan.needsMeanSecondMoment());
            }
        }
        return binding;
    }

    private ParamState state(Binding b, String parameterId, NDArray weight) {
        ParamState st = byId.get(parameterId);
        if (st != null) {
            return st;
        }
        String name;
        GroupPlan.Group group;
        if (b.plan() == null) {
            name = parameterId;
            group = new GroupPlan.Group(GroupPlan.DEFAULT_GROUP, defaultWeightDecay, defaultRule, 1.0, "all",
                    List.of(ParamInfo.of(parameterId, weight.getShape().getShape())));
        } else {
            name = b.idToName().get(parameterId);
            if (name == null) {
                throw new IllegalArgumentException("parameter id " + parameterId
                        + " is not a parameter of the block given to ParamGroups");
            }
            group = b.plan().groupOf(name);
        }
        st = loaded.remove(name);
        if (st == null) {
            st = new ParamState(name, group, weight.zerosLike(), weight.zerosLike(), beginNumUpdate);
        } else {
            st = new ParamState(name, group, st.m.toDevice(weight.getDevice(), false),
                    st.v.toDevice(weight.getDevice(), false), st.step);
        }
        st.weightIsViewable = !tensorOpsOnly && TensorViews.viewable(weight)
                && TensorViews.writesThrough(weight, weight.toByteBuffer(true));
        states.put(name, st);
        byId.put(parameterId, st);
        return st;
    }

    private double learningRate(String parameterId, long step) {
        if (learningRateTracker instanceof ScheduleTracker st) {
            return st.schedule().lr(step);
        }
        return learningRateTracker.getNewValue(parameterId, Math.toIntExact(step));
    }

    private static void checkLearningRate(double lr, String param, long step) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr
                    + " at step " + step + " for parameter " + param);
        }
    }

    /**
     * Applies one update to one parameter and zeroes its gradient.
     *
     * @param parameterId DJL's parameter id
     * @param weight the parameter
     * @param grad its gradient (for {@code Trainer.step()} a copy; the real one is zeroed too)
     */
    @Override
    public synchronized void update(String parameterId, NDArray weight, NDArray grad) {
        Binding b = bind();
        ParamState st = state(b, parameterId, weight);
        if (b.twoPhase() && pending.stream().anyMatch(p -> p.state() == st)) {
            if (!warnedPartialStep) {
                LOG.warn("{}: parameter {} updated twice before every trainable parameter was seen;"
                        + " finishing the previous step with the parameters seen so far", getClass().getSimpleName(), st.name);
                warnedPartialStep = true;
            }
            finishStep();
        }
        long t = ++st.step;
        GroupPlan.Group g = st.group;
        double lr = learningRate(parameterId, t) * g.lrScale();
        checkLearningRate(lr, st.name, t);
        double maxLr = maxLearningRate * g.lrScale();
        double lambda = g.weightDecay();
        DecayRule rule = g.decayRule();
        double shrink = lambda == 0 || rule.needsMeanSecondMoment() ? 0 : rule.shrink(lambda, lr, maxLr, Double.NaN);
        AdamCoefficients c = AdamCoefficients.of(t, lr, beta1, beta2, eps, shrink, rule.couplingCoefficient(lambda),
                rescaleGrad, clipGrad);
        if (b.twoPhase()) {
            double sumV = moments(st, weight, grad, c);
            pendingSumVHat += sumV / (1 - Math.pow(beta2, t));
            pendingCount += weight.size();
            pending.add(new Pending(st, weight, c, lr, maxLr));
            if (pending.size() == b.trainable()) {
                finishStep();
            }
        } else {
            fusedStep(st, weight, grad, c);
        }
    }

    /**
     * For two-phase rules ({@link DecayRule#STABLE}): moves every parameter whose moments were
     * updated since the last step, using v̄ over those parameters. Called automatically once every
     * trainable parameter of the block has been updated; a no-op otherwise.
     */
    public synchronized void finishStep() {
        if (pending.isEmpty()) {
            return;
        }
        double meanVHat = pendingSumVHat / pendingCount;
        for (Pending p : pending) {
            GroupPlan.Group g = p.state().group;
            double shrink = g.weightDecay() == 0 ? 0 : g.decayRule().shrink(g.weightDecay(), p.lr(), p.maxLr(), meanVHat);
            apply(p.state(), p.weight(), p.coefficients().withDecay(shrink));
        }
        pending.clear();
        pendingSumVHat = 0;
        pendingCount = 0;
    }

    private void fusedStep(ParamState st, NDArray weight, NDArray grad, AdamCoefficients c) {
        boolean viewed = consumeGradient(st, weight, grad, (p, g, m, v, z, from, to) -> {
            kernel.step(p, g, m, v, z, from, to, c);
            return 0;
        }) != null;
        if (!viewed) {
            NDArrayAdamStep.moments(weight, grad, st.m, st.v, c, false);
            NDArrayAdamStep.apply(weight, st.m, st.v, c);
            TensorViews.zeroGradient(weight);
        }
    }

    private double moments(ParamState st, NDArray weight, NDArray grad, AdamCoefficients c) {
        Double sum = consumeGradient(st, weight, grad, (p, g, m, v, z, from, to) -> kernel.moments(p, g, m, v, z, from, to, c));
        if (sum != null) {
            return sum;
        }
        double s = NDArrayAdamStep.moments(weight, grad, st.m, st.v, c, true);
        TensorViews.zeroGradient(weight);
        return s;
    }

    /** A kernel pass that reads the gradient, over views of θ, g, m, v and the gradient to zero. */
    @FunctionalInterface
    private interface GradientPass {
        double run(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer zero, int from, int to);
    }

    /**
     * Runs a pass over zero-copy views split across threads, then makes sure the parameter's real
     * gradient is zero: in the same pass when its view writes through (the usual case), else in
     * place afterwards. Returns the summed pass results, or null when the tensors cannot be viewed.
     */
    private Double consumeGradient(ParamState st, NDArray weight, NDArray grad, GradientPass pass) {
        if (!st.weightIsViewable || !TensorViews.viewable(grad)) {
            return null;
        }
        ByteBuffer p = weight.toByteBuffer(true);
        ByteBuffer g = grad.toByteBuffer(true);
        ByteBuffer m = st.m.toByteBuffer(true);
        ByteBuffer v = st.v.toByteBuffer(true);
        try (NDArray real = weight.getGradient()) {
            ByteBuffer z = real.toByteBuffer(true);
            ByteBuffer zero = TensorViews.writesThrough(real, z) ? z : null;
            double sum = ParallelRange.sum(Math.toIntExact(weight.size()), (from, to) -> pass.run(p, g, m, v, zero, from, to));
            if (zero == null) {
                TensorViews.zeroGradient(weight);
            }
            return sum;
        }
    }

    private void apply(ParamState st, NDArray weight, AdamCoefficients c) {
        if (st.weightIsViewable) {
            ByteBuffer p = weight.toByteBuffer(true);
            ByteBuffer m = st.m.toByteBuffer(true);
            ByteBuffer v = st.v.toByteBuffer(true);
            ParallelRange.run(Math.toIntExact(weight.size()), (from, to) -> kernel.apply(p, m, v, from, to, c));
        } else {
            NDArrayAdamStep.apply(weight, st.m, st.v, c);
        }
    }

    /** Returns the state of each parameter updated so far (or loaded), by name, in update order. */
    Map<String, ParamState> states() {
        return Collections.unmodifiableMap(states);
    }

    /**
     * Returns the step count of a parameter (0 before its first update).
     *
     * @param paramName the parameter name
     * @return t
     */
    public synchronized long step(String paramName) {
        ParamState st = states.get(paramName);
        if (st == null) {
            st = loaded.get(paramName);
        }
        return st == null ? beginNumUpdate : st.step;
    }

    /**
     * Writes the optimizer state to {@code dir/optimizer.safetensors} (moments keyed {@code
     * NAME.exp_avg}, {@code NAME.exp_avg_sq}) and {@code dir/optimizer.json} (steps, groups,
     * hyper-parameters), each written to a temporary file and renamed into place.
     *
     * @param dir the directory (created if missing)
     * @throws IOException on a write error
     */
    public synchronized void saveState(Path dir) throws IOException {
        if (!pending.isEmpty()) {
            throw new IllegalStateException("a two-phase step is in progress: call finishStep() before saving");
        }
        if (paramGroups == null && !states.isEmpty()) {
            throw new IllegalStateException("optimizer state is keyed by parameter name: build the optimizer with"
                    + " optParamGroups(ParamGroups.standard(block)) to save it");
        }
        Map<String, ParamState> all = new LinkedHashMap<>(states);
        loaded.forEach(all::putIfAbsent);
        OptimizerStateFiles.save(dir, this, all);
    }

    /**
     * Loads state written by {@link #saveState} into this (fresh) optimizer; updates then continue
     * exactly where the saved run stopped. Parameters are matched by name; a missing, extra or
     * mis-shaped tensor is an error naming it.
     *
     * @param dir the directory
     * @param manager the manager that owns the loaded moments until the first update moves them to
     *     the parameter's device (use the model's manager)
     * @throws IOException when the files are missing, truncated or do not fit this model
     */
    public synchronized void loadState(Path dir, ai.djl.ndarray.NDManager manager) throws IOException {
        Objects.requireNonNull(manager, "manager");
        if (!states.isEmpty()) {
            throw new IllegalStateException("loadState must be called before the first update");
        }
        Map<String, long[]> expected = new LinkedHashMap<>();
        if (paramGroups != null) {
            for (ParamInfo p : groupPlan().groups().stream().flatMap(g -> g.members().stream()).toList()) {
                expected.put(p.name(), p.shape());
            }
        }
        Map<String, OptimizerStateFiles.Loaded> read = OptimizerStateFiles.load(dir, this, expected, manager);
        GroupPlan plan = paramGroups == null ? null : groupPlan();
        for (var e : read.entrySet()) {
            GroupPlan.Group group = plan == null ? null : plan.groupOf(e.getKey());
            loaded.put(e.getKey(), new ParamState(e.getKey(), group, e.getValue().m(), e.getValue().v(), e.getValue().step()));
        }
    }

    /**
     * Builder options shared by the family, in DJL's style: {@code opt*} setters with defaults.
     *
     * @param <T> the concrete builder
     */
    @SuppressWarnings("rawtypes")
    public abstract static class BaseBuilder<T extends BaseBuilder> extends OptimizerBuilder<T> {

        ParameterTracker learningRateTracker = ScheduleTracker.of(Schedule.constant(1e-3));
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float epsilon = 1e-8f;
        float weightDecay;
        DecayRule decayRule;
        ParamGroups paramGroups;
        double maxLearningRate = Double.NaN;
        int beginNumUpdate;
        boolean fused = true;
        /** Tests only: take the tensor-op path (the GPU path) for CPU tensors too. */
        boolean tensorOpsOnly;

        protected BaseBuilder(float defaultWeightDecay) {
            this.weightDecay = defaultWeightDecay;
            super.optWeightDecays(defaultWeightDecay);
        }

        /**
         * Sets the learning-rate tracker: any DJL {@link ParameterTracker}; a {@link
         * ScheduleTracker} also tells AdamC its peak. Default: fixed 1e-3.
         *
         * @param tracker the tracker
         * @return this builder
         */
        public T optLearningRateTracker(ParameterTracker tracker) {
            this.learningRateTracker = Objects.requireNonNull(tracker, "tracker");
            return self();
        }

        /**
         * Sets β1, the first-moment decay (default 0.9).
         *
         * @param beta1 β1 in [0, 1)
         * @return this builder
         */
        public T optBeta1(float beta1) {
            this.beta1 = beta1;
            return self();
        }

        /**
         * Sets β2, the second-moment decay (default 0.999).
         *
         * @param beta2 β2 in [0, 1)
         * @return this builder
         */
        public T optBeta2(float beta2) {
            this.beta2 = beta2;
            return self();
        }

        /**
         * Sets ε, added to the denominator after bias correction (default 1e-8).
         *
         * @param epsilon ε &gt; 0
         * @return this builder
         */
        public T optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return self();
        }

        /**
         * Sets λ for the groups that do not set their own.
         *
         * @param weightDecays λ ≥ 0
         * @return this builder
         */
        @Override
        public T optWeightDecays(float weightDecays) {
            this.weightDecay = weightDecays;
            return super.optWeightDecays(weightDecays);
        }

        /**
         * Overrides the default decay rule (each group may override it again).
         *
         * @param rule the rule
         * @return this builder
         */
        public T optDecayRule(DecayRule rule) {
            this.decayRule = Objects.requireNonNull(rule, "rule");
            return self();
        }

        /**
         * Sets the parameter groups. Without groups every parameter is decayed with λ and state
         * is keyed by DJL's ids (and cannot be saved).
         *
         * @param groups the groups
         * @return this builder
         */
        public T optParamGroups(ParamGroups groups) {
            this.paramGroups = Objects.requireNonNull(groups, "groups");
            return self();
        }

        /**
         * Sets γ_max, the schedule's peak, for the rules that need it ({@code corrected}, {@code
         * independent}); defaults to the peak of a {@link ScheduleTracker}.
         *
         * @param peak γ_max &gt; 0
         * @return this builder
         */
        public T optMaxLearningRate(double peak) {
            this.maxLearningRate = peak;
            return self();
        }

        /**
         * Sets the step count new parameter state starts from (DJL's option; default 0).
         *
         * @param beginNumUpdate the initial count
         * @return this builder
         */
        @Override
        public T optBeginNumUpdate(int beginNumUpdate) {
            this.beginNumUpdate = beginNumUpdate;
            return super.optBeginNumUpdate(beginNumUpdate);
        }

        /**
         * Chooses the fused vector kernel (default) or the portable scalar loop for CPU tensors.
         *
         * @param fused whether to use the fastest kernel available
         * @return this builder
         */
        public T optFusedKernel(boolean fused) {
            this.fused = fused;
            return self();
        }
    }
}
