package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import dev.decaf.djl.optim.kernel.AdamCoefficients;

/**
 * The Adam update with DJL tensor ops, for tensors the fused CPU kernel cannot view (GPU tensors,
 * non-float32, non-contiguous). θ, m and v are updated in place; each temporary is closed at once.
 * On CUDA, allocations come from libtorch's caching allocator, so temporaries are cheap there; the
 * CPU never takes this path for contiguous float32 tensors.
 */
final class NDArrayAdamStep {

    private NDArrayAdamStep() {}

    /** Gradient stage + moments; returns Σ v when {@code wantSum}, else 0. */
    static double moments(NDArray w, NDArray g, NDArray m, NDArray v, AdamCoefficients c, boolean wantSum) {
        try (NDArray grad = gradient(w, g, c);
                NDArray mTerm = grad.mul(c.oneMinusBeta1());
                NDArray vTerm = grad.mul(c.oneMinusBeta2()).muli(grad)) {
            m.muli(c.beta1()).addi(mTerm);
            v.muli(c.beta2()).addi(vTerm);
        }
        if (!wantSum) {
            return 0;
        }
        try (NDArray s = v.sum()) {
            return s.getFloat();
        }
    }

    /** Decay + Adam step from updated moments. */
    static void apply(NDArray w, NDArray m, NDArray v, AdamCoefficients c) {
        if (c.decay() != 1f) {
            w.muli(c.decay());
        }
        try (NDArray denom = v.sqrt().divi(c.biasCorrection2Sqrt()).addi(c.eps());
                NDArray update = m.mul(c.stepSize()).divi(denom)) {
            w.subi(update);
        }
    }

    private static NDArray gradient(NDArray w, NDArray g, AdamCoefficients c) {
        NDArray grad = g.mul(c.gradScale());
        if (c.clip() > 0) {
            NDArray clipped = grad.clip(-c.clip(), c.clip());
            grad.close();
            grad = clipped;
        }
        if (c.coupling() != 0f) {
            try (NDArray l2 = w.mul(c.coupling())) {
                grad.addi(l2);
            }
        }
        return grad;
    }
}
