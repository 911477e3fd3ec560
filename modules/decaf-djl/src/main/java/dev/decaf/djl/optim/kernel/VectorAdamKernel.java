package dev.decaf.djl.optim.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link AdamKernel} on the Vector API ({@code jdk.incubator.vector}): the same arithmetic as
 * {@link ScalarAdamKernel}, element for element, on the widest float vectors the CPU has, with a
 * scalar tail. Loaded reflectively only when the module is present.
 */
final class VectorAdamKernel implements AdamKernel {

    static final VectorAdamKernel INSTANCE = new VectorAdamKernel();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final FloatVector ZERO = FloatVector.zero(S);

    private VectorAdamKernel() {}

    @Override
    public void step(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer zeroGrad, int from, int to,
            AdamCoefficients c) {
        int i = from;
        int upper = from + (to - from) / L * L;
        boolean gradStage = c.transformsGradient();
        for (; i < upper; i += L) {
            int b = i << 2;
            FloatVector theta = FloatVector.fromByteBuffer(S, p, b, NATIVE);
            FloatVector grad = FloatVector.fromByteBuffer(S, g, b, NATIVE);
            if (gradStage) {
                grad = gradient(grad, theta, c);
            }
            if (zeroGrad != null) {
                ZERO.intoByteBuffer(zeroGrad, b, NATIVE);
            }
            FloatVector mi = FloatVector.fromByteBuffer(S, m, b, NATIVE).mul(c.beta1()).add(grad.mul(c.oneMinusBeta1()));
            FloatVector vi = FloatVector.fromByteBuffer(S, v, b, NATIVE).mul(c.beta2())
                    .add(grad.mul(c.oneMinusBeta2()).mul(grad));
            mi.intoByteBuffer(m, b, NATIVE);
            vi.intoByteBuffer(v, b, NATIVE);
            adam(decayed(theta, mi, c), mi, vi, c).intoByteBuffer(p, b, NATIVE);
        }
        if (i < to) {
            ScalarAdamKernel.INSTANCE.step(p, g, m, v, zeroGrad, i, to, c);
        }
    }

    @Override
    public double moments(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer zeroGrad, int from,
            int to, AdamCoefficients c) {
        int i = from;
        int upper = from + (to - from) / L * L;
        double sum = 0;
        boolean gradStage = c.transformsGradient();
        for (; i < upper; i += L) {
            int b = i << 2;
            FloatVector grad = FloatVector.fromByteBuffer(S, g, b, NATIVE);
            if (gradStage) {
                grad = gradient(grad, FloatVector.fromByteBuffer(S, p, b, NATIVE), c);
            }
            if (zeroGrad != null) {
                ZERO.intoByteBuffer(zeroGrad, b, NATIVE);
            }
            FloatVector mi = FloatVector.fromByteBuffer(S, m, b, NATIVE).mul(c.beta1()).add(grad.mul(c.oneMinusBeta1()));
            FloatVector vi = FloatVector.fromByteBuffer(S, v, b, NATIVE).mul(c.beta2())
                    .add(grad.mul(c.oneMinusBeta2()).mul(grad));
            mi.intoByteBuffer(m, b, NATIVE);
            vi.intoByteBuffer(v, b, NATIVE);
            for (int k = 0; k < L; k++) {
                sum += vi.lane(k);
            }
        }
        if (i < to) {
            sum += ScalarAdamKernel.INSTANCE.moments(p, g, m, v, zeroGrad, i, to, c);
        }
        return sum;
    }

    @Override
    public void apply(ByteBuffer p, ByteBuffer m, ByteBuffer v, int from, int to, AdamCoefficients c) {
        int i = from;
        int upper = from + (to - from) / L * L;
        for (; i < upper; i += L) {
            int b = i << 2;
            FloatVector mi = FloatVector.fromByteBuffer(S, m, b, NATIVE);
            FloatVector theta = decayed(FloatVector.fromByteBuffer(S, p, b, NATIVE), mi, c);
            adam(theta, mi, FloatVector.fromByteBuffer(S, v, b, NATIVE), c).intoByteBuffer(p, b, NATIVE);
        }
        if (i < to) {
            ScalarAdamKernel.INSTANCE.apply(p, m, v, i, to, c);
        }
    }

    @Override
    public double sumOfSquares(ByteBuffer x, int from, int to) {
        int i = from;
        int upper = from + (to - from) / L * L;
        // Accumulate blocks of float squares in a vector, folding into double often enough that
        // float rounding stays far below the 1e-6 relative accuracy clipping needs.
        double sum = 0;
        FloatVector acc = FloatVector.zero(S);
        int inBlock = 0;
        for (; i < upper; i += L) {
            FloatVector f = FloatVector.fromByteBuffer(S, x, i << 2, NATIVE);
            acc = f.fma(f, acc);
            if (++inBlock == 64) {
                sum += sumLanes(acc);
                acc = FloatVector.zero(S);
                inBlock = 0;
            }
        }
        sum += sumLanes(acc);
        if (i < to) {
            sum += ScalarAdamKernel.INSTANCE.sumOfSquares(x, i, to);
        }
        return sum;
    }

    private static double sumLanes(FloatVector v) {
        double s = 0;
        for (int k = 0; k < L; k++) {
            s += v.lane(k);
        }
        return s;
    }

    @Override
    public void scale(ByteBuffer x, float factor, int from, int to) {
        int i = from;
        int upper = from + (to - from) / L * L;
        for (; i < upper; i += L) {
            int b = i << 2;
            FloatVector.fromByteBuffer(S, x, b, NATIVE).mul(factor).intoByteBuffer(x, b, NATIVE);
        }
        if (i < to) {
            ScalarAdamKernel.INSTANCE.scale(x, factor, i, to);
        }
    }

    private static FloatVector gradient(FloatVector g, FloatVector theta, AdamCoefficients c) {
        FloatVector grad = g.mul(c.gradScale());
        if (c.clip() > 0) {
            grad = grad.max(-c.clip()).min(c.clip());
        }
        return c.coupling() == 0f ? grad : grad.add(theta.mul(c.coupling()));
    }

    /**
     * θ·d; for a masked decay θ·d where sign(m)·sign(θ) ≥ 0 and θ where the signs disagree, as
     * {@link AdamCoefficients#decays} decides per element in the scalar kernel.
     */
    private static FloatVector decayed(FloatVector theta, FloatVector m, AdamCoefficients c) {
        FloatVector shrunk = theta.mul(c.decay());
        if (!c.decayMasked()) {
            return shrunk;
        }
        VectorMask<Float> disagree = m.lt(0f).and(theta.compare(VectorOperators.GT, 0f))
                .or(m.compare(VectorOperators.GT, 0f).and(theta.lt(0f)));
        return shrunk.blend(theta, disagree);
    }

    private static FloatVector adam(FloatVector decayed, FloatVector m, FloatVector v, AdamCoefficients c) {
        FloatVector denom = v.sqrt().div(c.biasCorrection2Sqrt()).add(c.eps());
        // PyTorch's addcdiv computes θ + (value·m)/denom: keep that order for bit-level agreement.
        return decayed.sub(m.mul(c.stepSize()).div(denom));
    }
}
