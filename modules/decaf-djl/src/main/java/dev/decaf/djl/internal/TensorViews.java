package dev.decaf.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;

/**
 * Zero-copy float views of DJL tensors, and the checks that make writing through them safe.
 *
 * <p>On the PyTorch engine {@code NDArray.toByteBuffer(true)} of a contiguous CPU tensor is a
 * writable direct view of its storage; a non-contiguous or GPU tensor yields a copy, and {@code
 * set(...)} swaps the storage, so views are taken afresh for every step and never cached.
 */
public final class TensorViews {

    private TensorViews() {}

    /** Returns whether an array can be viewed at all: float32, on the CPU, under 2 GiB. */
    public static boolean viewable(NDArray a) {
        return a.getDataType() == DataType.FLOAT32
                && !a.getDevice().isGpu()
                && a.size() > 0
                && a.size() <= Integer.MAX_VALUE / 4;
    }

    /**
     * Returns whether {@code view} (from {@code a.toByteBuffer(true)}) aliases a's storage: flips
     * the lowest bit of element 0 through the view, reads it back through a second view, restores
     * it. A copy (non-contiguous tensor) does not see the flip.
     */
    public static boolean writesThrough(NDArray a, ByteBuffer view) {
        float original = view.getFloat(0);
        int flipped = Float.floatToRawIntBits(original) ^ 1;
        view.putFloat(0, Float.intBitsToFloat(flipped));
        boolean aliased = Float.floatToRawIntBits(a.toByteBuffer(true).getFloat(0)) == flipped;
        view.putFloat(0, original);
        return aliased;
    }

    /**
     * Returns a writable zero-copy view of a float32 CPU tensor, or null when the tensor cannot be
     * viewed (GPU, other dtype, non-contiguous).
     *
     * @param a the tensor
     * @return the view or null
     */
    public static ByteBuffer writableView(NDArray a) {
        if (!viewable(a)) {
            return null;
        }
        ByteBuffer view = a.toByteBuffer(true);
        return writesThrough(a, view) ? view : null;
    }

    /** Zeroes a parameter's accumulated gradient in place (PyTorch accumulates across backwards). */
    public static void zeroGradient(NDArray weight) {
        if (weight instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        } else {
            try (NDArray g = weight.getGradient()) {
                g.subi(g);
            }
        }
    }
}
