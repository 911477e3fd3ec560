package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import dev.decaf.djl.optim.kernel.AdamCoefficients;
import java.util.ArrayList;
import java.util.List;

/**
 * The step of a rule that needs v̄ before any weight moves ({@link
 * dev.decaf.core.decay.DecayRule#STABLE}, AdamS), while DJL hands over one parameter at a time:
 *
 * <pre>
 * phase 1, per update      t ← t+1 ; m, v updated ; gradient zeroed ; Σv̂ += Σv/(1−β2^t) ; n += numel
 * when all are pending     v̄ = Σv̂ / n
 * phase 2, every pending   θ ← θ·(1 − s(γ_t, v̄)) ;  θ ← θ − α·m/(√v/√(1−β2^t) + ε)
 * </pre>
 *
 * <p>When the step ends is the optimizer's {@link StepBoundary}: every trainable parameter of the
 * block, counted afresh each step, so {@code Trainer.step()} completes each step by itself; code
 * that updates only some parameters calls {@link #finish} (the optimizer's {@code finishStep()}).
 * A parameter skipped in a step (no gradient, with {@code optSkipParamsWithoutGradient}) is not
 * pending: v̄ is the mean over the parameters that moved, as in the official code, which skips a
 * parameter whose {@code grad} is None.
 */
final class TwoPhaseStep {

    /** A parameter whose moments are updated but whose weight waits for v̄. */
    private record Pending(ParamState state, NDArray weight, AdamCoefficients coefficients, double lr) {}

    private final double beta2;
    private final List<Pending> pending = new ArrayList<>();
    private double sumVHat;
    private long count;

    /**
     * @param beta2 β2, for the bias correction of v̂
     */
    TwoPhaseStep(double beta2) {
        this.beta2 = beta2;
    }

    /** Returns whether a step is in progress (some moments updated, weights not yet moved). */
    boolean inProgress() {
        return !pending.isEmpty();
    }

    /**
     * Runs phase 1 for one parameter.
     *
     * @param exec where the arithmetic runs
     * @param st the parameter's state, t already advanced
     * @param weight θ
     * @param grad the gradient
     * @param c the coefficients (their decay is replaced in phase 2)
     * @param lr γ_t of this parameter, for phase 2's shrink
     */
    void addMoments(StepExecutor exec, ParamState st, NDArray weight, NDArray grad, AdamCoefficients c, double lr) {
        double sumV = exec.moments(st, weight, grad, c);
        sumVHat += sumV / (1 - Math.pow(beta2, st.step));
        count += weight.size();
        pending.add(new Pending(st, weight, c, lr));
    }

    /**
     * Runs phase 2 for every pending parameter with v̄ over them; a no-op when none is pending.
     *
     * @param exec where the arithmetic runs
     */
    void finish(StepExecutor exec) {
        if (pending.isEmpty()) {
            return;
        }
        double meanVHat = sumVHat / count;
        for (Pending p : pending) {
            double shrink = p.state().decay.shrinkWithMean(p.lr(), meanVHat);
            exec.apply(p.state(), p.weight(), p.coefficients().withDecay(shrink));
        }
        pending.clear();
        sumVHat = 0;
        count = 0;
    }
}
