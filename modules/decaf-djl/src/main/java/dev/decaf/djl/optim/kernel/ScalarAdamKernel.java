package dev.decaf.djl.optim.kernel;

import java.nio.ByteBuffer;

/**
 * The portable kernel: one scalar loop per element over the native-order float views. Used when
 * {@code jdk.incubator.vector} is not on the module path; also the reference in tests.
 */
final class ScalarAdamKernel implements AdamKernel {

    static final ScalarAdamKernel INSTANCE = new ScalarAdamKernel();

    private ScalarAdamKernel() {}

    @Override
    public void step(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer zeroGrad, int from, int to,
            AdamCoefficients c) {
        for (int i = from; i < to; i++) {
            int b = i << 2;
            float theta = p.getFloat(b);
            float grad = gradient(g.getFloat(b), theta, c);
            if (zeroGrad != null) {
                zeroGrad.putFloat(b, 0f);
            }
            float mi = m.getFloat(b) * c.beta1() + c.oneMinusBeta1() * grad;
            float vi = v.getFloat(b) * c.beta2() + c.oneMinusBeta2() * grad * grad;
            m.putFloat(b, mi);
            v.putFloat(b, vi);
            p.putFloat(b, adam(decayed(theta, mi, c), mi, vi, c));
        }
    }

    @Override
    public double moments(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer zeroGrad, int from,
            int to, AdamCoefficients c) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            int b = i << 2;
            float grad = gradient(g.getFloat(b), p.getFloat(b), c);
            if (zeroGrad != null) {
                zeroGrad.putFloat(b, 0f);
            }
            float vi = v.getFloat(b) * c.beta2() + c.oneMinusBeta2() * grad * grad;
            m.putFloat(b, m.getFloat(b) * c.beta1() + c.oneMinusBeta1() * grad);
            v.putFloat(b, vi);
            sum += vi;
        }
        return sum;
    }

    @Override
    public void apply(ByteBuffer p, ByteBuffer m, ByteBuffer v, int from, int to, AdamCoefficients c) {
        for (int i = from; i < to; i++) {
            int b = i << 2;
            float mi = m.getFloat(b);
            p.putFloat(b, adam(decayed(p.getFloat(b), mi, c), mi, v.getFloat(b), c));
        }
    }

    @Override
    public double sumOfSquares(ByteBuffer x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            float f = x.getFloat(i << 2);
            sum += (double) f * f;
        }
        return sum;
    }

    @Override
    public void scale(ByteBuffer x, float factor, int from, int to) {
        for (int i = from; i < to; i++) {
            int b = i << 2;
            x.putFloat(b, x.getFloat(b) * factor);
        }
    }

    private static float gradient(float g, float theta, AdamCoefficients c) {
        float grad = g * c.gradScale();
        if (c.clip() > 0) {
            grad = Math.max(-c.clip(), Math.min(c.clip(), grad));
        }
        return grad + c.coupling() * theta;
    }

    /** θ·d, or θ where a masked decay's signs disagree (see {@link AdamCoefficients#decays}). */
    private static float decayed(float theta, float m, AdamCoefficients c) {
        return c.decays(m, theta) ? theta * c.decay() : theta;
    }

    private static float adam(float decayed, float m, float v, AdamCoefficients c) {
        float denom = (float) Math.sqrt(v) / c.biasCorrection2Sqrt() + c.eps();
        return decayed - (c.stepSize() * m) / denom;
    }
}
