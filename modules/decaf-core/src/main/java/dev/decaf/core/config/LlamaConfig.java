package dev.decaf.core.config;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.util.Map;

/**
 * Hugging Face {@code LlamaConfig}: RMSNorm, rotary position embeddings with {@code rope_theta},
 * SwiGLU MLP, grouped-query attention ({@code num_key_value_heads}), no biases, optionally tied
 * embeddings.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}
 * @param numLayers {@code num_hidden_layers}
 * @param numHeads {@code num_attention_heads}
 * @param numKeyValueHeads {@code num_key_value_heads} (default: num_attention_heads)
 * @param headDim {@code head_dim} (default hidden_size / num_attention_heads)
 * @param maxPositions {@code max_position_embeddings}
 * @param rmsNormEps {@code rms_norm_eps} (default 1e-6)
 * @param ropeTheta {@code rope_theta} (default 10000)
 * @param tiedEmbeddings {@code tie_word_embeddings} (default false)
 * @param attentionDropout {@code attention_dropout} (default 0)
 * @param eosTokenId {@code eos_token_id}
 * @param torchDtype {@code torch_dtype}
 * @param json the original object
 */
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKeyValueHeads,
        int headDim,
        int maxPositions,
        double rmsNormEps,
        double ropeTheta,
        boolean tiedEmbeddings,
        double attentionDropout,
        int eosTokenId,
        String torchDtype,
        Map<String, Object> json)
        implements ModelConfig {

    /**
     * Reads a Llama config.
     *
     * @param r the keys
     * @return the config
     * @throws IOException naming the bad key
     */
    public static LlamaConfig read(ConfigReader r) throws IOException {
        int d = r.positiveInt("hidden_size");
        int heads = r.positiveInt("num_attention_heads");
        int kv = r.optPositiveInt("num_key_value_heads", heads);
        if (heads % kv != 0) {
            throw r.invalid("key 'num_attention_heads' (" + heads + ") must be a multiple of 'num_key_value_heads' ("
                    + kv + ")");
        }
        if (!r.has("head_dim") && d % heads != 0) {
            throw r.invalid("key 'hidden_size' (" + d + ") must be divisible by 'num_attention_heads' (" + heads + ")");
        }
        int headDim = r.optPositiveInt("head_dim", d / heads);
        if (headDim % 2 != 0) {
            throw r.invalid("head dimension " + headDim + " must be even for rotary embeddings");
        }
        String act = r.optString("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw r.invalid("key 'hidden_act' is '" + act + "': decaf's Llama implements silu (SwiGLU)");
        }
        if (r.optBoolean("attention_bias", false) || r.optBoolean("mlp_bias", false)) {
            throw r.invalid("keys 'attention_bias'/'mlp_bias' must be false: decaf's Llama has no biases");
        }
        if (r.has("rope_scaling")) {
            throw r.invalid("key 'rope_scaling' is not supported yet (plain RoPE only)");
        }
        return new LlamaConfig(
                r.positiveInt("vocab_size"),
                d,
                r.positiveInt("intermediate_size"),
                r.positiveInt("num_hidden_layers"),
                heads,
                kv,
                headDim,
                r.positiveInt("max_position_embeddings"),
                r.optPositiveDouble("rms_norm_eps", 1e-6),
                r.optPositiveDouble("rope_theta", 10000.0),
                r.optBoolean("tie_word_embeddings", false),
                r.optProbability("attention_dropout", 0.0),
                r.optInt("eos_token_id", -1),
                r.optString("torch_dtype", "float32"),
                r.copy());
    }

    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    public Map<String, Object> json() {
        return Json.parseObject(Json.write(json)); // a deep copy the caller may change
    }
}
