package dev.decaf.train.recipe;

import dev.decaf.train.recipe.Schema.Field;
import dev.decaf.train.recipe.Schema.Section;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes a resolved recipe as YAML by walking the {@link Schema}: every key in schema order, block
 * style with two-space indents, short lists and group matches in flow style, strings quoted only
 * when YAML would read them as something else. The text is canonical: equal recipes give
 * identical text (the recipe hash).
 */
final class RecipeYaml {

    private RecipeYaml() {}

    private static final Pattern PLAIN_BLOCK = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./:@+=~-]*");
    private static final Pattern PLAIN_FLOW = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./@+=~-]*");

    /** Words that YAML 1.1 readers (PyYAML, snakeyaml 1.x) take for booleans: quoted for them. */
    private static final java.util.Set<String> YAML11_WORDS = java.util.Set.of("yes", "no", "on", "off", "y", "n");

    static String write(Recipe r) {
        return write(r, false);
    }

    /**
     * Writes the recipe, or with {@code forHash} the text its hash is taken over: the same without
     * the keys declared {@code hashed = false}, and those declared {@code hashedAtDefault = false}
     * where they hold their default.
     */
    static String write(Recipe r, boolean forHash) {
        StringBuilder sb = new StringBuilder();
        block(sb, Schema.ROOT, r, 0, false, forHash);
        return sb.toString();
    }

    /**
     * Writes a section as a block mapping, one key per line, a null value as {@code null}. A list
     * item starts with {@code "- "} and keeps its sub-sections on one line, as flow mappings.
     *
     * @param sb receives the lines
     * @param s the section
     * @param r its record
     * @param level the indentation level of its keys
     * @param item whether the mapping is a list item
     * @param forHash whether to leave out the keys that are not hashed
     */
    static void block(StringBuilder sb, Section s, Record r, int level, boolean item, boolean forHash) {
        for (Field f : s.fields()) {
            Object v = f.get(r);
            if (forHash && (!f.spec().hashed() || !f.spec().hashedAtDefault() && java.util.Objects.equals(v, f.def()))) {
                continue;
            }
            sb.append(ValueType.indent(level)).append(!item ? "" : f == s.fields().get(0) ? "- " : "  ").append(f.key())
                    .append(':');
            if (f.section() != null && !item) {
                sb.append('\n');
                block(sb, f.section(), (Record) v, level + 1, false, forHash);
                continue;
            }
            String text = v == null ? "null" : f.section() != null ? flow(f.section(), (Record) v)
                    : f.type().write(v, level + (item ? 1 : 0));
            sb.append(text.startsWith("\n") ? "" : " ").append(text).append('\n');
        }
    }

    /** Writes a section as a flow mapping of the keys that are set ({@code {kind: [norm, bias]}}). */
    private static String flow(Section s, Record r) {
        List<String> parts = new ArrayList<>();
        for (Field f : s.fields()) {
            Object v = f.get(r);
            if (v != null && !(v instanceof List<?> l && l.isEmpty())) {
                parts.add(f.key() + ": " + (f.section() != null ? flow(f.section(), (Record) v) : f.type().write(v, -1)));
            }
        }
        return "{" + String.join(", ", parts) + "}";
    }

    /** Formats a double so that it reads back as the same float ({@code 3.0e-4}, {@code 0.1}). */
    static String num(double x) {
        if (x == 0) {
            return "0.0";
        }
        return Double.toString(x).replace('E', 'e');
    }

    /**
     * Writes a string plain when YAML reads it back as the same string, else double-quoted.
     *
     * @param s the string
     * @param flow whether it appears inside a flow collection
     * @return the YAML scalar
     */
    static String str(String s, boolean flow) {
        if ((flow ? PLAIN_FLOW : PLAIN_BLOCK).matcher(s).matches() && !s.endsWith(":")
                && YamlTree.plainKind(s) == YamlTree.Kind.STR && !YAML11_WORDS.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
                            || c == '\ufeff' || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
