package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.decaf.djl.internal.TensorViews;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * A parameter's own accumulated gradient, without materialising one it does not hold, and the
 * test decaf uses for "no gradient in this step".
 *
 * <p>On the PyTorch engine a parameter that no backward has reached has an undefined {@code
 * .grad}; DJL's {@code getGradient()} then returns a fresh tensor of zeros, not attached to the
 * parameter: for a 50257×768 embedding a 154 MB allocation that page-faults in and is thrown away.
 * {@link #held} asks libtorch directly and returns null instead.
 */
final class AccumulatedGradient {

    private AccumulatedGradient() {}

    /**
     * Returns the gradient the parameter holds (the caller closes it), or null when it holds none:
     * on PyTorch, when {@code .grad} is undefined (never back-propagated).
     *
     * @param weight the parameter
     * @return its gradient, or null
     */
    static NDArray held(NDArray weight) {
        if (weight instanceof PtNDArray pt) {
            return JniUtils.getGradient(pt);
        }
        return weight.hasGradient() ? weight.getGradient() : null;
    }

    /**
     * Returns whether every element of a gradient is exactly ±0: what the optimizer receives for
     * a parameter no backward reached since its gradient was last zeroed (DJL hands over zeros
     * for an undefined {@code .grad}; decaf zeroes each gradient after its update). A NaN is not
     * zero. On a float32 CPU tensor this reads the storage and stops at the first non-zero element
     * (for a real gradient: the first); elsewhere one count-nonzero reduction.
     *
     * @param grad the gradient handed to {@code update}
     * @return true when no element is non-zero
     */
    static boolean allZero(NDArray grad) {
        if (grad.size() == 0) {
            return true;
        }
        if (TensorViews.viewable(grad)) {
            ByteBuffer view = grad.toByteBuffer(true).order(ByteOrder.nativeOrder());
            int floats = view.remaining() / Float.BYTES;
            LongBuffer pairs = view.asLongBuffer();
            int n = pairs.remaining();
            for (int i = 0; i < n; i++) {
                if ((pairs.get(i) & 0x7fffffff7fffffffL) != 0) { // sign bits masked: −0 is zero
                    return false;
                }
            }
            return floats % 2 == 0 || (Float.floatToRawIntBits(view.getFloat((floats - 1) * Float.BYTES)) & 0x7fffffff) == 0;
        }
        try (NDArray nonZero = grad.countNonzero()) {
            return nonZero.getLong() == 0;
        }
    }
}
