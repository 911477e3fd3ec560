package dev.decaf.djl.optim;

import ai.djl.training.tracker.ParameterTracker;
import dev.decaf.core.decay.DecayRule;

/**
 * The validated hyper-parameters of an {@link AdamFamily} optimizer, read once from its builder.
 *
 * <pre>
 * γ_t = tracker(t) (a {@link ScheduleTracker} read in double)    β1, β2 ∈ [0, 1)    ε &gt; 0
 * λ ≥ 0 and the decay rule for groups that set neither           γ_max &gt; 0 or NaN (unknown)
 * </pre>
 *
 * <p>The builder takes floats (DJL's style); they are read as the decimal the user wrote
 * ({@code 0.95f} is 0.95, as in Python), not as the float's binary value 0.949999988079071.
 *
 * @param learningRateTracker the schedule of γ_t
 * @param beta1 β1
 * @param beta2 β2
 * @param eps ε
 * @param weightDecay λ for groups that do not set their own
 * @param decayRule the rule for groups that do not set their own
 * @param maxLearningRate γ_max, NaN when unknown
 * @param beginNumUpdate the step count new state starts from
 */
record AdamSettings(
        ParameterTracker learningRateTracker,
        double beta1,
        double beta2,
        double eps,
        double weightDecay,
        DecayRule decayRule,
        double maxLearningRate,
        int beginNumUpdate) {

    /**
     * Reads and validates a builder.
     *
     * @param b the builder; its rule is the member's own unless {@code optDecayRule} overrides it
     * @return the settings
     * @throws IllegalArgumentException naming the first invalid value
     */
    static AdamSettings of(AdamFamily.BaseBuilder<?> b) {
        double peak = b.maxLearningRate;
        if (Double.isNaN(peak) && b.learningRateTracker instanceof ScheduleTracker st) {
            peak = st.peak();
        }
        AdamSettings s = new AdamSettings(b.learningRateTracker, exact(b.beta1), exact(b.beta2), exact(b.epsilon),
                exact(b.weightDecay), b.decayRule != null ? b.decayRule : b.defaultRule, peak, b.beginNumUpdate);
        s.validate(b);
        return s;
    }

    private static double exact(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private void validate(AdamFamily.BaseBuilder<?> b) {
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
        if (b.kernelPool == null && b.kernelThreads < 1) {
            throw new IllegalArgumentException("kernel threads must be >= 1, got " + b.kernelThreads);
        }
        checkLearningRate(learningRate("(validation)", 1 + beginNumUpdate), "(first step)", 1 + beginNumUpdate);
        if (decayRule.needsMeanSecondMoment() && b.paramGroups == null) {
            throw new IllegalArgumentException("the '" + decayRule + "' decay rule needs every parameter:"
                    + " pass optParamGroups(ParamGroups.standard(block))");
        }
        if (DecayStage.needsPeak(decayRule) && Double.isNaN(maxLearningRate) && weightDecay != 0) {
            throw missingPeak(decayRule);
        }
    }

    private static void checkUnit(String name, float beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + beta);
        }
    }

    /** The error for a rule that reads γ_max when none is known. */
    IllegalArgumentException missingPeak(DecayRule r) {
        return new IllegalArgumentException("the '" + r + "' decay rule needs the schedule's peak learning rate:"
                + " use a ScheduleTracker or optMaxLearningRate(peak) (tracker: " + learningRateTracker + ")");
    }

    /**
     * Returns γ_t before the group's multiplier: a {@link ScheduleTracker} in double, any other
     * DJL tracker through its float API.
     *
     * @param parameterId DJL's parameter id
     * @param step t
     * @return γ_t
     */
    double learningRate(String parameterId, long step) {
        if (learningRateTracker instanceof ScheduleTracker st) {
            return st.schedule().lr(step);
        }
        return learningRateTracker.getNewValue(parameterId, Math.toIntExact(step));
    }

    /**
     * Rejects a negative, NaN or infinite γ_t.
     *
     * @param lr γ_t
     * @param param the parameter, for the message
     * @param step t, for the message
     */
    static void checkLearningRate(double lr, String param, long step) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr
                    + " at step " + step + " for parameter " + param);
        }
    }
}
