package dev.decaf.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/**
 * Causal scaled dot-product attention (Vaswani et al. 2017) shared by the decoders:
 *
 * <pre>
 * softmax(q·kᵀ/√d + M) · v,   M[i][j] = −1e30 where j &gt; i or key j is padding, else 0
 * </pre>
 *
 * A large finite negative rather than −∞ keeps a fully masked row (a padding query) finite.
 */
public final class Attention {

    private static final float MASKED = -1e30f;

    private Attention() {}

    /**
     * The additive mask {@code [B or 1, 1, T, T]}.
     *
     * @param manager where to create it
     * @param t sequence length
     * @param padding attention mask {@code [B, T]} (1 = token) or null
     * @return the mask
     */
    public static NDArray causalMask(NDManager manager, long t, NDArray padding) {
        NDArray pos = manager.arange(0, (int) t, 1, DataType.INT64);
        NDArray future = pos.reshape(1, t).gt(pos.reshape(t, 1)); // j > i
        NDArray blocked = future.reshape(1, 1, t, t);
        if (padding != null) {
            NDArray padKey = padding.toType(DataType.INT64, false).eq(0).reshape(padding.getShape().get(0), 1, 1, t);
            blocked = blocked.logicalOr(padKey);
        }
        return blocked.toType(DataType.FLOAT32, false).mul(MASKED);
    }

    /**
     * Position ids: 0..T−1, or with padding the number of real tokens before each position (so a
     * left-padded sequence starts at 0 on its first real token).
     *
     * @param manager where to create it
     * @param batch B
     * @param t T
     * @param padding attention mask {@code [B, T]} or null
     * @return int64 {@code [1, T]} or {@code [B, T]}
     */
    public static NDArray positions(NDManager manager, long batch, long t, NDArray padding) {
        if (padding == null) {
            return manager.arange(0, (int) t, 1, DataType.INT64).reshape(1, t);
        }
        NDArray m = padding.toType(DataType.INT64, false);
        return m.cumSum(1).sub(1).maximum(0);
    }

    /**
     * Attention over heads.
     *
     * @param q queries {@code [B, H, T, d]}
     * @param k keys {@code [B, H, T, d]}
     * @param v values {@code [B, H, T, d]}
     * @param mask additive mask from {@link #causalMask}
     * @param dropout attention dropout rate
     * @param training whether dropout is active
     * @return {@code [B, H, T, d]}
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, float dropout, boolean training) {
        long d = q.getShape().get(3);
        // scale q ([B,H,T,d]) rather than the scores ([B,H,T,T]): the same product, a smaller pass
        NDArray scores = Scalars.mul(q, (float) (1.0 / Math.sqrt(d))).matMul(k.transpose(0, 1, 3, 2)).addi(mask);
        NDArray weights = scores.softmax(-1);
        if (training && dropout > 0) {
            weights = Dropout.dropout(weights, dropout, true).singletonOrThrow();
        }
        return weights.matMul(v);
    }

    /**
     * Splits {@code [B, T, H·d]} into heads {@code [B, H, T, d]}.
     *
     * @param x the tensor
     * @param heads H
     * @return the heads
     */
    public static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /**
     * Merges heads {@code [B, H, T, d]} into {@code [B, T, H·d]}.
     *
     * @param x the heads
     * @return the merged tensor
     */
    public static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }
}
