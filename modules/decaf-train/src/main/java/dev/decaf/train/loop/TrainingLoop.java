package dev.decaf.train.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.internal.TensorViews;
import dev.decaf.djl.optim.GradientClipping;
import dev.decaf.djl.optim.OptimizerState;
import dev.decaf.djl.optim.kernel.ParallelRange;
import dev.decaf.djl.runtime.EngineLock;
import dev.decaf.models.nn.CausalLmLoss;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.nn.Scalars;
import dev.decaf.text.data.Batch;
import dev.decaf.text.data.DataSplit;
import dev.decaf.text.data.EpochCursor;
import dev.decaf.train.metrics.GroupUpdate;
import dev.decaf.train.metrics.ProcessMemory;
import dev.decaf.train.metrics.StepMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * decaf's training loop: gradient accumulation, global-norm clipping, the NaN guard, the optimizer
 * update and the events at which its {@link TrainingCallback}s print, log, evaluate and checkpoint.
 *
 * <p>One optimizer step: {@code grad_accum} micro-batches, each forward + masked next-token loss
 * (scaled by 1/grad_accum) + backward; then the global gradient norm (clipped to {@code
 * clip_norm}); a non-finite loss or norm skips the step ({@link NonFiniteGuard}: gradients zeroed,
 * counted; too many in a row stop the run); otherwise DJL's {@link Optimizer} updates every
 * trainable parameter in place and zeroes its gradient. On evaluation steps the validation loss is
 * measured ({@link ValidationLoss}) and counted in the state's {@link BestSoFar}; then every
 * callback sees the step's {@link StepMetrics}. With {@link EarlyStopping} the loop ends after the
 * evaluation that runs out of patience.
 *
 * <p>Exact resume: the data order is a pure function of (seed, epoch) and the checkpoint records
 * the sample position; dropout draws from the engine's generator, re-seeded from (seed, step,
 * micro-batch) before every forward; checkpoints keep float32 weights and the optimizer's full
 * state. A resumed run therefore computes the same losses as one that never stopped.
 *
 * <p>Run-scoped: all state is this loop's; forward + backward take the {@link EngineLock}, so runs
 * on other threads compute the same losses as they would alone.
 */
public final class TrainingLoop {

    private final DecoderModel model;
    private final Optimizer optimizer;
    private final OptimizerState optimizerState;
    private final Schedule schedule;
    private final DataSplit train;
    private final ValidationLoss validation;
    private final TrainingSettings settings;
    private final List<TrainingCallback> callbacks;
    private final StopSignal stop;
    private final EarlyStopping earlyStop;
    private final NDManager manager;
    private final ParallelRange clipThreads;
    private final NonFiniteGuard guard;
    private final GroupNormProbe probe;
    private final String firstTrainable;
    private final CausalLmLoss loss = new CausalLmLoss();

