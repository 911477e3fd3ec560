package dev.decaf.core.config;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.util.Map;

/**
 * Hugging Face {@code GPT2Config}: learned positions, pre-LayerNorm blocks, GELU (tanh form,
 * {@code gelu_new}), fused qkv projection, output head tied to the token embedding.
 *
 * @param vocabSize {@code vocab_size}
 * @param maxPositions {@code n_positions}
 * @param hiddenSize {@code n_embd}
 * @param numLayers {@code n_layer}
 * @param numHeads {@code n_head}
 * @param innerSize {@code n_inner} (default 4·n_embd)
 * @param layerNormEps {@code layer_norm_epsilon} (default 1e-5)
 * @param residDropout {@code resid_pdrop}
 * @param embdDropout {@code embd_pdrop}
 * @param attnDropout {@code attn_pdrop}
 * @param initializerRange {@code initializer_range} (default 0.02)
 * @param eosTokenId {@code eos_token_id}
 * @param torchDtype {@code torch_dtype}
 * @param json the original object
 */
public record Gpt2Config(
        int vocabSize,
        int maxPositions,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int innerSize,
        double layerNormEps,
        double residDropout,
        double embdDropout,
        double attnDropout,
        double initializerRange,
        int eosTokenId,
        String torchDtype,
        Map<String, Object> json)
        implements ModelConfig {

    /**
     * Reads a GPT-2 config.
     *
     * @param r the keys
     * @return the config
     * @throws IOException naming the bad key
     */
    public static Gpt2Config read(ConfigReader r) throws IOException {
        int d = r.positiveInt("n_embd");
        int heads = r.positiveInt("n_head");
        if (d % heads != 0) {
            throw r.invalid("key 'n_embd' (" + d + ") must be divisible by 'n_head' (" + heads + ")");
        }
        String act = r.optString("activation_function", "gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
            throw r.invalid("key 'activation_function' is '" + act + "': decaf's GPT-2 implements gelu_new");
        }
        if (!r.optBoolean("tie_word_embeddings", true)) {
            throw r.invalid("key 'tie_word_embeddings' is false: decaf's GPT-2 ties the output head to wte");
        }
        return new Gpt2Config(
                r.positiveInt("vocab_size"),
                r.positiveInt("n_positions"),
                d,
                r.positiveInt("n_layer"),
                heads,
                r.optPositiveInt("n_inner", 4 * d),
                r.optPositiveDouble("layer_norm_epsilon", 1e-5),
                r.optProbability("resid_pdrop", 0.1),
                r.optProbability("embd_pdrop", 0.1),
                r.optProbability("attn_pdrop", 0.1),
                r.optPositiveDouble("initializer_range", 0.02),
                r.optInt("eos_token_id", -1),
                r.optString("torch_dtype", "float32"),
                r.copy());
    }

    @Override
    public String modelType() {
        return "gpt2";
    }

    @Override
    public boolean tiedEmbeddings() {
        return true;
    }

    /** Returns the per-head width. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    @Override
    public Map<String, Object> json() {
        return Json.parseObject(Json.write(json)); // a deep copy the caller may change
    }
}
