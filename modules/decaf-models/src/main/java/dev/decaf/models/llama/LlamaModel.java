package dev.decaf.models.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.config.LlamaConfig;
import dev.decaf.models.nn.Attention;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.nn.FusedOps;
import dev.decaf.models.nn.KvCache;
import dev.decaf.models.nn.Scalars;

/**
 * Llama (Touvron et al. 2023), the whole model in one file:
 *
 * <pre>
 * h = embed_tokens[ids]
 * for each layer:  h = h + o_proj(attn(rope(q_proj(n)), rope(k_proj(n)), v_proj(n))),  n = rms(h)·w_in
 *                  h = h + down_proj(silu(gate_proj(n)) ⊙ up_proj(n)),                   n = rms(h)·w_post
 * logits = (rms(h)·w_norm) · lm_headᵀ            rms(x) = x / √(mean(x²) + ε)
 * </pre>
 *
 * Rotary embeddings follow Hugging Face's rotate-half convention: with inv_freq_i =
 * θ^(−2i/d) and the angle concatenated with itself, x ← x·cos + rotate_half(x)·sin,
 * rotate_half(x) = (−x₂, x₁). Grouped-query attention: query head j reads key/value head
 * j / (H/KV). Linear weights keep the {@code [out, in]} layout; there are no biases.
 *
 * <p>With a {@link KvCache}, the cache holds each layer's rotated keys and values with their KV
 * heads (repeated to H only for the product), and the new tokens' rotary positions are offset by
 * the cached real tokens ({@code P + i} for an unpadded row).
 */
public final class LlamaModel extends DecoderModel {

    private final LlamaConfig config;
    private final Parameter embed;
    private final Layer[] layers;
    private final Parameter norm;
    private final Parameter lmHead;

    /** One decoder layer's parameters. */
    private record Layer(Parameter inputNorm, Parameter q, Parameter k, Parameter v, Parameter o, Parameter postNorm,
            Parameter gate, Parameter up, Parameter down) {}

    /**
     * Creates the model (uninitialized).
     *
     * @param config the architecture
     */
    public LlamaModel(LlamaConfig config) {
        this.config = config;
        int d = config.hiddenSize();
        int hd = config.headDim();
        int inter = config.intermediateSize();
        Initializer normal = new NormalInitializer(0.02f);
        embed = declare("model.embed_tokens.weight", LayerKind.EMBEDDING, normal, config.vocabSize(), d);
        layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new Layer(
                    declare(p + "input_layernorm.weight", LayerKind.NORM, Initializer.ONES, d),
                    declare(p + "self_attn.q_proj.weight", LayerKind.WEIGHT, normal, (long) config.numHeads() * hd, d),
                    declare(p + "self_attn.k_proj.weight", LayerKind.WEIGHT, normal, (long) config.numKeyValueHeads() * hd, d),
                    declare(p + "self_attn.v_proj.weight", LayerKind.WEIGHT, normal, (long) config.numKeyValueHeads() * hd, d),
                    declare(p + "self_attn.o_proj.weight", LayerKind.WEIGHT, normal, d, (long) config.numHeads() * hd),
                    declare(p + "post_attention_layernorm.weight", LayerKind.NORM, Initializer.ONES, d),
                    declare(p + "mlp.gate_proj.weight", LayerKind.WEIGHT, normal, inter, d),
                    declare(p + "mlp.up_proj.weight", LayerKind.WEIGHT, normal, inter, d),
                    declare(p + "mlp.down_proj.weight", LayerKind.WEIGHT, normal, d, inter));
        }
        norm = declare("model.norm.weight", LayerKind.NORM, Initializer.ONES, d);
        lmHead = config.tiedEmbeddings() ? null
                : declare("lm_head.weight", LayerKind.HEAD, normal, config.vocabSize(), d);
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    protected NDArray logits(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
        NDArray table = value(ps, embed, ids, training);
        NDArray h = Embedding.embedding(ids, table, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
        NDArray attnMask = attentionMask(ids, mask, cache);
        NDArray[] rope = rotary(positions(ids, mask, cache));
        int heads = config.numHeads();
        int kvHeads = config.numKeyValueHeads();
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            NDArray n = rms(h, value(ps, l.inputNorm(), ids, training));
            NDArray q = rotate(Attention.splitHeads(linear(n, ps, l.q(), training), heads), rope);
            NDArray k = rotate(Attention.splitHeads(linear(n, ps, l.k(), training), kvHeads), rope);
            NDArray v = Attention.splitHeads(linear(n, ps, l.v(), training), kvHeads);
            if (cache != null) { // cached before the heads repeat: num_key_value_heads of them
                NDArray[] kv = cache.append(i, k, v);
                k = kv[0];
                v = kv[1];
            }
            if (kvHeads != heads) {
                k = repeatKv(k, heads / kvHeads);
                v = repeatKv(v, heads / kvHeads);
            }
            NDArray y = Attention.mergeHeads(Attention.attend(q, k, v, attnMask, (float) config.attentionDropout(), training));
            h = h.add(linear(y, ps, l.o(), training));
            n = rms(h, value(ps, l.postNorm(), ids, training));
            NDArray gate = linear(n, ps, l.gate(), training);
            NDArray mlp = FusedOps.silu(gate).mul(linear(n, ps, l.up(), training));
            h = h.add(linear(mlp, ps, l.down(), training));
        }
        h = rms(h, value(ps, norm, ids, training));
        NDArray head = lmHead == null ? table : value(ps, lmHead, ids, training);
        return project(lmHead == null ? embed.getName() : lmHead.getName(), h, head, null);
    }

    private NDArray linear(NDArray x, ParameterStore ps, Parameter w, boolean training) {
        return project(w.getName(), x, value(ps, w, x, training), null);
    }

    /** RMSNorm: x / √(mean(x²) + ε) · w, in float32. */
    private NDArray rms(NDArray x, NDArray w) {
        NDArray rms = Scalars.addi(x.square().mean(new int[] {-1}, true), (float) config.rmsNormEps()).sqrt();
        return x.div(rms).muli(w);
    }

    /** cos and sin of the rotary angles, {@code [B or 1, 1, T, d]}. */
    private NDArray[] rotary(NDArray positions) {
        int hd = config.headDim();
        var manager = positions.getManager();
        NDArray exponent = manager.arange(0, hd, 2, DataType.FLOAT64).divi(hd);
        NDArray invFreq = manager.create(config.ropeTheta()).pow(exponent).pow(-1).toType(DataType.FLOAT32, false);
        Shape ps = positions.getShape();
        NDArray angles = positions.toType(DataType.FLOAT32, false).reshape(ps.get(0), ps.get(1), 1)
                .mul(invFreq.reshape(1, 1, hd / 2));
        NDArray full = NDArrays.concat(new NDList(angles, angles), -1).expandDims(1);
        return new NDArray[] {full.cos(), full.sin()};
    }

    private static NDArray rotate(NDArray x, NDArray[] rope) {
        NDList halves = x.split(2, 3); // split's backward is one concatenation, a slice's a zero fill and a copy
        NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), -1);
        return x.mul(rope[0]).add(rotated.mul(rope[1]));
    }

    /** [B, KV, T, d] → [B, KV·n, T, d], each key/value head repeated n times in place order. */
    private static NDArray repeatKv(NDArray x, int n) {
        Shape s = x.getShape();
        return x.expandDims(2).broadcast(s.get(0), s.get(1), n, s.get(2), s.get(3))
                .reshape(s.get(0), s.get(1) * n, s.get(2), s.get(3));
    }
}
