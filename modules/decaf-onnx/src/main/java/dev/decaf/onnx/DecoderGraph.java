package dev.decaf.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.onnx.GraphBuilder.Attr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What GPT-2's and Llama's ONNX graphs share: the inputs and outputs, the attention mask and the
 * position ids, and causal attention with an optional key/value cache. Everything is written to
 * equal decaf-models' DJL decoders operation for operation (its {@code Attention} class):
 *
 * <pre>
 * inputs   input_ids [batch, sequence] int64, attention_mask [batch, past_sequence + sequence] int64
 *          (0 = padding, k ≥ 1 = the row's k-th packed example; 0/1 is one example), and with the
 *          cache past_key_values.N.key/value [batch, kv_heads, past_sequence, head_dim]
 * outputs  logits [batch, sequence, vocab], and with the cache present.N.key/value
 *          [batch, kv_heads, past_sequence + sequence, head_dim]
 * query i (at i + P, P = past_sequence) may see key j unless
 *          j &gt; i + P  or  seg[j] = 0  or  (seg[i + P] ≠ 0 and seg[j] ≠ seg[i + P])
 * mask     M = −1e30 where blocked, else 0;  attention = softmax((q/√d)·kᵀ + M)·v
 * position pos(i) = max(Σ_j allowed(i, j) − 1, 0)   (left padding starts at 0 on the first token)
 * </pre>
 *
 * Subclasses add the layers; they reference weights by their Hugging Face names, which become the
 * graph's initializers, in the order of first use.
 */
abstract class DecoderGraph {

    static final float MASKED = -1e30f;

    protected final GraphBuilder g;
    protected final int opset;
    protected final boolean kvCache;
    private final Map<String, long[]> weights = new LinkedHashMap<>();
    private final WeightTable table;

    /** The additive mask [B, 1, S, T]. */
    protected String mask;
    /** The position ids [B, S] (int64). */
    protected String positions;

    /** The layers, key/value heads and head width (the cache's shapes) and the vocabulary (the logits'). */
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int vocab;

    DecoderGraph(GraphBuilder g, WeightTable table, int opset, boolean kvCache, ModelConfig config, int kvHeads,
            int headDim) {
        this.g = g;
        this.table = table;
        this.opset = opset;
        this.kvCache = kvCache;
        this.layers = config.numLayers();
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.vocab = config.vocabSize();
    }

    /** Writes the layers from {@code input_ids} to {@code logits}. */
    abstract void write() throws IOException;

    /** The Hugging Face weights the graph used, with their shapes, in first-use order. */
    Map<String, long[]> weights() {
        return weights;
    }

    /**
     * References a checkpoint tensor by name (it becomes an initializer); GPT-2 checkpoints saved
     * without the LM-head wrapper name it without the {@code transformer.} prefix.
     */
    protected String weight(String name) throws IOException {
        String stored = name;
        if (!table.has(name) && name.startsWith("transformer.") && table.has(name.substring("transformer.".length()))) {
            stored = name.substring("transformer.".length());
        }
        if (!weights.containsKey(stored)) {
            weights.put(stored, table.shape(stored));
        }
        return stored;
    }

    /** Declares the inputs and outputs and computes the mask and positions. */
    protected void declareInputsAndMask() {
        g.input("input_ids", TensorProto.DataType.INT64, "batch", "sequence");
        g.input("attention_mask", TensorProto.DataType.INT64, "batch", kvCache ? "total_sequence" : "sequence");
        if (kvCache) {
            for (int i = 0; i < layers; i++) {
                for (String kind : List.of("key", "value")) {
                    g.input("past_key_values." + i + "." + kind, TensorProto.DataType.FLOAT, "batch", kvHeads,
                            "past_sequence", headDim);
                }
            }
        }
        g.output("logits", TensorProto.DataType.FLOAT, "batch", "sequence", vocab);
        if (kvCache) {
            for (int i = 0; i < layers; i++) {
                for (String kind : List.of("key", "value")) {
                    g.output("present." + i + "." + kind, TensorProto.DataType.FLOAT, "batch", kvHeads,
                            "total_sequence", headDim);
                }
            }
        }
        Attr start1 = Attr.i("start", 1);
        Attr end2 = Attr.i("end", 2);
        String zeroAxis = g.vector("axis0", 0);
        String s = g.op("Shape", "seq_len", "input_ids", start1, end2);
        String t = g.op("Shape", "total_len", "attention_mask", start1, end2);
        String p = g.op("Sub", "past_len", t, s);
        String tScalar = g.op("Squeeze", "total_len_scalar", t, zeroAxis);
        String pScalar = g.op("Squeeze", "past_len_scalar", p, zeroAxis);
        String zero = g.longs("zero", new long[0], 0);
        String one = g.longs("one", new long[0], 1);
        String keyIndex = g.op("Range", "key_index", List.of(zero, tScalar, one));
        String queryIndex = g.op("Range", "query_index", List.of(pScalar, tScalar, one));
        String future = g.op("Greater", "future",
                g.op("Unsqueeze", "key_row", keyIndex, g.vector("axes", 0)),
                g.op("Unsqueeze", "query_col", queryIndex, g.vector("axes", 1))); // [S, T]
        String seg = "attention_mask";
        String segKey = g.op("Unsqueeze", "seg_key", seg, g.vector("axes", 1, 2)); // [B, 1, 1, T]
        String segQueryRows = g.op("Slice", "seg_query", List.of(seg, p, t, g.vector("axes", 1))); // [B, S]
        String segQuery = g.op("Unsqueeze", "seg_query4", segQueryRows, g.vector("axes", 1, 3)); // [B, 1, S, 1]
        String zeroL = g.longs("zero", new long[0], 0);
        String keyPad = g.op("Equal", "key_pad", segKey, zeroL);
        String otherExample = g.op("And", "other_example",
                g.op("Not", "query_real", g.op("Equal", "query_pad", segQuery, zeroL)),
                g.op("Not", "same_example", g.op("Equal", "same", segKey, segQuery)));
        String blocked = g.op("Or", "blocked", g.op("Or", "blocked_causal", future, keyPad), otherExample);
        mask = g.op("Mul", "attn_mask", g.op("Cast", "blocked_f", blocked, Attr.i("to", TensorProto.DataType.FLOAT_VALUE)),
                g.scalar("masked", MASKED));
        String allowed = g.op("Cast", "allowed", g.op("Not", "allowed_b", blocked), Attr.i("to", TensorProto.DataType.INT64_VALUE));
        String count = g.op("ReduceSum", "allowed_count", List.of(allowed, g.vector("axes", 3)), Attr.i("keepdims", 0)); // [B,1,S]
        String countF = g.op("Cast", "allowed_f", count, Attr.i("to", TensorProto.DataType.FLOAT_VALUE));
        String pos = g.op("Relu", "pos_f", g.op("Sub", "pos_m1", countF, g.scalar("one_f", 1f)));
        positions = g.op("Squeeze", "positions",
                g.op("Cast", "pos_i", pos, Attr.i("to", TensorProto.DataType.INT64_VALUE)), g.vector("axes", 1));
    }

    /** x·W (W stored [in, out], GPT-2's Conv1D) plus an optional bias. */
    protected String matmulInOut(String hint, String x, String w, String b) throws IOException {
        String y = g.op("MatMul", hint, x, weight(w));
        return b == null ? y : g.op("Add", hint + "_b", y, weight(b));
    }

    /** x·Wᵀ (W stored [out, in], as Llama's linear layers and any untransposed head). */
    protected String matmulOutIn(String hint, String x, String w) throws IOException {
        String wt = g.op("Transpose", hint + "_wt", weight(w), Attr.ints("perm", 1, 0));
        return g.op("MatMul", hint, x, wt);
    }

    /** [B, S, H·d] → [B, H, S, d]. */
    protected String splitHeads(String hint, String x, int heads, int dim) {
        String r = g.op("Reshape", hint + "_r", x, g.vector("shape", 0, 0, heads, dim));
        return g.op("Transpose", hint, r, Attr.ints("perm", 0, 2, 1, 3));
    }

    /** [B, H, S, d] → [B, S, H·d]. */
    protected String mergeHeads(String hint, String x, int heads, int dim) {
        String t = g.op("Transpose", hint + "_t", x, Attr.ints("perm", 0, 2, 1, 3));
        return g.op("Reshape", hint, t, g.vector("shape", 0, 0, (long) heads * dim));
    }

    /**
     * Appends this step's keys or values to the cache of layer {@code layer} and publishes the
     * result as {@code present.layer.kind}; without the cache returns {@code x} unchanged.
     */
    protected String cache(int layer, String kind, String x) {
        if (!kvCache) {
            return x;
        }
        String all = g.op("Concat", "cat_" + kind + layer, List.of("past_key_values." + layer + "." + kind, x),
                Attr.i("axis", 2));
        g.alias(all, "present." + layer + "." + kind);
        return all;
    }

    /**
     * softmax((q/√d)·kᵀ + mask)·v over [B, H, S|T, d]; from opset 23 on, ONNX's {@code Attention}
     * with the same additive mask and scale (keys and values may then have fewer heads than the
     * queries: the operator repeats them, as grouped-query attention does).
     */
    protected String attend(String hint, String q, String k, String v, int dim) {
        if (opset >= 23) {
            return g.op("Attention", hint, List.of(q, k, v, mask), Attr.f("scale", (float) (1.0 / Math.sqrt(dim))));
        }
        String qs = g.op("Mul", hint + "_qs", q, g.scalar("scale", (float) (1.0 / Math.sqrt(dim))));
        String kt = g.op("Transpose", hint + "_kt", k, Attr.ints("perm", 0, 1, 3, 2));
        String scores = g.op("Add", hint + "_scores", g.op("MatMul", hint + "_qk", qs, kt), mask);
        String w = g.op("Softmax", hint + "_w", scores, Attr.i("axis", -1));
        return g.op("MatMul", hint, w, v);
    }

    /** The value names of every {@code past_key_values} input, in declaration order. */
    List<String> pastNames() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            out.add("past_key_values." + i + ".key");
            out.add("past_key_values." + i + ".value");
        }
        return out;
    }
}
