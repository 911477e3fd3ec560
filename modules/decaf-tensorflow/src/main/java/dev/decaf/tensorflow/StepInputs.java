package dev.decaf.tensorflow;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/**
 * The two graph inputs every step is fed — the scheduled learning rate γ_t and the step t — and
 * the step's bias corrections, computed from t in the graph in float64:
 *
 * <pre>
 * bc1 = 1 − β1^t          (kept in float64 for the step size γ_t/bc1)
 * bc2 = 1 − β2^t          (float64, for AdamS's v̂ = v/bc2)
 * √bc2 = √(1 − β2^t)      (rounded to float32, as decaf-djl's kernel rounds it)
 * </pre>
 *
 * Nothing about the schedule is baked into the graph, so any decaf-core schedule (or any other
 * number) drives it.
 */
final class StepInputs {

    final Placeholder<TFloat64> learningRate;
    final Placeholder<TInt64> step;
    final Operand<TFloat64> biasCorrection1;
    final Operand<TFloat64> biasCorrection2;
    final Operand<TFloat32> biasCorrection2Sqrt;

    StepInputs(Ops tf, double beta1, double beta2) {
        learningRate = tf.withName("learning_rate").placeholder(TFloat64.class);
        step = tf.withName("step").placeholder(TInt64.class);
        Operand<TFloat64> t = tf.dtypes.cast(step, TFloat64.class);
        Operand<TFloat64> one = tf.constant(1.0);
        biasCorrection1 = tf.math.sub(one, tf.math.pow(tf.constant(beta1), t));
        biasCorrection2 = tf.math.sub(one, tf.math.pow(tf.constant(beta2), t));
        biasCorrection2Sqrt = tf.dtypes.cast(tf.math.sqrt(biasCorrection2), TFloat32.class);
    }
}
