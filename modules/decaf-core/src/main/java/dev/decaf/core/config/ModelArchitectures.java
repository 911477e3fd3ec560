package dev.decaf.core.config;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The architectures decaf knows, keyed by Hugging Face's {@code model_type}: how each reads its
 * {@code config.json}. A new family registers here once (decaf-models pairs it with its decoder,
 * decaf-onnx with its graph), instead of being switched on wherever a config is read.
 */
public final class ModelArchitectures {

    /** Reads one architecture's config from its keys. */
    @FunctionalInterface
    public interface ConfigParser {
        /**
         * Reads a config.
         *
         * @param keys the parsed {@code config.json}
         * @return the config
         * @throws IOException naming the bad key
         */
        ModelConfig read(ConfigReader keys) throws IOException;
    }

    private static final Map<String, ConfigParser> PARSERS = new LinkedHashMap<>();

    static {
        register("gpt2", Gpt2Config::read);
        register("llama", LlamaConfig::read);
    }

    private ModelArchitectures() {}

    /**
     * Registers an architecture.
     *
     * @param modelType its {@code model_type}
     * @param parser how it reads its config
     * @throws IllegalArgumentException when the type is already registered
     */
    public static synchronized void register(String modelType, ConfigParser parser) {
        Objects.requireNonNull(parser, "parser");
        if (PARSERS.putIfAbsent(Objects.requireNonNull(modelType, "modelType"), parser) != null) {
            throw new IllegalArgumentException("model_type '" + modelType + "' is already registered");
        }
    }

    /** Returns the registered {@code model_type}s, in registration order. */
    public static synchronized List<String> modelTypes() {
        return List.copyOf(PARSERS.keySet());
    }

    /**
     * Returns the parser of a {@code model_type}.
     *
     * @param modelType the type
     * @param source where the config came from, for the message
     * @return the parser
     * @throws IOException naming the supported types when this one is unknown
     */
    static synchronized ConfigParser parser(String modelType, String source) throws IOException {
        ConfigParser p = PARSERS.get(modelType);
        if (p == null) {
            throw new IOException(source + ": key 'model_type' is '" + modelType + "': decaf supports "
                    + String.join(" and ", modelTypes().stream().map(t -> "'" + t + "'").toList()));
        }
        return p;
    }
}
