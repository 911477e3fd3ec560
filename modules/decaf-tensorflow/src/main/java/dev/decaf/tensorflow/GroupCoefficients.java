package dev.decaf.tensorflow;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * One group's per-step scalars, computed in the graph in float64 from the fed γ_t and t and rounded
 * to float32 once, as decaf-djl's {@code AdamCoefficients} rounds them:
 *
 * <pre>
 * γ_g   = γ_t · lr_scale
 * d     = 1 − s,   s = γ_g·λ                 decoupled (AdamW)
 *                  s = λ·γ_g·γ_g / γ_max,g    corrected (AdamC; γ_max,g = γ_max·lr_scale)
 *                  s = λ·γ_g / γ_max,g        independent
 *                  s = 0                      l2 (the decay is c = λ in the gradient instead)
 *                  s = γ_g·λ / √v̄             stable (AdamS: v̄ is known once every moment moved;
 *                                             s = 0 while v̄ = 0)
 * α     = γ_g / (1 − β1^t)                   the step size
 * </pre>
 *
 * The shrink s is {@link DecayRule#shrink} written as graph ops, in the same order of operations.
 */
final class GroupCoefficients {

    /** d, or null for a stable group, whose d waits for v̄ ({@link #stableDecay}). */
    final Operand<TFloat32> decay;
    final Operand<TFloat32> stepSize;
    private final Operand<TFloat64> lr;
    private final double lambda;
    /** c of g ← g + c·θ, or null when the rule couples nothing. */
    final Operand<TFloat32> coupling;

    GroupCoefficients(Ops tf, GroupPlan.Group group, double maxLearningRate, StepInputs in) {
        lr = tf.math.mul(in.learningRate, tf.constant(group.lrScale()));
        lambda = group.weightDecay();
        double peak = maxLearningRate * group.lrScale();
        DecayRule rule = group.decayRule();
        Operand<TFloat64> shrink = switch (rule) {
            case DECOUPLED -> tf.math.mul(lr, tf.constant(lambda));
            case CORRECTED -> peak == 0 ? null
                    : tf.math.div(tf.math.mul(tf.math.mul(tf.constant(lambda), lr), lr), tf.constant(peak));
            case INDEPENDENT -> peak == 0 ? null : tf.math.div(tf.math.mul(tf.constant(lambda), lr), tf.constant(peak));
            case COUPLED_L2, STABLE -> null;
            case CAUTIOUS -> throw new IllegalArgumentException("group '" + group.name() + "': decay rule '"
                    + rule + "' is not available for TensorFlow (decoupled, corrected, independent, l2 or stable)");
        };
        decay = rule == DecayRule.STABLE && lambda != 0 ? null
                : lambda == 0 || shrink == null ? tf.constant(1f)
                : tf.dtypes.cast(tf.math.sub(tf.constant(1.0), shrink), TFloat32.class);
        stepSize = tf.dtypes.cast(tf.math.div(lr, in.biasCorrection1), TFloat32.class);
        double c = rule.couplingCoefficient(lambda);
        coupling = c == 0 ? null : tf.constant((float) c);
    }

    /**
     * Returns d of a stable group once v̄ is known: 1 − γ_g·λ/√v̄, or 1 while v̄ = 0 (no gradient
     * signal yet), as {@link DecayRule#STABLE} computes it.
     *
     * @param tf the ops, with the control dependencies of the step's moment updates
     * @param meanSecondMoment v̄, float64
     * @return d, float32
     */
    Operand<TFloat32> stableDecay(Ops tf, Operand<TFloat64> meanSecondMoment) {
        Operand<TFloat64> zero = tf.constant(0.0);
        Operand<TFloat64> shrink = tf.select(tf.math.greater(meanSecondMoment, zero),
                tf.math.div(tf.math.mul(lr, tf.constant(lambda)), tf.math.sqrt(meanSecondMoment)), zero);
        return tf.dtypes.cast(tf.math.sub(tf.constant(1.0), shrink), TFloat32.class);
    }
}
