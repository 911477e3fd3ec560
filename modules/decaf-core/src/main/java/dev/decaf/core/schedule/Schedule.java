package dev.decaf.core.schedule;

/**
 * A learning-rate schedule: a pure function of the optimizer step that also knows its peak.
 *
 * <p>Steps count from 1, as PyTorch's optimizers count them: {@code lr(1)} is the rate used by the
 * first update. Every schedule knows its peak γ_max, which AdamC needs (the applied decay is
 * θ·(1 − λ·γ_t²/γ_max)) and which the "independent" decay rule uses (θ·(1 − λ·γ_t/γ_max)).
 *
 * <p>Shapes:
 *
 * <ul>
 *   <li>{@link #constant(double)}: γ_t = γ.
 *   <li>{@link #warmup(double, long, long, DecayShape, double)}: linear warm-up γ_t = γ_max·t/W for
 *       t ≤ W, then cosine γ_min + (γ_max − γ_min)·½(1 + cos(π·p)), linear γ_max − (γ_max −
 *       γ_min)·p, or constant γ_max, with progress p = (t − W)/(T − W), clamped to 1 after T.
 *   <li>{@link #wsd(double, long, long, long, DecayShape, double)}: warm-up, stable at γ_max, then a
 *       final decay over the last D steps (Hägele et al. 2024, "Scaling Laws and Compute-Optimal
 *       Training Beyond Fixed Training Durations").
 * </ul>
 */
public interface Schedule {

    /**
     * Returns the learning rate for optimizer step {@code step}.
     *
     * @param step the step, counting from 1
     * @return γ_t
     */
    double lr(long step);

    /**
     * Returns the peak learning rate γ_max of this schedule (not its first, warm-up value).
     *
     * @return γ_max
     */
    double peak();

    /**
     * A constant learning rate.
     *
     * @param lr γ
     * @return the schedule
     */
    static Schedule constant(double lr) {
        return new ConstantSchedule(lr);
    }

    /**
     * Linear warm-up over {@code warmupSteps}, then a decay of the given shape to {@code
     * minLrRatio·peak} at {@code totalSteps}.
     *
     * @param peak γ_max
     * @param warmupSteps W ≥ 0 (0: no warm-up)
     * @param totalSteps T &gt; W
     * @param shape cosine, linear or constant
     * @param minLrRatio γ_min/γ_max in [0, 1]
     * @return the schedule
     */
    static Schedule warmup(
            double peak, long warmupSteps, long totalSteps, DecayShape shape, double minLrRatio) {
        return new WarmupSchedule(peak, warmupSteps, totalSteps, shape, minLrRatio);
    }

    /**
     * Warm-up, stable, decay: linear warm-up over W steps, γ_max until step T − D, then the given
     * shape down to {@code minLrRatio·peak} at step T.
     *
     * @param peak γ_max
     * @param warmupSteps W ≥ 0
     * @param decaySteps D ≥ 1, with W + D ≤ T
     * @param totalSteps T
     * @param shape the shape of the final decay (cosine or linear)
     * @param minLrRatio γ_min/γ_max in [0, 1]
     * @return the schedule
     */
    static Schedule wsd(
            double peak,
            long warmupSteps,
            long decaySteps,
            long totalSteps,
            DecayShape shape,
            double minLrRatio) {
        return new WsdSchedule(peak, warmupSteps, decaySteps, totalSteps, shape, minLrRatio);
    }

    /** Throws when {@code step < 1}. */
    static void checkStep(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("schedule step must be >= 1, got " + step);
        }
    }

    /** Throws unless {@code ratio} is in [0, 1]. */
    static void checkMinLrRatio(double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("min_lr_ratio must be in [0, 1], got " + ratio);
        }
    }

    /** Throws unless {@code lr} is finite and non-negative. */
    static double checkLearningRate(String what, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + lr);
        }
        return lr;
    }
}
