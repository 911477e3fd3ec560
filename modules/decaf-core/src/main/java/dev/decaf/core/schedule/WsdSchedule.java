package dev.decaf.core.schedule;

/**
 * Warm-up, stable, decay (WSD):
 *
 * <pre>
 * γ_t = γ_max · t / W                                      t ≤ W
 * γ_t = γ_max                                              W &lt; t ≤ T − D
 * γ_t = γ_min + (γ_max − γ_min) · shape((t − (T − D))/D)   T − D &lt; t (progress clamped to 1)
 * </pre>
 *
 * <p>Source: Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed Training
 * Durations" (the schedule of MiniCPM, Hu et al. 2024).
 */
record WsdSchedule(
        double peak,
        long warmupSteps,
        long decaySteps,
        long totalSteps,
        DecayShape shape,
        double minLrRatio)
        implements Schedule {

    WsdSchedule {
        Schedule.checkLearningRate("peak learning rate", peak);
        if (warmupSteps < 0 || decaySteps < 1 || warmupSteps + decaySteps > totalSteps) {
            throw new IllegalArgumentException(
                    "WSD needs warmup_steps >= 0, decay_steps >= 1 and warmup + decay <= total; got"
                            + " warmup=" + warmupSteps + ", decay=" + decaySteps + ", total=" + totalSteps);
        }
        Schedule.checkMinLrRatio(minLrRatio);
    }

    @Override
    public double lr(long step) {
        Schedule.checkStep(step);
        if (step <= warmupSteps) {
            // peak·t/W as PyTorch/HF compute it; at t = W exactly γ_max ((x·n)/n can miss x by an ulp)
            return step == warmupSteps ? peak : peak * step / warmupSteps;
        }
        long decayStart = totalSteps - decaySteps;
        if (step <= decayStart) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - decayStart) / decaySteps);
        double min = peak * minLrRatio;
        return min + (peak - min) * shape.remaining(progress);
    }

    @Override
    public String toString() {
        return "wsd(warmup=" + warmupSteps + ", decay=" + decaySteps + " " + shape.name().toLowerCase()
                + ", peak=" + peak + ", total=" + totalSteps + ", min_lr_ratio=" + minLrRatio + ")";
    }
}
