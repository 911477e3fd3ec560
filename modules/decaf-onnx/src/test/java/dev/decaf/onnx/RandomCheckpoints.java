package dev.decaf.onnx;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.json.Json;
import dev.decaf.core.safetensors.DType;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.nn.DecoderModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random GPT-2 and Llama checkpoints for the tests, written by decaf-models (the DJL reference):
 * every parameter, norms and biases included, drawn from a seeded generator, so that a wrong
 * norm or bias in the graph shows.
 */
final class RandomCheckpoints {

    private RandomCheckpoints() {}

    static Map<String, Object> gpt2(int vocab, int positions, int d, int layers, int heads) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model_type", "gpt2");
        c.put("vocab_size", (long) vocab);
        c.put("n_positions", (long) positions);
        c.put("n_embd", (long) d);
        c.put("n_layer", (long) layers);
        c.put("n_head", (long) heads);
        c.put("eos_token_id", (long) (vocab - 1));
        return c;
    }

    static Map<String, Object> llama(int vocab, int positions, int d, int inter, int layers, int heads, int kvHeads,
            boolean tied) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model_type", "llama");
        c.put("vocab_size", (long) vocab);
        c.put("max_position_embeddings", (long) positions);
        c.put("hidden_size", (long) d);
        c.put("intermediate_size", (long) inter);
        c.put("num_hidden_layers", (long) layers);
        c.put("num_attention_heads", (long) heads);
        c.put("num_key_value_heads", (long) kvHeads);
        c.put("tie_word_embeddings", tied);
        c.put("rope_theta", 500000.0);
        c.put("rms_norm_eps", 1e-5);
        c.put("eos_token_id", (long) (vocab - 1));
        return c;
    }

    /** Writes a model directory with random weights (and no tokenizer). */
    static Path write(Path dir, Map<String, Object> json, long seed) throws Exception {
        ModelConfig config = ModelConfig.parse(json, "test config");
        Files.createDirectories(dir);
        Engine.getInstance().setRandomSeed((int) seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            DecoderModel model = DecoderModel.of(config);
            model.initialize(manager);
            for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
                NDArray a = e.getValue().getArray();
                float[] v = new float[Math.toIntExact(a.size())];
                boolean norm = e.getKey().contains("ln_") || e.getKey().contains("norm");
                for (int i = 0; i < v.length; i++) {
                    float g = (float) (rnd.nextDouble() * 2 - 1);
                    v[i] = norm && e.getKey().endsWith("weight") ? 1 + 0.2f * g : 0.15f * g;
                }
                a.set(v);
            }
            ModelDirectory.save(model, DType.F32, null, dir);
        }
        Files.writeString(dir.resolve("config.json"), Json.write(json), StandardCharsets.UTF_8);
        return dir;
    }
}
