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
 * softmax(q·kᵀ/√d + M) · v,   M[i][j] = −1e30 where blocked(i, j), else 0
 * blocked(i, j) = j &gt; i  or  seg[j] = 0  or  (seg[i] ≠ 0 and seg[j] ≠ seg[i])
 * </pre>
 *
 * The optional mask {@code seg [B, T]} holds segment ids: 0 for padding, {@code k ≥ 1} for the
 * {@code k}-th example packed into the row; a token attends only to earlier tokens of its own
 * example. A 0/1 mask (1 = token) is the one-example case and gives exactly the causal padding
 * mask of before (a padding query, {@code seg[i] = 0}, still sees the real keys before it, so its
 * row stays what it was). A large finite negative rather than −∞ keeps a fully masked row finite.
 */
public final class Attention {

    private static final float MASKED = -1e30f;

    private Attention() {}

    /**
     * The additive mask {@code [B or 1, 1, T, T]}: {@code −1e30} where {@code blocked(i, j)}.
     *
     * @param manager where to create it
     * @param t sequence length
     * @param segments segment ids {@code [B, T]} (0 = padding, k ≥ 1 = the row's k-th example; a
     *     0/1 attention mask is one example) or null for plain causal attention
     * @return the mask
     */
    public static NDArray causalMask(NDManager manager, long t, NDArray segments) {
        NDArray blocked = segments == null ? future(manager, t).reshape(1, 1, t, t) : blocked(manager, t, segments);
        return blocked.toType(DataType.FLOAT32, false).mul(MASKED);
    }

    /**
     * The additive mask {@code [B, 1, T, P + T]} of {@code T} new queries that follow {@code P}
     * cached positions (see {@link KvCache}): {@code −1e30} where key {@code j > P + i} or key
     * {@code j} is padding. For {@code P = 0} this is {@link #causalMask(NDManager, long, NDArray)}
     * of the same 0/1 mask.
     *
     * @param manager where to create it
     * @param past P, the cached positions
     * @param t T, the new positions
     * @param keyMask the 0/1 mask {@code [B, P + T]} of every key (1 = token)
     * @return the mask
     */
    public static NDArray causalMask(NDManager manager, long past, long t, NDArray keyMask) {
        long b = keyMask.getShape().get(0);
        long keys = past + t;
        NDArray query = manager.arange((int) past, (int) keys, 1, DataType.INT64).reshape(t, 1);
        NDArray key = manager.arange(0, (int) keys, 1, DataType.INT64).reshape(1, keys);
        NDArray blocked = key.gt(query).reshape(1, 1, t, keys)
                .logicalOr(keyMask.toType(DataType.INT64, false).eq(0).reshape(b, 1, 1, keys));
        return blocked.toType(DataType.FLOAT32, false).mul(MASKED);
    }

    /**
     * Position ids: 0..T−1, or with segments the number of keys a query may attend to minus one,
     * clamped at 0 ({@code Σ_j allowed(i, j) − 1}), so positions restart at 0 on each example's first
     * token and a left-padded sequence starts at 0 on its first real token. For a 0/1 mask this is
     * {@code max(cumsum(mask) − 1, 0)}, the positions of before.
     *
     * @param manager where to create it
     * @param batch B
     * @param t T
     * @param segments segment ids {@code [B, T]} or null
     * @return int64 {@code [1, T]} or {@code [B, T]}
     */
    public static NDArray positions(NDManager manager, long batch, long t, NDArray segments) {
        if (segments == null) {
            return manager.arange(0, (int) t, 1, DataType.INT64).reshape(1, t);
        }
        NDArray allowed = blocked(manager, t, segments).logicalNot().toType(DataType.INT64, false);
        return allowed.sum(new int[] {3}).reshape(segments.getShape().get(0), t).sub(1).maximum(0);
    }

    /** {@code j > i}, {@code [T, T]}. */
    private static NDArray future(NDManager manager, long t) {
        NDArray pos = manager.arange(0, (int) t, 1, DataType.INT64);
        return pos.reshape(1, t).gt(pos.reshape(t, 1));
    }

    /** {@code blocked(i, j)} as booleans {@code [B, 1, T, T]}. */
    private static NDArray blocked(NDManager manager, long t, NDArray segments) {
        long b = segments.getShape().get(0);
        NDArray seg = segments.toType(DataType.INT64, false);
        NDArray query = seg.reshape(b, 1, t, 1);
        NDArray key = seg.reshape(b, 1, 1, t);
        NDArray otherExample = query.neq(0).logicalAnd(key.neq(query));
        return future(manager, t).reshape(1, 1, t, t).logicalOr(key.eq(0)).logicalOr(otherExample);
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
