package dev.decaf.text.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Python's {@code json.dumps} layout, which chat templates' {@code tojson} filter produces in
 * transformers ({@code json.dumps(x, ensure_ascii=False, indent=indent, sort_keys=sort_keys)}):
 * {@code ", "} between items and {@code ": "} after keys on one line; with an indent, one item a
 * line and {@code ","} between items. Strings escape {@code "}, <code>&#92;</code>, and the control
 * characters below U+0020 (<code>&#92;n &#92;r &#92;t &#92;b &#92;f</code>, else <code>&#92;u00XX</code>); with {@code
 * ensureAscii}, every character above U+007F as <code>&#92;uXXXX</code> (UTF-16 units, as Python does).
 * Floats print as Java's {@link Double#toString}, which differs from Python's {@code repr} for
 * exponents (chat data is strings, so this does not arise from messages).
 */
final class PythonJson {

    private PythonJson() {}

    /**
     * Serializes a value.
     *
     * @param value maps, collections, strings, numbers, booleans and null
     * @param indent spaces per level, or null for one line
     * @param sortKeys whether object keys are sorted (else in the map's order)
     * @param ensureAscii whether non-ASCII characters are escaped
     * @return the JSON text
     * @throws IllegalArgumentException for a value JSON cannot hold
     */
    static String dumps(Object value, Integer indent, boolean sortKeys, boolean ensureAscii) {
        StringBuilder b = new StringBuilder();
        write(b, value, indent, sortKeys, ensureAscii, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, Integer indent, boolean sortKeys, boolean ascii, int level) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean || v instanceof Number) {
            b.append(v);
        } else if (v instanceof CharSequence s) {
            string(b, s.toString(), ascii);
        } else if (v instanceof Map<?, ?> m) {
            Map<?, ?> entries = sortKeys ? new TreeMap<>(m) : m;
            List<Object> keys = new ArrayList<>(entries.keySet());
            container(b, '{', '}', keys.size(), indent, level, i -> {
                Object k = keys.get(i);
                string(b, String.valueOf(k), ascii);
                b.append(": ");
                write(b, entries.get(k), indent, sortKeys, ascii, level + 1);
            });
        } else if (v instanceof Collection<?> c) {
            List<?> items = new ArrayList<>(c);
            container(b, '[', ']', items.size(), indent, level,
                    i -> write(b, items.get(i), indent, sortKeys, ascii, level + 1));
        } else {
            throw new IllegalArgumentException("tojson: a " + v.getClass().getSimpleName() + " is not JSON serializable");
        }
    }

    private interface Item {
        void write(int i);
    }

    private static void container(StringBuilder b, char open, char close, int n, Integer indent, int level, Item item) {
        b.append(open);
        if (n == 0) {
            b.append(close);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(indent == null ? ", " : ",");
            }
            newline(b, indent, level + 1);
            item.write(i);
        }
        newline(b, indent, level);
        b.append(close);
    }

    private static void newline(StringBuilder b, Integer indent, int level) {
        if (indent != null) {
            b.append('\n').append(" ".repeat(indent * level));
        }
    }

    private static void string(StringBuilder b, String s, boolean ascii) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || (ascii && c > 0x7e)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