    private TrainingLoop(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
        this.optimizerState = Objects.requireNonNull(b.optimizerState, "optimizer state");
        this.schedule = Objects.requireNonNull(b.schedule, "schedule");
        this.train = Objects.requireNonNull(b.train, "train");
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.manager = Objects.requireNonNull(b.manager, "manager");
        this.validation = b.validation != null ? b.validation : new ValidationLoss(model, manager, null, 1, 0);
        this.callbacks = List.copyOf(b.callbacks);
        this.stop = b.stop != null ? b.stop : new StopSignal();
        this.earlyStop = b.earlyStop != null ? b.earlyStop : EarlyStopping.OFF;
        this.clipThreads = b.clipThreads != null ? b.clipThreads : ParallelRange.onCallingThread();
        this.guard = new NonFiniteGuard(settings.maxBadSteps());
        this.probe = new GroupNormProbe(model, optimizerState);
        this.firstTrainable = model.parameters().entrySet().stream().filter(e -> e.getValue().requiresGradient())
                .map(Map.Entry::getKey).findFirst().orElse("");
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Asks the loop to checkpoint and return after the current step (safe from another thread). */
    public void requestStop() {
        stop.request();
    }

    /**
     * Runs from a state (a fresh one, or one restored from a checkpoint) to {@code steps}.
     *
     * @param start where to start
     * @return how it ended
     * @throws IOException when a callback cannot write (a checkpoint, the metrics)
     * @throws DivergedException when the {@link NonFiniteGuard} stops the run
     */
    public TrainingResult run(TrainerState start) throws IOException {
        EpochCursor batches = new EpochCursor(train, settings.batchSize(), start.epoch(), start.position());
        double initialVal = validation.compute();
        // the evaluation of the starting weights counts for the best only in a fresh run: a resumed
        // run counts exactly the evaluations of one that never stopped
        TrainerState begin = start.step() == 0 ? start.withBest(start.best().after(0, initialVal, earlyStop.minDelta()))
                : start;
        fire(c -> c.onTrainBegin(begin, initialVal));
        TrainerState st = begin;
        while (st.step() < settings.steps() && !stop.isRequested() && !earlyStop.exhausted(st.best())) {
            st = step(st, batches);
        }
        boolean early = st.step() < settings.steps() && earlyStop.exhausted(st.best());
        double finalVal = validation.compute();
        // the final evaluation is the last step's (isEvalStep leaves it out)
        TrainerState end = st.step() == settings.steps()
                ? st.withBest(st.best().after(st.step(), finalVal, earlyStop.minDelta())) : st;
        boolean stopped = stop.isRequested() && !early;
        fire(c -> c.onTrainEnd(end, finalVal, stopped));
        return new TrainingResult(end, initialVal, finalVal, stopped, early);
    }

    /** One optimizer step after {@code st}: micro-batches, clip, guard, update, metrics; returns the state after it. */
    private TrainerState step(TrainerState st, EpochCursor batches) throws IOException {
        long step = st.step() + 1;
        long t0 = System.nanoTime();
        double lossSum = 0;
        long tokens = 0;
        for (int micro = 0; micro < settings.gradAccum(); micro++) {
            Batch b = batches.next();
            tokens += (long) b.size() * b.width();
            lossSum += forwardBackward(b, step, micro) / settings.gradAccum();
        }
        double norm = settings.clipNorm() > 0 ? GradientClipping.clipGlobalNorm(model, settings.clipNorm(), clipThreads)
                : GradientClipping.globalNorm(model, clipThreads);
        int bad = st.badSteps();
        long skipped = st.skippedSteps();
        NonFiniteGuard.Cause cause = NonFiniteGuard.check(lossSum, norm);
        Map<String, GroupUpdate> groups = Map.of();
        if (cause != null) {
            zeroGradients();
            int inARow = ++bad;
            skipped++;
            fire(c -> c.onStepSkipped(step, cause, inARow));
            guard.checkLimit(step, bad);
        } else {
            bad = 0;
            Map<String, double[]> before = settings.isLogStep(step) ? probe.before() : null;
            update();
            if (before != null) {
                groups = probe.after(before);
            }
        }
        batches.rollOver();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double lr = schedule.lr(Math.max(1, optimizerState.step(firstTrainable)));
        double memory = ProcessMemory.residentMegabytes();
        double val = settings.isEvalStep(step) ? validation.compute() : Double.NaN;
        TrainerState next = new TrainerState(step, batches.epoch(), batches.position(), st.seed(), bad, skipped,
                st.tokens() + tokens, st.recipeHash(), st.best().after(step, val, earlyStop.minDelta()));
        StepMetrics row = new StepMetrics(step, cause != null, groups, lossSum, lr, norm, tokens / seconds, memory, val);
        fire(c -> c.onStepEnd(row, next));
        return next;
    }

    /** One event, delivered to every callback in order. */
    @FunctionalInterface
    private interface Event {
        void deliver(TrainingCallback callback) throws IOException;
    }

    private void fire(Event event) throws IOException {
        for (TrainingCallback c : callbacks) {
            event.deliver(c);
        }
    }

    /** The dropout seed of a micro-batch: a function of (seed, step, micro-batch) only, so exact after a resume. */
    static int dropoutSeed(long seed, long step, int micro) {
        return (int) (seed * 1_000_003L + step * 131L + micro);
    }

    private double forwardBackward(Batch b, long step, int micro) {
        try (NDManager scope = manager.newSubManager()) {
            NDList inputs = inputs(scope, b);
            NDArray labels = scope.create(b.labels());
            NDArray mask = scope.create(b.lossMask());
            // one collector per JVM, one global generator: seed, forward and backward under the lock
            try (EngineLock.Held engine = EngineLock.acquire()) {
                engine.seed(dropoutSeed(settings.seed(), step, micro));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(new ParameterStore(scope, false), inputs, true).singletonOrThrow();
                    NDArray l = loss.evaluate(new NDList(labels, mask), new NDList(logits));
                    double value = l.getFloat();
                    gc.backward(Scalars.div(l, settings.gradAccum()));
                    return value;
                }
            }
        }
    }

