package dev.decaf.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A decoder's architecture, read from a Hugging Face {@code config.json} with Hugging Face's key
 * names ({@code GPT2Config}, {@code LlamaConfig}). The original JSON is kept so that a saved model
 * directory carries the same file, which Hugging Face tools read back unchanged.
 *
 * <p>Errors name the file and the key: an unknown {@code model_type}, a missing or mistyped key,
 * or inconsistent sizes (e.g. {@code hidden_size} not divisible by {@code num_attention_heads}).
 */
public sealed interface ModelConfig permits Gpt2Config, LlamaConfig {

    /** Returns the {@code model_type}: {@code gpt2} or {@code llama}. */
    String modelType();

    /** Returns the vocabulary size V. */
    int vocabSize();

    /** Returns the model width D. */
    int hiddenSize();

    /** Returns the number of layers. */
    int numLayers();

    /** Returns the number of attention heads. */
    int numHeads();

    /** Returns the longest supported sequence. */
    int maxPositions();

    /** Returns whether the output head shares the token embedding. */
    boolean tiedEmbeddings();

    /** Returns the end-of-text id from the config, or -1. */
    int eosTokenId();

    /** Returns the {@code torch_dtype} the checkpoint declares ({@code float32} when absent). */
    String torchDtype();

    /** Returns the original JSON (a copy), for writing back. */
    ObjectNode json();

    /**
     * Reads a {@code config.json} (a file, or a model directory containing one).
     *
     * @param path the file or directory
     * @return the config
     * @throws IOException when the file is missing, not JSON, or invalid (the message names the key)
     */
    static ModelConfig load(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException(path + ": no such file or directory");
        }
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException(path + ": no config.json in this directory");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        return parse((ObjectNode) root, file.toString());
    }

    /**
     * Parses a config object.
     *
     * @param json the object
     * @param source where it came from, for messages
     * @return the config
     * @throws IOException when invalid
     */
    static ModelConfig parse(ObjectNode json, String source) throws IOException {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.string("model_type");
        return switch (type) {
            case "gpt2" -> Gpt2Config.read(r);
            case "llama" -> LlamaConfig.read(r);
            default -> throw new IOException(source + ": key 'model_type' is '" + type
                    + "': decaf supports 'gpt2' and 'llama'");
        };
    }
}
