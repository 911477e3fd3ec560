package dev.decaf.onnx;

import dev.decaf.core.config.Gpt2Config;
import dev.decaf.onnx.GraphBuilder.Attr;
import java.io.IOException;
import java.util.List;

/**
 * GPT-2 (Radford et al. 2019) as an ONNX graph, the same computation as decaf-models' {@code
 * Gpt2Model}:
 *
 * <pre>
 * h = wte[ids] + wpe[pos]
 * each block:  h = h + c_proj(attn(ln_1(h))),   h = h + mlp.c_proj(gelu(c_fc(ln_2(h))))
 * logits = ln_f(h)·wteᵀ,     gelu(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
 * </pre>
 *
 * LayerNormalization (opset 17); GELU written out at opset 17 and as {@code Gelu(approximate=tanh)}
 * from opset 20 on. The Conv1D weights stay in Hugging Face's {@code [in, out]} layout.
 */
final class Gpt2Graph extends DecoderGraph {

    private final Gpt2Config config;

    Gpt2Graph(Gpt2Config config, GraphBuilder g, WeightTable table, int opset, boolean kvCache) {
        super(g, table, opset, kvCache, config, config.numHeads(), config.headDim());
        this.config = config;
    }

    @Override
    void write() throws IOException {
        declareInputsAndMask();
        int d = config.hiddenSize();
        int heads = config.numHeads();
        int hd = config.headDim();
        String wte = weight("transformer.wte.weight");
        String h = g.op("Add", "embed",
                g.op("Gather", "tok", wte, "input_ids"),
                g.op("Gather", "pos", weight("transformer.wpe.weight"), positions));
        String qkvSizes = g.vector("qkv_split", d, d, d);
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "transformer.h." + i + ".";
            String a = layerNorm("l" + i + "_ln1", h, p + "ln_1");
            String qkv = matmulInOut("l" + i + "_qkv", a, p + "attn.c_attn.weight", p + "attn.c_attn.bias");
            String q = g.fresh("l" + i + "_q");
            String k = g.fresh("l" + i + "_k");
            String v = g.fresh("l" + i + "_v");
            g.node("Split", List.of(qkv, qkvSizes), List.of(q, k, v), Attr.i("axis", 2));
            String qh = splitHeads("l" + i + "_qh", q, heads, hd);
            String kh = cache(i, "key", splitHeads("l" + i + "_kh", k, heads, hd));
            String vh = cache(i, "value", splitHeads("l" + i + "_vh", v, heads, hd));
            String y = mergeHeads("l" + i + "_y", attend("l" + i + "_att", qh, kh, vh, hd), heads, hd);
            h = g.op("Add", "l" + i + "_res1", h,
                    matmulInOut("l" + i + "_proj", y, p + "attn.c_proj.weight", p + "attn.c_proj.bias"));
            String m = layerNorm("l" + i + "_ln2", h, p + "ln_2");
            String f = gelu("l" + i + "_gelu", matmulInOut("l" + i + "_fc", m, p + "mlp.c_fc.weight", p + "mlp.c_fc.bias"));
            h = g.op("Add", "l" + i + "_res2", h,
                    matmulInOut("l" + i + "_fcproj", f, p + "mlp.c_proj.weight", p + "mlp.c_proj.bias"));
        }
        h = layerNorm("ln_f", h, "transformer.ln_f");
        g.alias(matmulOutIn("head", h, wte), "logits");
    }

    private String layerNorm(String hint, String x, String prefix) throws IOException {
        return g.op("LayerNormalization", hint, List.of(x, weight(prefix + ".weight"), weight(prefix + ".bias")),
                Attr.i("axis", -1), Attr.f("epsilon", (float) config.layerNormEps()));
    }

    private String gelu(String hint, String x) {
        if (opset >= 20) {
            return g.op("Gelu", hint, x, new Attr(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("approximate")
                    .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.STRING)
                    .setS(com.google.protobuf.ByteString.copyFromUtf8("tanh")).build()));
        }
        String cube = g.op("Mul", hint + "_x3", g.op("Mul", hint + "_x2", x, x), x);
        String inner = g.op("Add", hint + "_in", x, g.op("Mul", hint + "_c", cube, g.scalar("c", 0.044715f)));
        String t = g.op("Tanh", hint + "_tanh", g.op("Mul", hint + "_s", inner, g.scalar("sqrt2pi", (float) Math.sqrt(2 / Math.PI))));
        String half = g.op("Mul", hint + "_half", x, g.scalar("half", 0.5f));
        return g.op("Mul", hint, half, g.op("Add", hint + "_1p", t, g.scalar("one", 1f)));
    }
}