    /** Token ids, plus the segment ids as attention mask when rows are padded or hold several examples. */
    private static NDList inputs(NDManager scope, Batch b) {
        NDArray ids = scope.create(b.inputs());
        if (!b.needsAttentionMask()) {
            return new NDList(ids);
        }
        return new NDList(ids, scope.create(b.segments()));
    }

    private void update() {
        for (Parameter p : model.parameters().values()) {
            if (!p.requiresGradient()) {
                continue;
            }
            NDArray w = p.getArray();
            try (NDArray g = w.getGradient()) {
                optimizer.update(p.getId(), w, g);
            }
        }
    }

    private void zeroGradients() {
        for (Parameter p : model.parameters().values()) {
            if (p.requiresGradient()) {
                TensorViews.zeroGradient(p.getArray());
            }
        }
    }

    /** Assembles a {@link TrainingLoop}; everything but the validation, callbacks and stop signal is required. */
    public static final class Builder {
        private DecoderModel model;
        private Optimizer optimizer;
        private OptimizerState optimizerState;
        private Schedule schedule;
        private DataSplit train;
        private ValidationLoss validation;
        private TrainingSettings settings;
        private final List<TrainingCallback> callbacks = new ArrayList<>();
        private StopSignal stop;
        private EarlyStopping earlyStop;
        private NDManager manager;
        private ParallelRange clipThreads;

        private Builder() {}

        /**
         * Sets the model.
         *
         * @param model the model, initialized, weights on {@code manager}'s device
         * @return this
         */
        public Builder model(DecoderModel model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the optimizer: a DJL {@link Optimizer} that also reports its step counts, groups and
         * state by parameter name ({@link OptimizerState}, e.g. decaf's {@code AdamFamily}).
         *
         * @param optimizer updates the parameters (state loaded when resuming)
         * @param <O> its type
         * @return this
         */
        public <O extends Optimizer & OptimizerState> Builder optimizer(O optimizer) {
            this.optimizer = optimizer;
            this.optimizerState = optimizer;
            return this;
        }

        /**
         * Sets the learning-rate schedule (for the logged lr; the optimizer applies its own).
         *
         * @param schedule the schedule
         * @return this
         */
        public Builder schedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets the training split.
         *
         * @param train the split
         * @return this
         */
        public Builder train(DataSplit train) {
            this.train = train;
            return this;
        }

        /**
         * Sets the evaluation (default: none, every validation loss NaN).
         *
         * @param validation the validation loss
         * @return this
         */
        public Builder validation(ValidationLoss validation) {
            this.validation = validation;
            return this;
        }

        /**
         * Sets the settings.
         *
         * @param settings the settings
         * @return this
         */
        public Builder settings(TrainingSettings settings) {
            this.settings = settings;
            return this;
        }

        /**
         * Adds a callback; callbacks are called in the order they were added.
         *
         * @param callback the callback
         * @return this
         */
        public Builder callback(TrainingCallback callback) {
            callbacks.add(Objects.requireNonNull(callback, "callback"));
            return this;
        }

        /**
         * Sets the signal the loop polls between steps (default: its own, see {@link #requestStop()}).
         *
         * @param stop the signal
         * @return this
         */
        public Builder stopSignal(StopSignal stop) {
            this.stop = stop;
            return this;
        }

        /**
         * Sets when the loop stops early, and what counts as a better validation loss (default:
         * {@link EarlyStopping#OFF}). Every evaluation (the starting weights' in a fresh run, each
         * {@code eval_every} step, the last step's) updates the state's {@link BestSoFar}; the loop
         * stops after the evaluation that exhausts the patience.
         *
         * @param earlyStop the rule
         * @return this
         */
        public Builder earlyStop(EarlyStopping earlyStop) {
            this.earlyStop = earlyStop;
            return this;
        }

        /**
         * Sets the manager for the per-batch arrays.
         *
         * @param manager a manager on the model's device
         * @return this
         */
        public Builder manager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        /**
         * Sets the threads that gradient clipping splits large gradients across (default: the
         * calling thread; the norm is the same to the bit either way). Pass the optimizer's kernel
         * threads: clipping and the update never run at once, so they can share them.
         *
         * @param threads the threads (not closed by the loop)
         * @return this
         */
        public Builder clipThreads(ParallelRange threads) {
            this.clipThreads = threads;
            return this;
        }

        /**
         * Builds the loop.
         *
         * @return the loop
         */
        public TrainingLoop build() {
            return new TrainingLoop(this);
        }
    }
}
