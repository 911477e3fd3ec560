package dev.decaf.djl.optim.kernel;

/**
 * The per-step scalars of one Adam update of one parameter, computed once in double precision and
 * rounded to float the way PyTorch rounds Python scalars passed to float32 tensor ops.
 *
 * <pre>
 * g ← clip(s·g) + c·θ                      gradient stage (rescale s, element clip, coupled L2 c)
 * m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
 * θ ← θ·d                                  decay stage on θ_{t−1}, d = 1 − shrink (the decay rule);
 *                                          masked: only where m·θ ≥ 0 (by sign), else θ unchanged
 * θ ← θ − α · m / (√v / √(1−β2^t) + ε),    α = γ_t/(1−β1^t)
 * </pre>
 *
 * <p>The decay is written after the moments because the masked (cautious) rule reads the new m;
 * unmasked, θ·d does not depend on m, so the order changes no bit. The mask compares signs, not the
 * float product m·θ, which could underflow to 0 and decay a coordinate whose signs disagree.
 *
 * @param gradScale s, DJL's rescaleGrad (1 = none)
 * @param clip element-wise clip bound (≤ 0 = none)
 * @param coupling c, the coupled L2 coefficient (0 = none)
 * @param decay d, the multiplicative decay factor (1 = none)
 * @param decayMasked whether d applies only where sign(m)·sign(θ) ≥ 0 (the cautious rule)
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
        boolean decayMasked,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float biasCorrection2Sqrt,
        float eps,
        float stepSize) {

    /**
     * Computes the coefficients of step t with an unmasked decay.
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
        return of(step, lr, beta1, beta2, eps, shrink, false, coupling, gradScale, clip);
    }

    /**
     * Computes the coefficients of step t.
     *
     * @param step t ≥ 1
     * @param lr γ_t
     * @param beta1 β1
     * @param beta2 β2
     * @param eps ε
     * @param shrink the decay rule's shrink s (θ ← θ·(1 − s))
     * @param decayMasked whether the shrink applies only where sign(m_t)·sign(θ_{t−1}) ≥ 0
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
            boolean decayMasked,
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
                decayMasked,
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
        return new AdamCoefficients(gradScale, clip, coupling, (float) (1 - shrink), decayMasked, beta1, oneMinusBeta1,
                beta2, oneMinusBeta2, biasCorrection2Sqrt, eps, stepSize);
    }

    /**
     * Returns whether coordinate θ is decayed given its new first moment m: always unmasked,
     * else where the signs agree (either one zero counts as agreeing: m·θ = 0 ≥ 0).
     */
    boolean decays(float m, float theta) {
        return !decayMasked || !(m < 0 && theta > 0 || m > 0 && theta < 0);
    }

    /** Returns whether the gradient stage does anything. */
    boolean transformsGradient() {
        return gradScale != 1f || clip > 0 || coupling != 0f;
    }
}
