package dev.decaf.train.recipe;

import dev.decaf.train.recipe.YamlTree.Entry;
import dev.decaf.train.recipe.YamlTree.YMap;
import dev.decaf.train.recipe.YamlTree.YNode;
import dev.decaf.train.recipe.YamlTree.YScalar;
import dev.decaf.train.recipe.YamlTree.YSeq;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code --set key.path=value}: grafts a value into the recipe's tree before it is read, so that
 * the override is validated like the file and its problems name it ({@code --set
 * train.stpes=3}, line 0). A missing key or section is added; a list item is addressed by index.
 */
final class Overrides {

    private Overrides() {}

    /**
     * Applies one override.
     *
     * @param root the recipe's tree (null after a syntax error: the override is then only parsed)
     * @param text {@code key.path=value}
     * @param problems receives the override's problems
     */
    static void apply(YMap root, String text, List<Problem> problems) {
        String origin = origin(text);
        int eq = text.indexOf('=');
        String path = eq < 0 ? text.strip() : text.substring(0, eq).strip();
        if (eq <= 0 || path.isEmpty()) {
            problems.add(new Problem(origin, 0, "", "expected key.path=value (e.g. train.steps=100)"));
            return;
        }
        String[] parts = path.split("\\.", -1);
        if (Arrays.stream(parts).anyMatch(String::isEmpty)) {
            problems.add(new Problem(origin, 0, path, "empty key in the key path (write key.path=value)"));
            return;
        }
        YNode value = YamlTree.parse(text.substring(eq + 1), origin, path, true, problems);
        if (value == null || root == null) {
            return;
        }
        YNode cur = root;
        String shown = "";
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (cur instanceof YMap m) {
                shown = shown.isEmpty() ? part : shown + "." + part;
                Entry e = m.entry(part);
                YNode next = last ? value : new YMap(new ArrayList<>(), origin, 0);
                if (e == null) {
                    m.entries.add(new Entry(part, origin, 0, next));
                } else if (last || (e.value instanceof YScalar s && s.isNull())) {
                    e.value = next;
                } else {
                    next = e.value;
                }
                cur = next;
            } else if (cur instanceof YSeq seq) {
                int index;
                try {
                    index = Integer.parseInt(part);
                } catch (NumberFormatException ex) {
                    index = -1;
                }
                if (index < 0 || index >= seq.items.size()) {
                    problems.add(new Problem(origin, 0, shown, "is a list of " + seq.items.size()
                            + " items; '" + part + "' is not an index from 0 to " + (seq.items.size() - 1)));
                    return;
                }
                shown = shown + "[" + index + "]";
                if (last) {
                    seq.items.set(index, value);
                }
                cur = seq.items.get(index);
            } else {
                problems.add(new Problem(origin, 0, path, "cannot set a key inside '" + shown + "': it is "
                        + cur.describe() + ", not a section"));
                return;
            }
        }
    }

    /** Returns the name an override's problems are reported under. */
    static String origin(String text) {
        return "--set " + text;
    }
}
