package dev.decaf.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The keys and values every attention layer has computed so far, so that a decoding step feeds only
 * its new tokens (Pope et al. 2022, "Efficiently Scaling Transformer Inference", §2; Hugging Face's
 * {@code DynamicCache} keeps the same per-layer tensors):
 *
 * <pre>
 * K_l ← concat(K_l, k_l(new), time),  V_l ← concat(V_l, v_l(new), time)     [B, KV, P + T, d]
 * mask ← concat(mask, mask(new))                                          [B, P + T], 1 = token
 * positions(new) = max(cumsum(mask) − 1, 0)[:, P:]
 * blocked(i, j)  = j &gt; P + i  or  mask[j] = 0                            i new, j any
 * </pre>
 *
 * with {@code P} the cached length. Keys are stored before grouped-query heads are repeated, so a
 * Llama cache holds {@code num_key_value_heads} heads; Llama's keys are stored after the rotary
 * embedding of their own position, so a key never changes once cached. The masks are 0/1 (packed
 * segment ids are a training layout, not a generation one); positions and blocking are then exactly
 * those {@link Attention#positions} and {@link Attention#causalMask} give the whole sequence, so the
 * cached logits equal the full recompute's up to the rounding of differently shaped products.
 *
 * <p>The tensors live in the cache's own manager (a sub-manager of the one given), so they outlive
 * each step's temporaries; {@link #close} frees them. One sequence batch per cache; not thread-safe.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final List<NDArray> keys = new ArrayList<>();
    private final List<NDArray> values = new ArrayList<>();
    private NDArray mask;
    private long length;
    private boolean broken;

    // the step in progress: set by begin, read by the model, committed by end
    private NDArray stepMask;
    private NDArray stepPositions;
    private NDArray stepAttention;

    /**
     * Creates an empty cache.
     *
     * @param parent the manager on the model's device whose sub-manager holds the cached tensors
     */
    public KvCache(NDManager parent) {
        this.manager = Objects.requireNonNull(parent, "parent").newSubManager();
    }

    /** Returns the number of positions cached (padding included), {@code P}. */
    public long length() {
        return length;
    }

    /** Returns the batch size, or -1 while the cache is empty. */
    public long batchSize() {
        return mask == null ? -1 : mask.getShape().get(0);
    }

    /**
     * Starts a step of {@code t} new tokens: the full mask, the new tokens' positions and their
     * additive attention mask over the cached and new keys.
     *
     * @param ids the new ids {@code [B, T]} (their manager holds the step's temporaries)
     * @param newMask their 0/1 mask {@code [B, T]}, or null when every new token is real
     */
    void begin(NDArray ids, NDArray newMask) {
        if (broken) {
            throw new IllegalStateException("a forward pass with this cache failed half way: start a new cache");
        }
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        if (mask != null && b != mask.getShape().get(0)) {
            throw new IllegalArgumentException("the cache holds a batch of " + mask.getShape().get(0)
                    + " sequences; this step has " + b);
        }
        NDManager step = ids.getManager();
        NDArray fresh = newMask == null ? step.ones(ids.getShape(), DataType.INT64) : newMask.toType(DataType.INT64, false);
        NDArray full = mask == null ? fresh : mask.concat(fresh, 1);
        full.attach(step); // committed to the cache only when the step ends
        stepMask = full;
        stepPositions = full.cumSum(1).sub(1).maximum(0).get(":, " + length + ":");
        stepAttention = Attention.causalMask(step, length, t, full);
    }

    /** Returns the positions {@code [B, T]} of the step's new tokens. */
    NDArray positions() {
        return stepPositions;
    }

    /** Returns the step's additive mask {@code [B, 1, T, P + T]}. */
    NDArray attentionMask() {
        return stepAttention;
    }

    /**
     * Appends a layer's new keys and values and returns all of them.
     *
     * @param layer the layer index, from 0, in order on the first step
     * @param k the new keys {@code [B, KV, T, d]}
     * @param v the new values {@code [B, KV, T, d]}
     * @return {@code {K, V}}, each {@code [B, KV, P + T, d]}
     */
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        if (stepMask == null) {
            throw new IllegalStateException("append outside a cached forward pass");
        }
        if (layer == keys.size()) {
            keys.add(null);
            values.add(null);
        } else if (layer > keys.size()) {
            throw new IllegalArgumentException("layer " + layer + " appended before layer " + keys.size());
        }
        NDArray allK = grow(keys.get(layer), k);
        NDArray allV = grow(values.get(layer), v);
        keys.set(layer, allK);
        values.set(layer, allV);
        return new NDArray[] {allK, allV};
    }

    private NDArray grow(NDArray past, NDArray fresh) {
        NDArray all = past == null ? fresh : past.concat(fresh, 2);
        all.attach(manager);
        if (past != null) {
            past.close();
        }
        return all;
    }

    /** Ends the step: the new tokens count as cached. */
    void end() {
        long t = stepMask.getShape().get(1) - length;
        NDArray old = mask;
        stepMask.attach(manager);
        mask = stepMask;
        if (old != null) {
            old.close();
        }
        length += t;
        stepMask = null;
        stepPositions = null;
        stepAttention = null;
    }

    /** Marks the cache unusable after a step that failed half way (some layers appended, others not). */
    void abort() {
        broken = true;
        stepMask = null;
        stepPositions = null;
        stepAttention = null;
    }

    @Override
    public void close() {
        manager.close();
    }
}
