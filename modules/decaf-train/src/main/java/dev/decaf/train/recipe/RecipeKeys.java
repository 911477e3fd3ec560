package dev.decaf.train.recipe;

import dev.decaf.train.recipe.Schema.Field;
import dev.decaf.train.recipe.Schema.Section;
import java.util.ArrayList;
import java.util.List;

/**
 * Every recipe key with its type, default, allowed values and meaning, generated from the schema
 * ({@code decaf recipes keys}). Keys of the items of {@code optimizer.groups} are listed as {@code
 * optimizer.groups[].KEY}.
 */
public final class RecipeKeys {

    private RecipeKeys() {}

    /**
     * One key.
     *
     * @param path the dotted key path
     * @param type {@code section}, {@code number}, {@code integer}, {@code choice}, ...
     * @param defaultValue the default as written in a resolved recipe, {@code required}, or where
     *     it is taken from; empty for a section
     * @param allowed the allowed numbers ({@code > 0}) or names ({@code adamw | adamc}), or empty
     * @param doc what the key means
     */
    public record Row(String path, String type, String defaultValue, String allowed, String doc) {}

    /**
     * Returns every key, in the order of a resolved recipe.
     *
     * @return the keys
     */
    public static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        add(Schema.ROOT, rows);
        return rows;
    }

    private static void add(Section s, List<Row> rows) {
        for (Field f : s.fields()) {
            if (f.section() != null) {
                rows.add(new Row(f.path(), "section", "", "", f.doc()));
                add(f.section(), rows);
                continue;
            }
            String def = f.required() ? "required" : !f.spec().inherit().isEmpty() ? f.spec().inherit()
                    : f.def() == null ? "null" : f.type().write(f.def(), -1);
            rows.add(new Row(f.path(), f.type().name(), def, f.type().allowed(), f.doc()));
            if (f.type().items() != null) {
                add(f.type().items(), rows);
            }
        }
    }

    /**
     * Returns the keys at or under a key path ({@code train}, {@code optimizer.groups}).
     *
     * @param prefix the key path
     * @return the keys, possibly none
     */
    public static List<Row> under(String prefix) {
        return rows().stream().filter(r -> r.path().equals(prefix) || r.path().startsWith(prefix + ".")
                || r.path().startsWith(prefix + "[]")).toList();
    }

    /**
     * Returns every key as a table with aligned columns and a header line.
     *
     * @return the lines, each ending with a line break
     */
    public static String table() {
        return table(rows());
    }

    /**
     * Returns keys as a table with aligned columns and a header line.
     *
     * @param keys the keys
     * @return the lines, each ending with a line break
     */
    public static String table(List<Row> keys) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("KEY", "TYPE", "DEFAULT", "ALLOWED", "MEANING"));
        rows.addAll(keys);
        int[] width = new int[4];
        for (Row r : rows) {
            String[] cells = {r.path(), r.type(), r.defaultValue(), r.allowed()};
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], cells[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Row r : rows) {
            String[] cells = {r.path(), r.type(), r.defaultValue(), r.allowed()};
            for (int i = 0; i < 4; i++) {
                sb.append(cells[i]).append(" ".repeat(width[i] - cells[i].length() + 2));
            }
            sb.append(r.doc()).append('\n');
        }
        return sb.toString();
    }
}
