package dev.decaf.core.schedule;

/**
 * Linear warm-up to γ_max over W steps, then decay of a given shape to γ_min = r·γ_max at step T:
 *
 * <pre>
 * γ_t = γ_max · t / W                                   t ≤ W
 * γ_t = γ_min + (γ_max − γ_min) · shape(min(1, (t − W)/(T − W)))   t &gt; W
 * </pre>
 *
 * <p>Warm-up reaches the peak exactly at step W (step 1 uses γ_max/W, never 0, so no update is
 * wasted), and the cosine form is the Hugging Face / SGDR one.
 */
record WarmupSchedule(
        double peak, long warmupSteps, long totalSteps, DecayShape shape, double minLrRatio)
        implements Schedule {

    WarmupSchedule {
        Schedule.checkLearningRate("peak learning rate", peak);
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
        }
        if (shape != DecayShape.CONSTANT && totalSteps <= warmupSteps) {
            throw new IllegalArgumentException(
                    "total steps (" + totalSteps + ") must exceed warmup_steps (" + warmupSteps + ")");
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
        if (shape == DecayShape.CONSTANT) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        double min = peak * minLrRatio;
        return min + (peak - min) * shape.remaining(progress);
    }

    @Override
    public String toString() {
        return "warmup(" + warmupSteps + ")+" + shape.name().toLowerCase() + "(peak=" + peak
                + ", total=" + totalSteps + ", min_lr_ratio=" + minLrRatio + ")";
    }
}
