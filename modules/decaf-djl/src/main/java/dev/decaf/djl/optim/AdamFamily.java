package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.internal.MallocHint;
import dev.decaf.djl.internal.TensorViews;
import dev.decaf.djl.optim.kernel.AdamCoefficients;
import dev.decaf.djl.optim.kernel.AdamKernel;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Adam family as a DJL {@link Optimizer}, written as a pipeline of small stages in the spirit
 * of optax; the members differ only in the default of the decay stage:
 *
 * <pre>
 * 1. gradient    g ← clip(s·g) + c·θ          rescale, element clip, coupled L2 (rule {@code l2})
 * 2. decay       θ ← θ·(1 − shrink)            the group's {@link DecayRule} ({@link DecayStage}),
 *                                              cautious: only where sign(m_t)·sign(θ) ≥ 0
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
 * zero-copy views of θ, g, m and v ({@link AdamKernel}), split across the optimizer's own kernel
 * threads ({@link BaseBuilder#optKernelThreads(int)}), with no tensor allocated; other tensors
 * (GPU) take an in-place tensor-op fallback.
 *
 * <p>Rules that need v̄, the mean of v̂ over all parameters ({@link DecayRule#STABLE}, AdamS),
 * run in two phases: each {@code update} call advances the moments and zeroes the gradient; when
 * every trainable parameter of the block has been seen (counted afresh at each step's first
 * update, so a layer frozen or added between steps is counted right: {@code StepBoundary}), every
 * parameter moves with the now known v̄. Through DJL's {@code Trainer.step()} this is exact; code
 * that updates only some parameters calls {@link #finishStep()} itself.
 *
 * <p>A parameter with no gradient in a step (DJL hands the optimizer zeros for a parameter no
 * backward reached) still moves by momentum and decay, as DJL's own optimizers move it and unlike
 * {@code torch.optim}, which skips a parameter whose {@code .grad} is None; {@link
 * BaseBuilder#optSkipParamsWithoutGradient(boolean)} skips it as PyTorch does (the rule for "no
 * gradient" is there). {@link #skipNextStep()} makes one whole step a no-op (a non-finite
 * gradient norm: {@link ClipGradients}).
 *
 * <p>Threads: one optimizer belongs to one training loop. A step is many {@code update} calls
 * (one per parameter, from {@code Trainer.step()}), and the optimizer keeps state across them (the
 * step boundary, AdamS's pending weights, a skipped step), so the updates of a step come from one
 * thread, and one step at a time. The public methods synchronize on the optimizer, so a call from
 * another thread never sees another call half done, but {@link #saveState}, {@link #loadState},
 * {@link #describe()} and {@link #groupTable()} belong between steps, on the training thread or
 * ordered with it: a save while a step runs writes some parameters before it and some after. Two
 * optimizers share nothing: each has its own state, groups and kernel threads (unless given the
 * same pool with {@link BaseBuilder#optKernelThreads(ParallelRange)}), so they step in parallel on
 * two threads without waiting for each other ({@code ConcurrentOptimizersTest}). {@link #close()}
 * releases the kernel threads; they are daemons, so an optimizer that is never closed does not keep
 * the JVM alive.
 *
 * <p>The parts: {@link AdamSettings} (validated hyper-parameters), {@link GroupBinding} (id →
 * name → group), {@link ParamStateStore} (t, m, v per parameter name), {@link DecayStage},
 * {@link StepExecutor} (vector kernel, scalar kernel or tensor ops), {@link TwoPhaseStep} (AdamS)
 * and {@link OptimizerStateArrays} (the NDArray side of decaf-core's state files).
 */
public abstract class AdamFamily extends Optimizer implements OptimizerState, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdamFamily.class);

    /** Numbers each optimizer's kernel threads, so a thread dump tells two optimizers apart. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final AdamSettings settings;
    private final ParamGroups paramGroups;
    private final StepExecutor executor;
    private final boolean ownsThreads;
    private final ParamStateStore store = new ParamStateStore();
    private final StepBoundary boundary;
    private final boolean skipWithoutGradient;

    /** Resolved at the first update (or {@link #groupPlan()}), when the block has its shapes. */
    private GroupBinding binding;
    /** Non-null once bound when some group's rule waits for v̄. */
    private TwoPhaseStep twoPhase;
    private boolean warnedPartialStep;
    private boolean warnedAbovePeak;
    /** Set by {@link #skipNextStep()}: each parameter's next update is a no-op, until the step ends. */
    private boolean skipping;
    private boolean closed;

    /**
     * Builds the optimizer from its builder.
     *
     * @param b the builder (its constructor names the member's decay rule)
     * @throws IllegalArgumentException naming the first invalid setting
     */
    protected AdamFamily(BaseBuilder<?> b) {
        super(b);
        this.settings = AdamSettings.of(b);
        this.paramGroups = b.paramGroups;
        this.ownsThreads = b.kernelPool == null;
        ParallelRange threads = ownsThreads
                ? ParallelRange.create("decaf-" + getClass().getSimpleName().toLowerCase(Locale.ROOT) + "-"
                        + INSTANCES.incrementAndGet() + "-kernel", b.kernelThreads)
                : b.kernelPool;
        this.executor = new StepExecutor(b.fused, threads, b.tensorOpsOnly);
        this.boundary = new StepBoundary(paramGroups == null ? () -> -1 : paramGroups::trainableCount);
        this.skipWithoutGradient = b.skipWithoutGradient;
        MallocHint.checkOnce();
    }

    /** Returns the default decay rule of this optimizer (the stage that tells AdamW from AdamC). */
    public DecayRule decayRule() {
        return settings.decayRule();
    }

    /** Returns λ for groups that do not set their own. */
    public double weightDecay() {
        return settings.weightDecay();
    }

    /** Returns β1. */
    public double beta1() {
        return settings.beta1();
    }

    /** Returns β2. */
    public double beta2() {
        return settings.beta2();
    }

    /** Returns ε. */
    public double epsilon() {
        return settings.eps();
    }

    /** Returns γ_max (NaN when unknown). */
    public double maxLearningRate() {
        return settings.maxLearningRate();
    }

    /**
     * Returns the threads this optimizer splits large tensors across, for work that belongs to
     * the same run (e.g. {@link GradientClipping#clipGlobalNorm(ai.djl.nn.Block, double,
     * ParallelRange)}). Owned by the optimizer unless it was given a pool: do not close it.
     *
     * @return the kernel threads
     */
    public ParallelRange kernelThreads() {
        return executor.threads();
    }

    /**
     * Returns the resolved group plan, resolving it now if needed (the block must be initialized),
     * with any parameter added to the block since placed by the group rules.
     *
     * @return the plan
     * @throws IllegalStateException without parameter groups
     * @throws IllegalArgumentException when the groups do not resolve: the messages of the first
     *     update (a group that matches nothing, a parameter matched twice, γ_max missing)
     */
    public synchronized GroupPlan groupPlan() {
        if (paramGroups == null) {
            throw new IllegalStateException("this optimizer has no parameter groups: build it with"
                    + " optParamGroups(ParamGroups.standard(block))");
        }
        GroupBinding b = binding();
        b.sync();
        return b.plan();
    }

    /**
     * Returns the group table (group, tensors, parameters, λ, rule, lr_scale) for logs. Frozen
     * parameters ({@code requiresGradient()} false) are counted in a {@code frozen} row of their
     * own, not in their group: the optimizer does not update (or decay) them.
     *
     * @return the table as text
     */
    public synchronized String groupTable() {
        return groupPlan().table(paramGroups.frozenNames());
    }

    /**
     * Returns a DJL {@link ai.djl.training.listener.TrainingListener} that checks this optimizer's
     * groups ({@link #groupPlan()}: the errors of the first update, γ_max included) before any
     * step: add it with {@code DefaultTrainingConfig.addTrainingListeners(...)}. DJL calls {@code
     * onTrainingBegin} at the end of the {@code Trainer} constructor ({@code
     * model.newTrainer(config)}), before {@code trainer.initialize(...)}: a block whose parameters
     * have shapes then (a loaded model, declared shapes) is checked there and {@code newTrainer}
     * throws; one that gets its shapes from {@code trainer.initialize} is checked at the first
     * training batch (after backward, before {@code trainer.step()}). To fail right after {@code
     * initialize}, call {@link ParamGroups#validate()} or {@link #groupPlan()} there.
     *
     * @return the listener
     * @throws IllegalStateException without parameter groups
     */
    public ParamGroupsCheck validationListener() {
        if (paramGroups == null) {
            throw new IllegalStateException("this optimizer has no parameter groups to check: build it with"
                    + " optParamGroups(ParamGroups.standard(block))");
        }
        return new ParamGroupsCheck(this, paramGroups);
    }

    /**
     * Describes the update rule in one line, for start-up logs.
     *
     * @return e.g. {@code AdamW: θ ← θ·(1 − γ_t·λ), λ=0.01; β=(0.9, 0.999) ε=1e-08; ...}
     */
    public String describe() {
        DecayRule rule = settings.decayRule();
        double peak = settings.maxLearningRate();
        return String.format(Locale.ROOT, "%s: decay %s (%s), λ=%s; β=(%s, %s) ε=%s; lr %s%s; kernel %s × %d threads",
                getClass().getSimpleName(), DecayStage.formula(rule), rule, settings.weightDecay(), settings.beta1(),
                settings.beta2(), settings.eps(), trackerName(settings.learningRateTracker()),
                Double.isNaN(peak) ? "" : ", γ_max=" + shortest(peak), executor.kernelName(), executor.threads().threads());
    }

    /** A tracker as text: its own toString when it has one (decaf's schedules), else its class name. */
    static String trackerName(Object tracker) {
        String s = String.valueOf(tracker);
        return tracker != null && s.startsWith(tracker.getClass().getName() + "@") ? tracker.getClass().getSimpleName() : s;
    }

    /** A double that came from a float (DJL's builders take floats) in the float's shortest digits: 0.003, not 0.003000000026. */
    static String shortest(double v) {
        return (double) (float) v == v ? Float.toString((float) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        return describe();
    }

    private GroupBinding binding() {
        if (binding == null) {
            binding = GroupBinding.bind(settings, paramGroups);
        }
        if (twoPhase == null && binding.twoPhase()) { // also when a late parameter brings the first v̄ group
            twoPhase = new TwoPhaseStep(settings.beta2());
        }
        return binding;
    }

    /** Returns a parameter's state, binding it (name, group, loaded or fresh moments) at its first update. */
    private ParamState stateOf(String parameterId, NDArray weight) {
        ParamState st = store.get(parameterId);
        if (st != null) {
            return st;
        }
        GroupBinding b = binding();
        String name = b.nameOf(parameterId);
        GroupPlan.Group group = b.groupOf(name, weight.getShape().getShape());
        binding(); // a parameter placed just now may be the first to wait for v̄
        return store.bind(parameterId, name, group, b.decayOf(group), weight, settings.beginNumUpdate(),
                executor.canView(weight));
    }

    /**
     * Applies one update to one parameter and zeroes its gradient. A gradient of all zeros (what
     * DJL hands over for a parameter no backward reached) still moves the weight by momentum and
     * decay, as DJL's own optimizers do, unless the optimizer was built with {@link
     * BaseBuilder#optSkipParamsWithoutGradient(boolean)}; after {@link #skipNextStep()} the update
     * only zeroes the gradient.
     *
     * @param parameterId DJL's parameter id
     * @param weight the parameter
     * @param grad its gradient (for {@code Trainer.step()} a copy; the real one is zeroed too)
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public synchronized void update(String parameterId, NDArray weight, NDArray grad) {
        checkOpen();
        ParamState st = stateOf(parameterId, weight);
        if (boundary.cameRound(st)) {
            endStep(st);
        }
        boolean complete = boundary.record(st);
        if (skipping) {
            TensorViews.zeroGradient(weight); // a skipped step leaves no gradient for the next to add to
        } else if (!(skipWithoutGradient && AccumulatedGradient.allZero(grad))) {
            advance(parameterId, st, weight, grad);
        }
        if (complete) {
            endStep(null);
        }
    }

    /** The update proper: step count, learning rate, and the four stages (or phase 1 of two). */
    private void advance(String parameterId, ParamState st, NDArray weight, NDArray grad) {
        long t = st.step + 1;
        double lr = settings.learningRate(parameterId, t) * st.group.lrScale();
        AdamSettings.checkLearningRate(lr, st.name, t); // before the step count moves: a refused step leaves none
        st.step = t;
        warnIfAbovePeak(lr, st);
        AdamCoefficients c = AdamCoefficients.of(t, lr, settings.beta1(), settings.beta2(), settings.eps(),
                st.decay.shrink(lr), st.decay.masked(), st.decay.coupling(), rescaleGrad, clipGrad);
        if (twoPhase == null) {
            executor.step(st, weight, grad, c);
        } else {
            twoPhase.addMoments(executor, st, weight, grad, c, lr);
        }
    }

    /**
     * Ends the current step: a two-phase step moves its pending weights, a skipped step is over.
     *
     * @param cameRound the parameter whose second update in the step ended it early, or null
     */
    private void endStep(ParamState cameRound) {
        if (twoPhase != null && twoPhase.inProgress()) {
            if (cameRound != null && !warnedPartialStep) {
                LOG.warn("{}: parameter {} updated twice before every trainable parameter was seen;"
                        + " finishing the previous step with the parameters seen so far", getClass().getSimpleName(),
                        cameRound.name);
                warnedPartialStep = true;
            }
            twoPhase.finish(executor);
        }
        skipping = false;
        boundary.reset();
    }

    /**
     * Makes the next step a no-op for every parameter: each parameter's next update leaves its
     * weight, moments and step count as they are and only zeroes its gradient, until the step
     * ends (every trainable parameter updated once, or one comes round again). Call it between
     * backward and {@code trainer.step()}, e.g. when the gradient norm is not finite ({@link
     * ClipGradients} does). A step in progress (AdamS waiting for v̄) is finished first.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void skipNextStep() {
        checkOpen();
        if (boundary.inProgress()) {
            endStep(null);
        }
        skipping = true;
    }

    /**
     * AdamC's decay λ·γ_t²/γ_max assumes γ_t ≤ γ_max: a γ_max set below the schedule's real peak
     * decays harder than AdamW by γ_t/γ_max, silently. Said once.
     */
    private void warnIfAbovePeak(double lr, ParamState st) {
        double peak = settings.maxLearningRate() * st.group.lrScale();
        if (!warnedAbovePeak && DecayStage.needsPeak(st.group.decayRule()) && peak > 0 && lr > peak * (1 + 1e-6)) {
            warnedAbovePeak = true;
            LOG.warn("{}: the learning rate {} of parameter {} is above γ_max = {}: its {} decay is {}x what γ_t = γ_max"
                    + " would give; set optMaxLearningRate to the schedule's peak", getClass().getSimpleName(), lr,
                    st.name, peak, st.group.decayRule(), lr / peak);
        }
    }

    /**
     * For two-phase rules ({@link DecayRule#STABLE}): moves every parameter whose moments were
     * updated since the last step, using v̄ over those parameters. Called automatically once every
     * trainable parameter of the block has been updated; a no-op otherwise.
     *
     * @throws IllegalStateException after {@link #close()} while a step is in progress
     */
    public synchronized void finishStep() {
        if (twoPhase != null && twoPhase.inProgress()) {
            checkOpen();
        }
        if (boundary.inProgress()) {
            endStep(null);
        }
    }

    /**
     * Returns the step count of a parameter (0 before its first update).
     *
     * @param paramName the parameter's name, as {@code groupPlan().namesTable()} lists it (not
     *     DJL's parameter id)
     * @return t
     * @throws IllegalArgumentException with parameter groups, once they are resolved, for a name the
     *     block does not hold (rather than a silent 0); without groups any name is taken
     */
    public synchronized long step(String paramName) {
        if (paramGroups != null && binding != null && !binding.holdsName(paramName)) {
            throw new IllegalArgumentException("no parameter named '" + paramName + "' in the block of this optimizer:"
                    + " step(name) takes decaf's parameter names (groupPlan().namesTable() lists them), not DJL's"
                    + " parameter ids");
        }
        return store.step(paramName, settings.beginNumUpdate());
    }

    /**
     * Writes the optimizer state to {@code dir/optimizer.safetensors} (moments keyed {@code
     * NAME.exp_avg}, {@code NAME.exp_avg_sq}) and {@code dir/optimizer.json} (steps, groups,
     * hyper-parameters), each written to a temporary file and renamed into place. The format is
     * decaf-core's {@link dev.decaf.core.state.OptimizerStateFormat}.
     *
     * @param dir the directory (created if missing)
     * @throws IOException on a write error
     */
    public synchronized void saveState(Path dir) throws IOException {
        checkOpen();
        if (twoPhase != null && twoPhase.inProgress()) {
            throw new IllegalStateException("a two-phase step is in progress: call finishStep() before saving");
        }
        if (paramGroups == null && !store.noneBound()) {
            throw new IllegalStateException("optimizer state is keyed by parameter name: build the optimizer with"
                    + " optParamGroups(ParamGroups.standard(block)) to save it");
        }
        OptimizerStateArrays.save(dir, getClass().getSimpleName(), settings, store.all());
    }

    /**
     * Loads state written by {@link #saveState} into this (fresh) optimizer; updates then continue
     * exactly where the saved run stopped. Parameters are matched by name; a missing, extra or
     * mis-shaped tensor is an error naming it. State saved by another optimizer (AdamW into AdamC)
     * or with other β or ε is refused, naming both: the moments mean something else under them. A
     * changed λ or γ_max is allowed (a run may change its decay) and logged once.
     *
     * @param dir the directory
     * @param manager the device to load onto; the loaded moments belong to the optimizer (held in a
     *     manager of its own until each parameter's first update copies them into the parameter's
     *     manager), so {@code manager} may be closed as soon as this returns
     * @throws IOException when the files are missing, truncated or do not fit this model
     */
    public synchronized void loadState(Path dir, NDManager manager) throws IOException {
        Objects.requireNonNull(manager, "manager");
        checkOpen();
        if (!store.noneBound()) {
            throw new IllegalStateException("loadState must be called before the first update");
        }
        Map<String, long[]> expected = new LinkedHashMap<>();
        if (paramGroups != null) {
            for (ParamInfo p : groupPlan().groups().stream().flatMap(g -> g.members().stream()).toList()) {
                expected.put(p.name(), p.shape());
            }
        }
        // a manager of the optimizer's own: a caller's try-with-resources manager may close at once
        NDManager own = NDManager.newBaseManager(manager.getDevice());
        Map<String, OptimizerStateArrays.Loaded> read;
        try {
            OptimizerStateArrays.Read r = OptimizerStateArrays.load(dir, expected, own);
            // after the files proved whole and fit the model: those errors come first
            checkSavedSettings(r.manifest(), dir.resolve(dev.decaf.core.state.OptimizerStateFormat.MANIFEST_FILE));
            read = r.params();
        } catch (IOException | RuntimeException e) {
            own.close();
            throw e;
        }
        GroupPlan plan = paramGroups == null ? null : groupPlan();
        store.ownLoaded(own);
        read.forEach((name, l) -> store.restore(name, plan == null ? null : plan.groupOf(name), l.m(), l.v(), l.step()));
    }

    /** Refuses state whose moments another optimizer or other β/ε made; notes a changed λ or γ_max. */
    private void checkSavedSettings(dev.decaf.core.state.OptimizerManifest saved, Path file) {
        String mine = getClass().getSimpleName();
        if (saved.optimizer() != null && !saved.optimizer().equals(mine)) {
            throw new IllegalArgumentException(file + " holds the state of " + saved.optimizer() + ", not of " + mine
                    + ": load it into " + saved.optimizer() + " (its moments follow that optimizer's update)");
        }
        String[] names = {"beta1", "beta2", "eps"};
        double[] theirs = {saved.beta1(), saved.beta2(), saved.eps()};
        double[] ours = {settings.beta1(), settings.beta2(), settings.eps()};
        for (int i = 0; i < names.length; i++) {
            if (differs(theirs[i], ours[i])) {
                throw new IllegalArgumentException(file + " was saved with " + names[i] + " = " + theirs[i] + ", this "
                        + mine + " has " + names[i] + " = " + ours[i] + ": the moments would not continue the run");
            }
        }
        if (differs(saved.weightDecay(), settings.weightDecay()) || differs(saved.maxLearningRate(), settings.maxLearningRate())) {
            LOG.info("decaf: {} loads state saved with weight_decay = {}, max_lr = {}; it continues with weight_decay = {},"
                    + " max_lr = {}", mine, saved.weightDecay(), saved.maxLearningRate(), settings.weightDecay(),
                    settings.maxLearningRate());
        }
    }

    private static boolean differs(double saved, double current) {
        if (Double.isNaN(saved) || Double.isNaN(current)) {
            return false; // an older file, or γ_max unknown: nothing to compare
        }
        return Math.abs(saved - current) > 1e-9 * Math.max(Math.abs(saved), Math.abs(current));
    }

    /**
     * Releases the kernel threads (when the optimizer owns them) and frees the state: every m and
     * v (they live in managers of the optimizer's own under the weights' managers, so a long-lived
     * model keeps nothing of a closed optimizer). Save the state before closing; later updates,
     * saves and loads throw. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            twoPhase = null; // its pending steps refer to freed moments
            store.close();
            if (ownsThreads) {
                executor.threads().close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
    }

    /**
     * Builder options shared by the family, in DJL's style: {@code opt*} setters with defaults.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> extends OptimizerBuilder<T> {

        ParameterTracker learningRateTracker = ScheduleTracker.of(Schedule.constant(1e-3));
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float epsilon = 1e-8f;
        float weightDecay;
        /** The member's own decay stage: the one thing that tells AdamW, AdamC, Adam-L2 and AdamS apart. */
        final DecayRule defaultRule;
        DecayRule decayRule;
        ParamGroups paramGroups;
        double maxLearningRate = Double.NaN;
        int beginNumUpdate;
        boolean fused = true;
        int kernelThreads = ParallelRange.defaultThreads();
        ParallelRange kernelPool;
        /** Tests only: take the tensor-op path (the GPU path) for CPU tensors too. */
        boolean tensorOpsOnly;
        boolean skipWithoutGradient;

        /**
         * Starts a builder with a member's defaults.
         *
         * @param defaultWeightDecay its λ
         * @param defaultRule its decay rule
         */
        protected BaseBuilder(float defaultWeightDecay, DecayRule defaultRule) {
            this.defaultRule = Objects.requireNonNull(defaultRule, "defaultRule");
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
        /**
         * Sets how many threads the fused kernel splits a large tensor (≥ {@value
         * ParallelRange#MIN_PARALLEL} elements) across: the calling thread and {@code threads − 1}
         * of the optimizer's own, named {@code decaf-NAME-N-kernel-i}, started on first use and
         * released by {@link AdamFamily#close()}. Default: the system property {@value
         * ParallelRange#THREADS_PROPERTY}, else the number of available processors. The count
         * decides the split, not the speed alone: element-wise rules give the same weights for
         * any count, but AdamS sums Σv per chunk, so another count may move v̄ in its last bit.
         *
         * @param threads ≥ 1
         * @return this builder
         */
        public T optKernelThreads(int threads) {
            this.kernelThreads = threads;
            this.kernelPool = null;
            return self();
        }

        /**
         * Uses threads the caller owns instead of the optimizer's own (several optimizers of one
         * service may share a pool this way; {@link AdamFamily#close()} then leaves it open).
         *
         * @param pool the threads, e.g. {@link ParallelRange#create(String, int)}
         * @return this builder
         */
        public T optKernelThreads(ParallelRange pool) {
            this.kernelPool = Objects.requireNonNull(pool, "pool");
            return self();
        }

        /**
         * Leaves a parameter with no gradient in a step untouched, as {@code torch.optim} skips a
         * parameter whose {@code .grad} is None: weight, moments and step count stay as they are
         * (so its bias correction and learning rate continue from its own last step). Default
         * false: such a parameter moves by momentum and decay, as DJL's own optimizers move it.
         *
         * <p>"No gradient" is a gradient whose every element is exactly ±0. DJL cannot tell
         * "never written" from "written as zeros": {@code Trainer.step()} hands the optimizer
         * zeros for a parameter no backward reached (libtorch's {@code .grad} undefined), and decaf
         * zeroes each gradient in place after its update, so a parameter no backward reached since
         * its last step arrives as zeros. A gradient that backward did write, all exactly zero (a
         * layer every input of the batch bypassed), is skipped too, where PyTorch would step it. The
         * check reads the gradient until its first non-zero element: for a real gradient one element;
         * a full pass only for a gradient that is then skipped (on a GPU: one count-nonzero per
         * parameter, and a device sync).
         *
         * @param skip whether to skip parameters without gradient
         * @return this builder
         */
        public T optSkipParamsWithoutGradient(boolean skip) {
            this.skipWithoutGradient = skip;
            return self();
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public abstract AdamFamily build();
    }
}
