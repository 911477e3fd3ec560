package dev.decaf.onnx;

import dev.decaf.core.config.LlamaConfig;
import dev.decaf.onnx.GraphBuilder.Attr;
import java.io.IOException;
import java.util.List;

/**
 * Llama (Touvron et al. 2023) as an ONNX graph, the same computation as decaf-models' {@code
 * LlamaModel}:
 *
 * <pre>
 * h = embed_tokens[ids]
 * each layer:  h = h + o_proj(attn(rope(q_proj(n)), rope(k_proj(n)), v_proj(n))),  n = rms(h)·w_in
 *              h = h + down_proj(silu(gate_proj(n)) ⊙ up_proj(n)),                   n = rms(h)·w_post
 * logits = (rms(h)·w_norm)·lm_headᵀ  (embed_tokens when tied),   rms(x) = x / √(mean(x²) + ε)
 * rope: inv_freq_i = θ^(−2i/d), angle = pos·inv_freq concatenated with itself,
 *       x ← x·cos + rotate_half(x)·sin,  rotate_half(x) = (−x₂, x₁)
 * </pre>
 *
 * RMSNorm is written {@code Pow(x, 2)} so that ONNX Runtime fuses it; grouped-query attention
 * repeats each key/value head H/KV times (the cache keeps the KV heads, as Hugging Face Optimum's
 * decoders do). From opset 23 on, RMSNorm, the rotation and attention are ONNX's {@code
 * RMSNormalization}, {@code RotaryEmbedding} and {@code Attention}.
 */
final class LlamaGraph extends DecoderGraph {

    private final LlamaConfig config;

    LlamaGraph(LlamaConfig config, GraphBuilder g, WeightTable table, int opset, boolean kvCache) {
        super(g, table, opset, kvCache, config, config.numKeyValueHeads(), config.headDim());
        this.config = config;
    }

    @Override
    void write() throws IOException {
        declareInputsAndMask();
        int heads = config.numHeads();
        int kv = config.numKeyValueHeads();
        int hd = config.headDim();
        String embed = weight("model.embed_tokens.weight");
        String h = g.op("Gather", "tok", embed, "input_ids");
        String[] rope = rotary();
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            String n = rms("l" + i + "_rms1", h, p + "input_layernorm.weight");
            String q = rotate("l" + i + "_qr", splitHeads("l" + i + "_qh",
                    matmulOutIn("l" + i + "_q", n, p + "self_attn.q_proj.weight"), heads, hd), rope);
            String k = rotate("l" + i + "_kr", splitHeads("l" + i + "_kh",
                    matmulOutIn("l" + i + "_k", n, p + "self_attn.k_proj.weight"), kv, hd), rope);
            String v = splitHeads("l" + i + "_vh", matmulOutIn("l" + i + "_v", n, p + "self_attn.v_proj.weight"), kv, hd);
            k = cache(i, "key", k);
            v = cache(i, "value", v);
            if (kv != heads && opset < 23) {
                k = repeatKv("l" + i + "_krep", k, heads / kv, heads, hd);
                v = repeatKv("l" + i + "_vrep", v, heads / kv, heads, hd);
            }
            String y = mergeHeads("l" + i + "_y", attend("l" + i + "_att", q, k, v, hd), heads, hd);
            h = g.op("Add", "l" + i + "_res1", h, matmulOutIn("l" + i + "_o", y, p + "self_attn.o_proj.weight"));
            n = rms("l" + i + "_rms2", h, p + "post_attention_layernorm.weight");
            String gate = matmulOutIn("l" + i + "_gate", n, p + "mlp.gate_proj.weight");
            String silu = g.op("Mul", "l" + i + "_silu", gate, g.op("Sigmoid", "l" + i + "_sig", gate));
            String mlp = g.op("Mul", "l" + i + "_glu", silu, matmulOutIn("l" + i + "_up", n, p + "mlp.up_proj.weight"));
            h = g.op("Add", "l" + i + "_res2", h, matmulOutIn("l" + i + "_down", mlp, p + "mlp.down_proj.weight"));
        }
        h = rms("norm", h, "model.norm.weight");
        String head = config.tiedEmbeddings() ? embed : "lm_head.weight";
        g.alias(matmulOutIn("head", h, head), "logits");
    }

    /** rms(x)·w = x / √(mean(x²) + ε) · w. */
    private String rms(String hint, String x, String w) throws IOException {
        if (opset >= 23) {
            return g.op("RMSNormalization", hint, List.of(x, weight(w)), Attr.i("axis", -1),
                    Attr.f("epsilon", (float) config.rmsNormEps()));
        }
        String sq = g.op("Pow", hint + "_sq", x, g.scalar("two", 2f));
        String mean = g.op("ReduceMean", hint + "_mean", sq, Attr.ints("axes", -1), Attr.i("keepdims", 1));
        String root = g.op("Sqrt", hint + "_sqrt", g.op("Add", hint + "_eps", mean, g.scalar("eps", (float) config.rmsNormEps())));
        return g.op("Mul", hint, g.op("Div", hint + "_div", x, root), weight(w));
    }

    /** cos and sin of the rotary angles, [B, 1, S, d]. */
    private String[] rotary() {
        int hd = config.headDim();
        float[] invFreq = new float[hd / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / hd));
        }
        String pos = g.op("Unsqueeze", "pos3",
                g.op("Cast", "pos_float", positions, Attr.i("to", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE)),
                g.vector("axes", 2)); // [B, S, 1]
        String angles = g.op("Mul", "angles", pos, g.floats("inv_freq", new long[] {1, 1, hd / 2}, invFreq));
        if (opset >= 23) {
            return new String[] {g.op("Cos", "cos", angles), g.op("Sin", "sin", angles)}; // RotaryEmbedding's [B, S, d/2]
        }
        String full = g.op("Unsqueeze", "angles4", g.op("Concat", "angles2", List.of(angles, angles), Attr.i("axis", -1)),
                g.vector("axes", 1));
        return new String[] {g.op("Cos", "cos", full), g.op("Sin", "sin", full)};
    }

    /** x·cos + rotate_half(x)·sin; from opset 23 on, ONNX's {@code RotaryEmbedding} (halves, not interleaved). */
    private String rotate(String hint, String x, String[] rope) {
        if (opset >= 23) {
            return g.op("RotaryEmbedding", hint, List.of(x, rope[0], rope[1]), Attr.i("interleaved", 0));
        }
        String a = g.fresh(hint + "_a");
        String b = g.fresh(hint + "_b");
        int half = config.headDim() / 2;
        g.node("Split", List.of(x, g.vector("halves", half, half)), List.of(a, b), Attr.i("axis", 3));
        String rotated = g.op("Concat", hint + "_rot", List.of(g.op("Neg", hint + "_neg", b), a), Attr.i("axis", -1));
        return g.op("Add", hint, g.op("Mul", hint + "_cos", x, rope[0]), g.op("Mul", hint + "_sin", rotated, rope[1]));
    }

    /** [B, KV, T, d] → [B, KV·n, T, d], each head repeated n times in place order. */
    private String repeatKv(String hint, String x, int n, int heads, int hd) {
        String u = g.op("Unsqueeze", hint + "_u", x, g.vector("axes", 2));
        String e = g.op("Expand", hint + "_e", u, g.vector("rep", 1, 1, n, 1, 1));
        return g.op("Reshape", hint, e, g.vector("shape", 0, heads, -1, hd));
    }
}
