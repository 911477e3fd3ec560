package dev.decaf.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** Typed access to config keys with messages that name the file and the key. */
final class ConfigReader {

    final ObjectNode json;
    final String source;

    ConfigReader(ObjectNode json, String source) {
        this.json = json;
        this.source = source;
    }

    private JsonNode required(String key) throws IOException {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            throw new IOException(source + ": missing key '" + key + "'");
        }
        return n;
    }

    String string(String key) throws IOException {
        JsonNode n = required(key);
        if (!n.isTextual()) {
            throw new IOException(source + ": key '" + key + "' must be a string, got " + n);
        }
        return n.asText();
    }

    int positiveInt(String key) throws IOException {
        JsonNode n = required(key);
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > Integer.MAX_VALUE) {
            throw new IOException(source + ": key '" + key + "' must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    int optPositiveInt(String key, int fallback) throws IOException {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? fallback : positiveInt(key);
    }

    int optInt(String key, int fallback) throws IOException {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (n.isArray() && n.size() > 0 && n.get(0).isIntegralNumber()) {
            return n.get(0).asInt(); // some configs list several end-of-text ids
        }
        if (!n.isIntegralNumber()) {
            throw new IOException(source + ": key '" + key + "' must be an integer, got " + n);
        }
        return n.asInt();
    }

    double optPositiveDouble(String key, double fallback) throws IOException {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || !(n.asDouble() > 0)) {
            throw new IOException(source + ": key '" + key + "' must be a positive number, got " + n);
        }
        return n.asDouble();
    }

    double optProbability(String key, double fallback) throws IOException {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || n.asDouble() < 0 || n.asDouble() >= 1) {
            throw new IOException(source + ": key '" + key + "' must be a probability in [0, 1), got " + n);
        }
        return n.asDouble();
    }

    boolean optBoolean(String key, boolean fallback) throws IOException {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new IOException(source + ": key '" + key + "' must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    String optString(String key, String fallback) throws IOException {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new IOException(source + ": key '" + key + "' must be a string, got " + n);
        }
        return n.asText();
    }

    IOException invalid(String message) {
        return new IOException(source + ": " + message);
    }
}
