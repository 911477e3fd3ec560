package dev.decaf.djl.optim.kernel;

/**
 * The per-step scalars of one Adam update of one parameter, computed once in double precision and
 * rounded to float the way PyTorch rounds Python scalars passed to float32 tensor ops.
 *
 * <pre>
 * g ← clip(s·g) + c·θ                      gradient stage (rescale s, element clip, coupled L2 c)
 * θ ← θ·d                                  decay stage, d = 1 − shrink (the decay rule)
 * m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
 * θ ← θ − α · m / (√v / √(1−β2^t) + ε),    α = γ_t/(1−β1^t)
 * </pre>
 *
 * @param gradScale s, DJL's rescaleGrad (1 = none)
 * @param clip element-wise clip bound (≤ 0 = none)
 * @param coupling c, the coupled L2 coefficient (0 = none)
 * @param decay d, the multiplicative decay factor (1 = none)
 * @param beta1 β1
 * @param oneMinusBeta1 1 − β1, rounded from the double
 * @param beta2 β2
 * @param oneMinusBeta2 1 − β2, rounded from the double
 * @param biasCorrection2Sqrt √(1 − β2^t)
 * @param eps ε
 * @param stepSize α = γ_t / (1 − β1^t)
 */
public record AdamCoefficients(
        float gradScale,
        float clip,
        float coupling,
        float decay,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float biasCorrection2Sqrt,
        float eps,
        float stepSize) {

    /**
     * Computes the coefficients of step t.
     *
     * @param step t ≥ 1
     * @param lr γ_t
     * @param beta1 β1
     * @param beta2 β2
     * @param eps ε
     * @param shrink the decay rule's shrink s (θ ← θ·(1 − s))
     * @param coupling the coupled L2 coefficient
     * @param gradScale the gradient rescale factor
     * @param clip the element-wise clip bound, ≤ 0 for none
     * @return the coefficients
     */
    public static AdamCoefficients of(
            long step,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double shrink,
            double coupling,
            double gradScale,
            double clip) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        return new AdamCoefficients(
                (float) gradScale,
                (float) clip,
                (float) coupling,
                (float) (1 - shrink),
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) Math.sqrt(bc2),
                (float) eps,
                (float) (lr / bc1));
    }

    /** Returns a copy with another decay factor (for rules that need all moments first). */
    public AdamCoefficients withDecay(double shrink) {
        return new AdamCoefficients(gradScale, clip, coupling, (float) (1 - shrink), beta1, oneMinusBeta1,
                beta2, oneMinusBeta2, biasCorrection2Sqrt, eps, stepSize);
    }

    /** Returns whether the gradient stage does anything. */
    boolean transformsGradient() {
        return gradScale != 1f || clip > 0 || coupling != 0f;
    }
}
