package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.decaf.djl.optim.kernel.AdamCoefficients;

/**
 * The Adam update with DJL tensor ops, for tensors the fused CPU kernel cannot view (GPU tensors,
 * non-float32, non-contiguous). θ, m and v are updated in place; each temporary is closed at once.
 *
 * <p>A Java number passed to an NDArray op becomes a fresh 0-d tensor on the op's device (on a GPU:
 * an allocation and a host-to-device copy per op), so the step's scalars travel once per update as
 * one small tensor, and the ops take 0-d views of it. On CUDA the temporaries come from libtorch's
 * caching allocator and cost little; CPU tensors that can be viewed never take this path.
 */
final class NDArrayAdamStep {

    private static final int GRAD_SCALE = 0;
    private static final int CLIP = 1;
    private static final int COUPLING = 2;
    private static final int DECAY = 3;
    private static final int BETA1 = 4;
    private static final int ONE_MINUS_BETA1 = 5;
    private static final int BETA2 = 6;
    private static final int ONE_MINUS_BETA2 = 7;
    private static final int BC2_SQRT = 8;
    private static final int EPS = 9;
    private static final int STEP_SIZE = 10;

    private NDArrayAdamStep() {}

    /**
     * The coefficients as one tensor on the weight's device, in the order of the constants above,
     * owned by {@code scope}: the 0-d views the ops take of it belong to the scope too and close
     * with it.
     */
    private static NDArray scalars(NDManager scope, NDArray like, AdamCoefficients c) {
        float[] values = {c.gradScale(), c.clip(), c.coupling(), c.decay(), c.beta1(), c.oneMinusBeta1(), c.beta2(),
            c.oneMinusBeta2(), c.biasCorrection2Sqrt(), c.eps(), c.stepSize()};
        NDArray s = scope.create(values);
        return like.getDataType() == DataType.FLOAT32 ? s : s.toType(like.getDataType(), false);
    }

    /** Gradient stage + moments; returns Σ v when {@code wantSum}, else 0. */
    static double moments(NDArray w, NDArray g, NDArray m, NDArray v, AdamCoefficients c, boolean wantSum) {
        try (NDManager scope = w.getManager().newSubManager(w.getDevice())) {
            NDArray s = scalars(scope, w, c);
            try (NDArray grad = gradient(w, g, s, c);
                    NDArray mTerm = grad.mul(s.get(ONE_MINUS_BETA1));
                    NDArray vTerm = grad.mul(s.get(ONE_MINUS_BETA2)).muli(grad)) {
                m.muli(s.get(BETA1)).addi(mTerm);
                v.muli(s.get(BETA2)).addi(vTerm);
            }
        }
        if (!wantSum) {
            return 0;
        }
        try (NDArray v64 = v.toType(DataType.FLOAT64, false); NDArray sum = v64.sum()) {
            return sum.getDouble();
        }
    }

    /** Decay + Adam step from updated moments. */
    static void apply(NDArray w, NDArray m, NDArray v, AdamCoefficients c) {
        try (NDManager scope = w.getManager().newSubManager(w.getDevice())) {
            NDArray s = scalars(scope, w, c);
            if (c.decay() != 1f && c.decayMasked()) {
                maskedDecay(w, m, s);
            } else if (c.decay() != 1f) {
                w.muli(s.get(DECAY));
            }
            try (NDArray denom = v.sqrt().divi(s.get(BC2_SQRT)).addi(s.get(EPS));
                    NDArray update = m.mul(s.get(STEP_SIZE)).divi(denom)) {
                w.subi(update);
            }
        }
    }

    /**
     * θ ← θ·d where sign(m)·sign(θ) ≥ 0, θ·1 elsewhere (the cautious mask), in place: a factor
     * tensor of d and 1 multiplies θ, so each element is rounded as the kernels round it. The
     * product of signs is exact, so the mask agrees with the kernels' comparisons element for
     * element.
     */
    private static void maskedDecay(NDArray w, NDArray m, NDArray s) {
        try (NDArray mSign = m.sign();
                NDArray wSign = w.sign();
                NDArray agree = mSign.muli(wSign).gte(0f);
                NDArray one = w.onesLike();
                NDArray d = one.mul(s.get(DECAY)); // DJL's where does not broadcast: d and 1 at θ's shape
                NDArray factor = NDArrays.where(agree, d, one)) {
            w.muli(factor);
        }
    }

    private static NDArray gradient(NDArray w, NDArray g, NDArray s, AdamCoefficients c) {
        NDArray grad = c.gradScale() == 1f ? g.duplicate() : g.mul(s.get(GRAD_SCALE));
        if (c.clip() > 0) {
            NDArray clipped = grad.clip(-c.clip(), c.clip());
            grad.close();
            grad = clipped;
        }
        if (c.coupling() != 0f) {
            try (NDArray l2 = w.mul(s.get(COUPLING))) {
                grad.addi(l2);
            }
        }
        return grad;
    }
}
