package dev.decaf.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.core.config.ModelConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A causal language model as one DJL block whose parameters carry Hugging Face's tensor names
 * ({@code transformer.h.0.attn.c_attn.weight}, {@code model.layers.0.self_attn.q_proj.weight}) and
 * shapes, so group rules, logs and checkpoints speak one language and checkpoints load without
 * renaming or transposing.
 *
 * <p>Input: token ids {@code [B, T]} (int32 or int64) and optionally an attention mask {@code [B,
 * T]} (1 = token, 0 = padding). Output: logits {@code [B, T, V]}. With a mask, padded keys are
 * never attended to and positions count only real tokens, so a right- or left-padded batch gives
 * each sequence the logits it gets alone.
 */
public abstract class DecoderModel extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, LayerKind> kinds = new LinkedHashMap<>();
    private volatile Projection projection = Projection.PLAIN;

    protected DecoderModel() {
        super(VERSION);
    }

    /**
     * Builds the model for a config.
     *
     * @param config the architecture
     * @return the block of the config's family ({@link DecoderFamily}), uninitialized
     */
    public static DecoderModel of(ModelConfig config) {
        DecoderFamily family = Families.BY_TYPE.get(config.modelType());
        if (family == null) {
            throw new IllegalArgumentException("model_type '" + config.modelType() + "' has no decoder: decaf-models has "
                    + Families.BY_TYPE.keySet());
        }
        return family.create(config);
    }

    /** The decoder families on the class path, by {@code model_type}, loaded once. */
    private static final class Families {
        static final Map<String, DecoderFamily> BY_TYPE = load();

        private static Map<String, DecoderFamily> load() {
            Map<String, DecoderFamily> map = new LinkedHashMap<>();
            for (DecoderFamily f : java.util.ServiceLoader.load(DecoderFamily.class, DecoderModel.class.getClassLoader())) {
                if (map.putIfAbsent(f.modelType(), f) != null) {
                    throw new IllegalStateException("two decoder families for model_type '" + f.modelType() + "'");
                }
            }
            return Collections.unmodifiableMap(map);
        }
    }

    /** Returns the architecture. */
    public abstract ModelConfig config();

    /**
     * Declares a parameter with its Hugging Face name, shape, kind and initializer.
     *
     * @param name the tensor name
     * @param kind what it is (for decay groups)
     * @param init the initializer
     * @param shape the shape
     * @return the parameter
     */
    protected final Parameter declare(String name, LayerKind kind, Initializer init, long... shape) {
        Parameter.Type type = switch (kind) {
            case BIAS -> Parameter.Type.BIAS;
            case NORM -> name.endsWith("bias") ? Parameter.Type.BETA : Parameter.Type.GAMMA;
            default -> Parameter.Type.WEIGHT;
        };
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).optShape(new Shape(shape))
                .optInitializer(init).build());
        params.put(name, p);
        kinds.put(name, kind);
        return p;
    }

    /** Returns the parameters by Hugging Face name, in checkpoint order. */
    public final Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /** Returns each parameter's layer kind. */
    public final Map<String, LayerKind> kinds() {
        return Collections.unmodifiableMap(kinds);
    }

    /**
     * Returns a group builder for this model with every parameter's kind declared (hidden
     * matrices, embeddings, output head, norms, biases), ready for decaf-core rules.
     *
     * @return the builder
     */
    public final ParamGroups.Builder groups() {
        ParamGroups.Builder b = ParamGroups.builder(this);
        kinds.forEach(b::kind);
        return b;
    }

    /**
     * Initializes every parameter as float32 on the manager's device.
     *
     * @param manager the manager
     */
    public final void initialize(ai.djl.ndarray.NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 1));
    }

    /**
     * Sets the seam every linear layer goes through ({@link Projection#PLAIN} by default).
     *
     * @param projection the projection
     */
    public final void setProjection(Projection projection) {
        this.projection = java.util.Objects.requireNonNull(projection, "projection");
    }

    /**
     * Applies a linear layer through the model's {@link Projection}: {@code x·Wᵀ (+ b)}.
     *
     * @param weightName the weight's Hugging Face name
     * @param x the input {@code [..., in]}
     * @param weight the weight as {@code [out, in]}
     * @param bias the bias, or null
     * @return {@code [..., out]}
     */
    protected final NDArray project(String weightName, NDArray x, NDArray weight, NDArray bias) {
        return projection.apply(weightName, x, weight, bias);
    }

    /** Reads the current value of a parameter for this forward pass. */
    protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return ps.getValue(p, like.getDevice(), training);
    }

    @Override
    protected final NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, time], got " + ids.getShape());
        }
        if (ids.getDataType() != DataType.INT64) {
            ids = ids.toType(DataType.INT64, false);
        }
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        long t = ids.getShape().get(1);
        if (t > config().maxPositions()) {
            throw new IllegalArgumentException("sequence of " + t + " tokens is longer than the model's "
                    + config().maxPositions() + " positions");
        }
        return new NDList(logits(ps, ids, mask, null, training));
    }

    /**
     * One inference step with a key/value cache: the logits {@code [B, T, V]} of {@code T} new
     * tokens that follow the cache's {@code P} positions, and every layer's new keys and values
     * appended to the cache. A prompt is one step of its whole length (the prefill), each new token a
     * step of {@code T = 1}; the logits equal those {@link #forward} gives the whole sequence at the
     * new positions, up to rounding.
     *
     * @param ps the parameter store
     * @param ids the new token ids {@code [B, T]} (int32 or int64)
     * @param mask their 0/1 mask {@code [B, T]} (0 = left padding) or null when all are tokens
     * @param cache the cache of this batch's earlier steps (empty for the first)
     * @return the logits of the new tokens
     * @throws IllegalArgumentException when {@code P + T} exceeds the model's positions
     */
    public final NDArray forward(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache) {
        java.util.Objects.requireNonNull(cache, "cache");
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, time], got " + ids.getShape());
        }
        if (ids.getDataType() != DataType.INT64) {
            ids = ids.toType(DataType.INT64, false);
        }
        long total = cache.length() + ids.getShape().get(1);
        if (total > config().maxPositions()) {
            throw new IllegalArgumentException("a cache of " + cache.length() + " positions and " + ids.getShape().get(1)
                    + " new tokens exceed the model's " + config().maxPositions() + " positions");
        }
        cache.begin(ids, mask);
        try {
            NDArray logits = logits(ps, ids, mask, cache, false);
            cache.end();
            return logits;
        } catch (RuntimeException e) {
            cache.abort();
            throw e;
        }
    }

    /**
     * Computes logits {@code [B, T, V]}. Without a cache, over the whole sequence (training and
     * the reference path). With one, positions and the attention mask come from {@link
     * KvCache#positions} and {@link KvCache#attentionMask}, and each layer attends over {@link
     * KvCache#append}'s keys and values.
     *
     * @param ps the parameter store
     * @param ids token ids, int64 {@code [B, T]}
     * @param mask attention mask {@code [B, T]} or null
     * @param cache the cache of earlier positions, or null
     * @param training whether dropout is active
     * @return the logits
     */
    protected abstract NDArray logits(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training);

    /**
     * Returns the positions {@code [B or 1, T]} of a pass: {@link Attention#positions} without a
     * cache, the cache's step positions with one.
     */
    protected static NDArray positions(NDArray ids, NDArray mask, KvCache cache) {
        return cache == null ? Attention.positions(ids.getManager(), ids.getShape().get(0), ids.getShape().get(1), mask)
                : cache.positions();
    }

    /**
     * Returns the additive attention mask of a pass: {@link Attention#causalMask} without a cache,
     * the cache's step mask over cached and new keys with one.
     */
    protected static NDArray attentionMask(NDArray ids, NDArray mask, KvCache cache) {
        return cache == null ? Attention.causalMask(ids.getManager(), ids.getShape().get(1), mask) : cache.attentionMask();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), config().vocabSize())};
    }

    /** Returns the number of scalar parameters. */
    public final long numParameters() {
        return params.values().stream().mapToLong(p -> p.getShape().size()).sum();
    }
}
