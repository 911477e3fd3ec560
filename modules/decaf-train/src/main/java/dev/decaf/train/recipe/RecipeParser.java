package dev.decaf.train.recipe;

import dev.decaf.train.recipe.Schema.Field;
import dev.decaf.train.recipe.Schema.Section;
import dev.decaf.train.recipe.YamlTree.Entry;
import dev.decaf.train.recipe.YamlTree.YMap;
import dev.decaf.train.recipe.YamlTree.YNode;
import dev.decaf.train.recipe.YamlTree.YScalar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns recipe text plus overrides into a {@link Recipe} by walking the {@link Schema}, collecting
 * every problem on the way; the rules that tie keys together are in {@link Rules}.
 */
final class RecipeParser {

    private final String source;
    private final Path baseDir;
    private final boolean checkFiles;
    private final List<Problem> problems;
    private final List<String> overrideOrigins = new ArrayList<>();
    /** The values read, by key path ({@code train.steps}); null after a problem. */
    private final Map<String, Object> values = new HashMap<>();
    /** The sections read, by key path. */
    private final Map<String, Mapping> sections = new HashMap<>();

    RecipeParser(String source, Path baseDir, boolean checkFiles) {
        this(source, baseDir, checkFiles, new ArrayList<>());
    }

    RecipeParser(String source, Path baseDir, boolean checkFiles, List<Problem> problems) {
        this.source = source;
        this.baseDir = baseDir;
        this.checkFiles = checkFiles;
        this.problems = problems;
    }

    Recipe parse(String text, List<String> overrides) {
        YNode root = YamlTree.parse(text, source, "", false, problems);
        YMap map = null;
        if (root instanceof YMap m) {
            map = m;
        } else if (root instanceof YScalar s && s.isNull()) {
            map = new YMap(new ArrayList<>(), source, 0);
        } else if (root != null) {
            problem(root, "", "a recipe is a mapping of keys (model:, data:, optimizer:, train:, out:, ...), got "
                    + root.describe());
        }
        for (String o : overrides) {
            overrideOrigins.add(Overrides.origin(o));
            Overrides.apply(map, o, problems);
        }
        if (map != null) {
            section(Schema.ROOT, open(map, "", source, 0, Schema.ROOT));
        }
        if (!problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt((Problem p) -> rank(p.file()))
                    .thenComparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()));
            throw new RecipeException(sorted);
        }
        return (Recipe) build(Schema.ROOT);
    }

    /** The file's problems first, then each override's in order. */
    private int rank(String origin) {
        if (origin.equals(source)) {
            return 0;
        }
        int i = overrideOrigins.indexOf(origin);
        return i < 0 ? Integer.MAX_VALUE : i + 1;
    }

    private Record build(Section s) {
        return s.build(s.fields().stream().map(f -> f.section() != null ? build(f.section()) : values.get(f.path()))
                .toList());
    }

    // ---------------------------------------------------------------- sections

    /** A mapping being read as a section, with where it was introduced (for problems about absent keys). */
    static final class Mapping {
        final YMap map;
        final String path;
        final String origin;
        final int line;
        /** Whether the section had the wrong type (its absent keys are then not reported). */
        boolean broken;

        Mapping(YMap map, String path, String origin, int line) {
            this.map = map;
            this.path = path;
            this.origin = origin;
            this.line = line;
        }

        /** Returns the value of a key, or null when it is absent or null. */
        YNode node(String key) {
            Entry e = map.entry(key);
            return e == null || (e.value instanceof YScalar s && s.isNull()) ? null : e.value;
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    /** Starts reading a mapping as a section: reports its unknown keys. */
    Mapping open(YMap map, String path, String origin, int line, Section s) {
        for (Entry e : map.entries) {
            if (s.field(e.key) == null) {
                problems.add(new Problem(e.keyOrigin, e.keyLine, path.isEmpty() ? e.key : path + "." + e.key,
                        Suggestions.unknownKey(e.key, s)));
            }
        }
        return new Mapping(map, path, origin, line);
    }

    /** Reads a section's keys (and sub-sections), in schema order, running each key's rules after it. */
    private void section(Section s, Mapping m) {
        sections.put(m.path, m);
        for (Field f : s.fields()) {
            if (f.section() != null) {
                section(f.section(), child(m, f));
            } else {
                if (f.required() && m.node(f.key()) == null && !m.broken) {
                    problems.add(new Problem(m.origin, m.line, m.path(f.key()), "required: " + f.doc()));
                }
                values.put(f.path(), read(f, m, f.def()));
            }
            Rules.after(f.path(), this);
        }
    }

    private Mapping child(Mapping parent, Field f) {
        Entry e = parent.map.entry(f.key());
        String path = parent.path(f.key());
        if (e != null && e.value instanceof YMap m) {
            return open(m, path, e.keyOrigin, e.keyLine, f.section());
        }
        boolean isNull = e == null || (e.value instanceof YScalar s && s.isNull());
        if (!isNull) {
            problem(e.value, path, "expected a section (a mapping with keys " + String.join(", ", f.section().keys())
                    + "), got " + e.value.describe());
        }
        Mapping result = e == null ? new Mapping(new YMap(new ArrayList<>(), parent.origin, 0), path, source, 0)
                : new Mapping(new YMap(new ArrayList<>(), parent.origin, 0), path, e.keyOrigin, e.keyLine);
        result.broken = !isNull;
        return result;
    }

    /**
     * Reads one key of a section.
     *
     * @param f the key
     * @param m the section
     * @param def the value when the key is absent or null
     * @return the value, or null after a problem
     */
    Object read(Field f, Mapping m, Object def) {
        YNode n = m.node(f.key());
        return n == null ? def : f.type().read(n, m.path(f.key()), this);
    }

    // ---------------------------------------------------------------- for types and rules

    /** Reports a problem at a node; returns null, for {@code return p.problem(...)}. */
    <T> T problem(YNode n, String keyPath, String message) {
        problems.add(new Problem(n.origin, n.line, keyPath, message));
        return null;
    }

    /** Reports a problem. */
    void problem(Problem p) {
        problems.add(p);
    }

    int problemCount() {
        return problems.size();
    }

    /** Returns the recipe's source name (problems elsewhere name an override). */
    String source() {
        return source;
    }

    Path baseDir() {
        return baseDir;
    }

    boolean checkFiles() {
        return checkFiles;
    }

    /**
     * Returns the value read for a key path ({@code train.steps}): the default when absent, null
     * after a problem.
     *
     * @throws IllegalStateException when the key has not been read (not a key, or read later)
     */
    Object value(String keyPath) {
        if (!values.containsKey(keyPath)) {
            throw new IllegalStateException("recipe key " + keyPath + " has not been read");
        }
        return values.get(keyPath);
    }

    /** Replaces the value of a key path (a default that depends on other keys). */
    void set(String keyPath, Object value) {
        values.put(keyPath, value);
    }

    /** Returns the section read at a key path ({@code ""} for the top). */
    Mapping section(String keyPath) {
        return sections.get(keyPath);
    }

    /** Returns the node given for a key path, or null when it is absent or null. */
    YNode node(String keyPath) {
        int dot = keyPath.lastIndexOf('.');
        return section(dot < 0 ? "" : keyPath.substring(0, dot)).node(keyPath.substring(dot + 1));
    }
}
