package dev.decaf.core.config;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A decoder's architecture, read from a Hugging Face {@code config.json} with Hugging Face's key
 * names ({@code GPT2Config}, {@code LlamaConfig}). The original JSON is kept so that a saved model
 * directory carries the same file, which Hugging Face tools read back unchanged.
 *
 * <p>Which record a {@code model_type} becomes is decided by {@link ModelArchitectures}, the one
 * registry of architectures.
 *
 * <p>Errors name the file and the key: an unknown {@code model_type}, a missing or mistyped key,
 * or inconsistent sizes (e.g. {@code hidden_size} not divisible by {@code num_attention_heads}).
 */
public interface ModelConfig {

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

    /** Returns the original JSON object (a deep copy the caller may change), for writing back. */
    Map<String, Object> json();

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
        Object root;
        try {
            root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!(root instanceof Map)) {
            throw new IOException(file + ": not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) root;
        return parse(object, file.toString());
    }

    /**
     * Parses a config object.
     *
     * @param json the object
     * @param source where it came from, for messages
     * @return the config
     * @throws IOException when invalid
     */
    static ModelConfig parse(Map<String, Object> json, String source) throws IOException {
        ConfigReader r = new ConfigReader(json, source);
        return ModelArchitectures.parser(r.string("model_type"), source).read(r);
    }
}
