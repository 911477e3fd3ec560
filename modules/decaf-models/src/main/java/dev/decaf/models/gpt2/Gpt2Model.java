package dev.decaf.models.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.config.Gpt2Config;
import dev.decaf.models.nn.Attention;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.nn.FusedOps;
import dev.decaf.models.nn.KvCache;

/**
 * GPT-2 (Radford et al. 2019), the whole model in one file:
 *
 * <pre>
 * h = wte[ids] + wpe[pos]
 * for each block:  h = h + c_proj(attn(ln_1(h)))            q, k, v = split(ln_1(h)·W_attn + b)
 *                  h = h + mlp.c_proj(gelu(c_fc(ln_2(h))))  gelu(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
 * logits = ln_f(h) · wteᵀ                                   (output head tied to the embedding)
 * </pre>
 *
 * With a {@link KvCache}, each block attends over its cached keys and values and the new tokens'
 * positions continue after the cached ones (learned positions: {@code wpe[P + i]} for an unpadded
 * row).
 *
 * Weights keep Hugging Face's Conv1D layout {@code [in, out]} (y = x·W + b), so checkpoints load
 * as they are. Initialisation follows GPT-2: N(0, 0.02) for matrices and embeddings, residual
 * projections scaled by 1/√(2·n_layer), LayerNorm 1/0, biases 0.
 */
public final class Gpt2Model extends DecoderModel {


    private final Gpt2Config config;
    private final Parameter wte;
    private final Parameter wpe;
    private final Layer[] layers;
    private final Parameter lnFW;
    private final Parameter lnFB;

    /** One transformer block's parameters. */
    private record Layer(Parameter ln1W, Parameter ln1B, Parameter attnW, Parameter attnB, Parameter projW,
            Parameter projB, Parameter ln2W, Parameter ln2B, Parameter fcW, Parameter fcB, Parameter fcProjW,
            Parameter fcProjB) {}

    /**
     * Creates the model (uninitialized).
     *
     * @param config the architecture
     */
    public Gpt2Model(Gpt2Config config) {
        this.config = config;
        int d = config.hiddenSize();
        int inner = config.innerSize();
        float std = (float) config.initializerRange();
        Initializer normal = new NormalInitializer(std);
        Initializer residual = new NormalInitializer((float) (std / Math.sqrt(2.0 * config.numLayers())));
        wte = declare("transformer.wte.weight", LayerKind.EMBEDDING, normal, config.vocabSize(), d);
        wpe = declare("transformer.wpe.weight", LayerKind.EMBEDDING, normal, config.maxPositions(), d);
        layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String h = "transformer.h." + i + ".";
            layers[i] = new Layer(
                    declare(h + "ln_1.weight", LayerKind.NORM, Initializer.ONES, d),
                    declare(h + "ln_1.bias", LayerKind.NORM, Initializer.ZEROS, d),
                    declare(h + "attn.c_attn.weight", LayerKind.WEIGHT, normal, d, 3L * d),
                    declare(h + "attn.c_attn.bias", LayerKind.BIAS, Initializer.ZEROS, 3L * d),
                    declare(h + "attn.c_proj.weight", LayerKind.WEIGHT, residual, d, d),
                    declare(h + "attn.c_proj.bias", LayerKind.BIAS, Initializer.ZEROS, d),
                    declare(h + "ln_2.weight", LayerKind.NORM, Initializer.ONES, d),
                    declare(h + "ln_2.bias", LayerKind.NORM, Initializer.ZEROS, d),
                    declare(h + "mlp.c_fc.weight", LayerKind.WEIGHT, normal, d, inner),
                    declare(h + "mlp.c_fc.bias", LayerKind.BIAS, Initializer.ZEROS, inner),
                    declare(h + "mlp.c_proj.weight", LayerKind.WEIGHT, residual, inner, d),
                    declare(h + "mlp.c_proj.bias", LayerKind.BIAS, Initializer.ZEROS, d));
        }
        lnFW = declare("transformer.ln_f.weight", LayerKind.NORM, Initializer.ONES, d);
        lnFB = declare("transformer.ln_f.bias", LayerKind.NORM, Initializer.ZEROS, d);
    }

    @Override
    public Gpt2Config config() {
        return config;
    }

    @Override
    protected NDArray logits(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
        NDArray tokenTable = value(ps, wte, ids, training);
        NDArray pos = positions(ids, mask, cache);
        NDArray h = embed(ids, tokenTable).add(embed(pos, value(ps, wpe, ids, training)));
        h = dropout(h, config.embdDropout(), training);
        NDArray attnMask = attentionMask(ids, mask, cache);
        int heads = config.numHeads();
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            NDArray a = layerNorm(h, ps, l.ln1W(), l.ln1B(), training);
            // split, not three slices: its backward is one concatenation, where every slice's
            // backward zero-fills a gradient as wide as qkv and copies into it
            NDList qkv = conv1d(a, ps, l.attnW(), l.attnB(), training).split(3, 2);
            NDArray q = Attention.splitHeads(qkv.get(0), heads);
            NDArray k = Attention.splitHeads(qkv.get(1), heads);
            NDArray v = Attention.splitHeads(qkv.get(2), heads);
            if (cache != null) {
                NDArray[] kv = cache.append(i, k, v);
                k = kv[0];
                v = kv[1];
            }
            NDArray y = Attention.mergeHeads(Attention.attend(q, k, v, attnMask, (float) config.attnDropout(), training));
            y = conv1d(y, ps, l.projW(), l.projB(), training);
            h = h.add(dropout(y, config.residDropout(), training));
            NDArray m = layerNorm(h, ps, l.ln2W(), l.ln2B(), training);
            NDArray f = conv1d(gelu(conv1d(m, ps, l.fcW(), l.fcB(), training)), ps, l.fcProjW(), l.fcProjB(), training);
            h = h.add(dropout(f, config.residDropout(), training));
        }
        h = layerNorm(h, ps, lnFW, lnFB, training);
        // x·Wᵀ through linear: an op on the parameter itself would attach its result to the model's manager
        return project(wte.getName(), h, tokenTable, null);
    }

    /**
     * Hugging Face's Conv1D, x·W + b with W stored [in, out], as one addmm: the bias seeds the
     * product's accumulator instead of costing a pass of its own.
     */
    private NDArray conv1d(NDArray x, ParameterStore ps, Parameter w, Parameter b, boolean training) {
        NDArray wt = value(ps, w, x, training).transpose(); // a view, [out, in] as linear expects
        wt.attach(x.getManager()); // freed with this pass's arrays, not kept by the model's manager
        return project(w.getName(), x, wt, value(ps, b, x, training));
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, ParameterStore ps, Parameter w, Parameter b, boolean training) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), value(ps, w, x, training),
                value(ps, b, x, training), (float) config.layerNormEps()).singletonOrThrow();
    }

    private static NDArray dropout(NDArray x, double rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, (float) rate, true).singletonOrThrow() : x;
    }

    /** GELU, tanh form ({@code gelu_new}), fused where the engine allows. */
    static NDArray gelu(NDArray x) {
        return FusedOps.geluTanh(x);
    }

}
