package dev.decaf.text.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * decaf's one reader of JSON lines files (datasets, task files, token files, metrics): one JSON
 * object per line, blank lines ignored, UTF-8 checked line by line; problems name {@code
 * file:line}. The field readers report problems as {@link LineProblem}s: not valid JSON, not an
 * object, a missing field, a field of the wrong type, an id outside the vocabulary.
 */
public final class JsonLines {

    /** Receives one object of a JSON lines file. */
    @FunctionalInterface
    public interface ObjectHandler {
        /**
         * Handles one line's object.
         *
         * @param line the 1-based line number
         * @param object the line's JSON object
         * @throws LineProblem when the object lacks what the caller needs (becomes {@code file:line: problem})
         * @throws IOException to stop reading
         */
        void accept(long line, JsonNode object) throws LineProblem, IOException;
    }

    /** Strict: trailing content after the object and duplicate keys are errors. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final int MAX_DETAIL = 160;

    private JsonLines() {}

    /**
     * Reads every object of a JSON lines file, in order.
     *
     * @param file the file
     * @param handler receives each non-blank line's object
     * @throws DataException naming {@code file:line} when a line is not valid UTF-8, not valid
     *     JSON, not an object, or refused by the handler; or naming the file when it is missing
     * @throws IOException on a read error
     */
    public static void read(Path file, ObjectHandler handler) throws IOException {
        try (LineReader r = open(file)) {
            for (String line; (line = r.next()) != null; ) {
                if (blank(line)) {
                    continue;
                }
                try {
                    handler.accept(r.lineNumber(), object(line));
                } catch (LineProblem p) {
                    throw new DataException(file, r.lineNumber(), p.getMessage());
                }
            }
        }
    }

    /** Returns whether a line has nothing but white space (such lines are ignored). */
    static boolean blank(String line) {
        return line.isBlank();
    }

    /**
     * Returns the object on the first non-blank line of a JSON lines file (to tell formats apart).
     *
     * @param file the file
     * @return the object, or empty when the file has no non-blank line
     * @throws DataException naming {@code file:line} when that line is not valid UTF-8, JSON or an
     *     object, or naming the file when it is missing
     * @throws IOException on a read error
     */
    public static Optional<JsonNode> first(Path file) throws IOException {
        try (LineReader r = open(file)) {
            for (String line; (line = r.next()) != null; ) {
                if (!blank(line)) {
                    try {
                        return Optional.of(object(line));
                    } catch (LineProblem p) {
                        throw new DataException(file, r.lineNumber(), p.getMessage());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static LineReader open(Path file) throws IOException {
        try {
            return new LineReader(file, Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new DataException(file, "no such file");
        }
    }

    /**
     * Parses a line that must hold one JSON object.
     *
     * @param line the line
     * @return the object
     * @throws LineProblem when the line is not valid JSON or not an object
     */
    public static JsonNode object(String line) throws LineProblem {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new LineProblem("not valid JSON (" + detail(e) + ")");
        }
        if (node == null || !node.isObject()) {
            throw new LineProblem("expected a JSON object, got " + type(node));
        }
        return node;
    }

    /**
     * Reads a string field.
     *
     * @param object the line's object
     * @param field the field's name
     * @return its value
     * @throws LineProblem when the field is missing or not a string
     */
    public static String string(JsonNode object, String field) throws LineProblem {
        JsonNode v = object.get(field);
        if (v == null) {
            throw new LineProblem("missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new LineProblem("field '" + field + "' must be a string, got " + type(v));
        }
        return v.textValue();
    }

    /**
     * Reads an array of token ids.
     *
     * @param object the line's object
     * @param field the field's name
     * @param vocabSize ids must lie in {@code [0, vocabSize)}
     * @return the ids
     * @throws LineProblem when the field is missing, not an array, or holds a non-integer or an id
     *     outside the vocabulary
     */
    public static int[] ids(JsonNode object, String field, int vocabSize) throws LineProblem {
        JsonNode v = object.get(field);
        if (v == null) {
            throw new LineProblem("missing field '" + field + "'");
        }
        if (!v.isArray()) {
            throw new LineProblem("field '" + field + "' must be an array of token ids, got " + type(v));
        }
        int[] ids = new int[v.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber()) {
                throw new LineProblem(field + "[" + i + "] must be an integer, got " + describe(e));
            }
            if (!e.canConvertToInt() || e.intValue() < 0 || e.intValue() >= vocabSize) {
                throw new LineProblem(field + "[" + i + "] = " + e.asText()
                        + " is outside the vocabulary [0, " + vocabSize + ")");
            }
            ids[i] = e.intValue();
        }
        return ids;
    }

    /** Returns the JSON type of a node in lower case ({@code string}, {@code number}, …). */
    public static String type(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String describe(JsonNode e) {
        String text = e.isValueNode() ? e.toString() : type(e);
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    /** Jackson's reason on one line, without its location or source excerpt. */
    private static String detail(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        m = (nl >= 0 ? m.substring(0, nl) : m).strip();
        return m.length() > MAX_DETAIL ? m.substring(0, MAX_DETAIL) + "…" : m;
    }
}
