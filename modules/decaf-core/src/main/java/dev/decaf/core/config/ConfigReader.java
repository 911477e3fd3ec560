package dev.decaf.core.config;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Typed access to the keys of a parsed {@code config.json}, with messages that name the file and
 * the key. Architectures read their config through it ({@link ModelArchitectures}).
 */
public final class ConfigReader {

    private final Map<String, Object> json;
    private final String source;

    ConfigReader(Map<String, Object> json, String source) {
        this.json = json;
        this.source = source;
    }

    /** Returns the source (a file name), for messages. */
    public String source() {
        return source;
    }

    /**
     * Returns whether a key is present and not {@code null}.
     *
     * @param key the key
     * @return whether it is set
     */
    public boolean has(String key) {
        return json.get(key) != null;
    }

    /** Returns a deep copy of the whole object, for a config to keep and write back. */
    public Map<String, Object> copy() {
        return Json.parseObject(Json.write(json));
    }

    private Object required(String key) throws IOException {
        Object n = json.get(key);
        if (n == null) {
            throw new IOException(source + ": missing key '" + key + "'");
        }
        return n;
    }

    private static boolean integral(Object n) {
        return n instanceof Long || n instanceof java.math.BigInteger;
    }

    private static String show(Object n) {
        return Json.write(n);
    }

    /**
     * Reads a required string.
     *
     * @param key the key
     * @return its value
     * @throws IOException when missing or not a string
     */
    public String string(String key) throws IOException {
        Object n = required(key);
        if (!(n instanceof String s)) {
            throw new IOException(source + ": key '" + key + "' must be a string, got " + show(n));
        }
        return s;
    }

    /**
     * Reads a required positive int.
     *
     * @param key the key
     * @return its value
     * @throws IOException when missing, not an integer or out of range
     */
    public int positiveInt(String key) throws IOException {
        Object n = required(key);
        if (!(n instanceof Long l) || l < 1 || l > Integer.MAX_VALUE) {
            throw new IOException(source + ": key '" + key + "' must be a positive integer, got " + show(n));
        }
        return l.intValue();
    }

    /**
     * Reads an optional positive int.
     *
     * @param key the key
     * @param fallback the value when absent
     * @return its value
     * @throws IOException when present but invalid
     */
    public int optPositiveInt(String key, int fallback) throws IOException {
        return has(key) ? positiveInt(key) : fallback;
    }

    /**
     * Reads an optional int; of a list of ints (some configs list several end-of-text ids), the first.
     *
     * @param key the key
     * @param fallback the value when absent
     * @return its value
     * @throws IOException when present but not an integer
     */
    public int optInt(String key, int fallback) throws IOException {
        Object n = json.get(key);
        if (n == null) {
            return fallback;
        }
        if (n instanceof List<?> l && !l.isEmpty() && integral(l.get(0))) {
            return ((Number) l.get(0)).intValue();
        }
        if (!integral(n)) {
            throw new IOException(source + ": key '" + key + "' must be an integer, got " + show(n));
        }
        return ((Number) n).intValue();
    }

    /**
     * Reads an optional positive number.
     *
     * @param key the key
     * @param fallback the value when absent
     * @return its value
     * @throws IOException when present but not a positive number
     */
    public double optPositiveDouble(String key, double fallback) throws IOException {
        Object n = json.get(key);
        if (n == null) {
            return fallback;
        }
        if (!(n instanceof Number x) || !(x.doubleValue() > 0)) {
            throw new IOException(source + ": key '" + key + "' must be a positive number, got " + show(n));
        }
        return x.doubleValue();
    }

    /**
     * Reads an optional probability in [0, 1).
     *
     * @param key the key
     * @param fallback the value when absent
     * @return its value
     * @throws IOException when present but out of range
     */
    public double optProbability(String key, double fallback) throws IOException {
        Object n = json.get(key);
        if (n == null) {
            return fallback;
        }
        if (!(n instanceof Number x) || x.doubleValue() < 0 || x.doubleValue() >= 1) {
            throw new IOException(source + ": key '" + key + "' must be a probability in [0, 1), got " + show(n));
        }
        return x.doubleValue();
    }

    /**
     * Reads an optional boolean.
     *
     * @param key the key
     * @param fallback the value when absent
     * @return its value
     * @throws IOException when present but not a boolean
     */
    public boolean optBoolean(String key, boolean fallback) throws IOException {
        Object n = json.get(key);
        if (n == null) {
            return fallback;
        }
        if (!(n instanceof Boolean b)) {
            throw new IOException(source + ": key '" + key + "' must be true or false, got " + show(n));
        }
        return b;
    }

    /**
     * Reads an optional string.
     *
     * @param key the key
     * @param fallback the value when absent
     * @return its value
     * @throws IOException when present but not a string
     */
    public String optString(String key, String fallback) throws IOException {
        Object n = json.get(key);
        if (n == null) {
            return fallback;
        }
        if (!(n instanceof String s)) {
            throw new IOException(source + ": key '" + key + "' must be a string, got " + show(n));
        }
        return s;
    }

    /**
     * Returns an error about this config.
     *
     * @param message what is wrong
     * @return the exception, its message prefixed with the source
     */
    public IOException invalid(String message) {
        return new IOException(source + ": " + message);
    }
}
