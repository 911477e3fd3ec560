package dev.decaf.core.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON decaf-core's own formats need (safetensors headers, {@code config.json}, the
 * optimizer-state file), without a third-party dependency: a strict RFC 8259 reader and a writer.
 *
 * <p>Values are plain Java objects: an object is a {@code LinkedHashMap<String, Object>} (keys in
 * file order; a repeated key is an error), an array a {@code List<Object>}, a number a {@link Long}
 * when it is an integer that fits, a {@link BigInteger} when it is a larger integer, otherwise a
 * {@link Double}; then {@link String}, {@link Boolean} and {@code null}. The writer also takes
 * {@link Integer}, {@link Float}, {@code long[]}, {@code int[]}, {@code double[]} and any {@link
 * Collection}.
 *
 * <p>Output matches what Jackson's {@code ObjectMapper} writes for the same tree, compact and with
 * its default pretty printer ({@code "key" : value}, arrays on one line as {@code [ 1, 2 ]}), so files
 * decaf wrote before keep their bytes. Non-finite numbers are not JSON and are refused.
 */
public final class Json {

    private Json() {}

    /**
     * Parses a JSON text.
     *
     * @param text the text
     * @return the value (see the class comment for the types)
     * @throws IllegalArgumentException when the text is not valid JSON, naming line and column
     */
    public static Object parse(String text) {
        return new Reader(text).document();
    }

    /**
     * Parses a JSON text that must be an object.
     *
     * @param text the text
     * @return the object, keys in file order
     * @throws IllegalArgumentException when the text is not valid JSON or not an object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return (Map<String, Object>) v;
    }

    /**
     * Writes a value compactly ({@code {"a":1,"b":[1,2]}}).
     *
     * @param value the value
     * @return the JSON text
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(out, false).value(value, 0);
        return out.toString();
    }

    /**
     * Writes a value indented by two spaces per object level, arrays on one line.
     *
     * @param value the value
     * @return the JSON text (no trailing newline)
     */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(out, true).value(value, 0);
        return out.toString();
    }

    /** A recursive-descent reader over the text. */
    private static final class Reader {
        private static final int MAX_DEPTH = 512;
        private final String s;
        private int i;
        private int depth;

        Reader(String s) {
            this.s = s;
        }

        Object document() {
            skipSpace();
            Object v = value();
            skipSpace();
            if (i < s.length()) {
                throw error("unexpected '" + s.charAt(i) + "' after the value");
            }
            return v;
        }

        private Object value() {
            if (i >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(i);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Map<String, Object> object() {
            enter();
            i++;
            Map<String, Object> map = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                i++;
                depth--;
                return map;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a key in double quotes");
                }
                int at = i;
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                if (map.containsKey(key)) {
                    i = at;
                    throw error("duplicate key '" + key + "'");
                }
                map.put(key, value());
                skipSpace();
                char c = next("',' or '}'");
                if (c == '}') {
                    depth--;
                    return map;
                }
                if (c != ',') {
                    i--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array() {
            enter();
            i++;
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                i++;
                depth--;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value());
                skipSpace();
                char c = next("',' or ']'");
                if (c == ']') {
                    depth--;
                    return list;
                }
                if (c != ',') {
                    i--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            i++;
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next("a closing '\"'");
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    i--;
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next("an escape");
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("unexpected end of input in \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                    }
                    default -> {
                        i--;
                        throw error("bad escape '\\" + e + "'");
                    }
                }
            }
        }

        private Object number() {
            int start = i;
            if (peek() == '-') {
                i++;
            }
            if (peek() == '0') {
                i++;
            } else if (!digits()) {
                throw error("bad number");
            }
            boolean integral = true;
            if (peek() == '.') {
                i++;
                integral = false;
                if (!digits()) {
                    throw error("bad number: digits expected after '.'");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                i++;
                integral = false;
                if (peek() == '+' || peek() == '-') {
                    i++;
                }
                if (!digits()) {
                    throw error("bad number: digits expected in the exponent");
                }
            }
            String t = s.substring(start, i);
            if (!integral) {
                return Double.parseDouble(t);
            }
            BigInteger big = new BigInteger(t);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }

        private boolean digits() {
            int start = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            return i > start;
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, i)) {
                throw error("unexpected '" + s.charAt(i) + "'");
            }
            i += word.length();
            return value;
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw error("nested more than " + MAX_DEPTH + " levels");
            }
        }

        private void skipSpace() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                i++;
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private char next(String expected) {
            if (i >= s.length()) {
                throw error("unexpected end of input, expected " + expected);
            }
            return s.charAt(i++);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private IllegalArgumentException error(String message) {
            int line = 1;
            int column = 1;
            for (int k = 0; k < Math.min(i, s.length()); k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return new IllegalArgumentException(message + " at line " + line + ", column " + column);
        }
    }

    /** Writes compactly, or in the layout of Jackson's default pretty printer. */
    private static final class Writer {
        private final StringBuilder out;
        private final boolean pretty;

        Writer(StringBuilder out, boolean pretty) {
            this.out = out;
            this.pretty = pretty;
        }

        void value(Object v, int level) {
            if (v == null) {
                out.append("null");
            } else if (v instanceof String str) {
                string(str);
            } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof Short
                    || v instanceof Byte || v instanceof BigInteger) {
                out.append(v);
            } else if (v instanceof Double d) {
                finite(d);
                out.append(d.doubleValue());
            } else if (v instanceof Float f) {
                finite(f);
                out.append(f.floatValue());
            } else if (v instanceof Map<?, ?> map) {
                object(map, level);
            } else if (v instanceof Collection<?> c) {
                array(c, level);
            } else if (v instanceof long[] a) {
                List<Object> l = new ArrayList<>(a.length);
                for (long x : a) {
                    l.add(x);
                }
                array(l, level);
            } else if (v instanceof int[] a) {
                List<Object> l = new ArrayList<>(a.length);
                for (int x : a) {
                    l.add(x);
                }
                array(l, level);
            } else if (v instanceof double[] a) {
                List<Object> l = new ArrayList<>(a.length);
                for (double x : a) {
                    l.add(x);
                }
                array(l, level);
            } else {
                throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
            }
        }

        private static void finite(double d) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON has no " + d + ": refusing to write a non-finite number");
            }
        }

        private void object(Map<?, ?> map, int level) {
            if (map.isEmpty()) {
                out.append(pretty ? "{ }" : "{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys are strings, got " + e.getKey());
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(level + 1);
                string(key);
                out.append(pretty ? " : " : ":");
                value(e.getValue(), level + 1);
            }
            newline(level);
            out.append('}');
        }

        private void array(Collection<?> c, int level) {
            if (c.isEmpty()) {
                out.append(pretty ? "[ ]" : "[]");
                return;
            }
            out.append(pretty ? "[ " : "[");
            boolean first = true;
            for (Object x : c) {
                if (!first) {
                    out.append(pretty ? ", " : ",");
                }
                first = false;
                value(x, level); // arrays stay on one line: nested objects indent from the enclosing object
            }
            out.append(pretty ? " ]" : "]");
        }

        private void newline(int level) {
            if (pretty) {
                out.append('\n');
                out.append("  ".repeat(level));
            }
        }

        private void string(String s) {
            out.append('"');
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
