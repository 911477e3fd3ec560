package dev.decaf.sweep.plan;

import dev.decaf.train.recipe.Problem;
import dev.decaf.train.recipe.RecipeKeys;
import dev.decaf.train.recipe.Suggestions;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A sweep file: a base recipe and a grid of recipe keys to lists of values. Trials are the
 * product of the axes.
 *
 * <pre>
 * name: wd-vs-data                     # optional: the file's name
 * base: ../recipes/tiny.yaml           # the recipe every trial starts from (relative to this file)
 * grid:
 *   optimizer.weight_decay: [0.0, 0.01, {rule: ema, tau_epoch: 0.5}]
 *   data.fraction: [0.25, 0.5, 1.0]
 * seeds: [0, 1]                        # optional: train.seed, the innermost axis
 * set: [train.steps=300]               # optional: overrides for every trial (as --set)
 * workers: auto                        # optional: trials at a time (auto: one per core, or per GPU)
 * threads: 1                           # optional: compute threads per trial
 * out: ../runs/sweeps/wd-vs-data       # where trials and results go (relative to this file)
 * </pre>
 *
 * Every problem is reported before any trial starts, one line each naming the key.
 *
 * @param source the sweep file
 * @param name the sweep's name
 * @param base the base recipe (absolute)
 * @param axes the grid, in file order, {@link Axis#SEED} last when {@code seeds:} is given
 * @param workers trials at a time, or null for automatic
 * @param threads compute threads per trial (≥ 1)
 * @param sets overrides for every trial (the file's {@code set:}, then the command line's)
 * @param out the output directory (absolute)
 */
public record SweepFile(Path source, String name, Path base, List<Axis> axes, Integer workers, int threads,
        List<String> sets, Path out) {

    /** The keys a sweep file may have. */
    public static final List<String> KEYS = List.of("name", "base", "grid", "seeds", "set", "workers", "threads", "out");

    /** Recipe keys that cannot be grid axes, and why. */
    private static final java.util.Map<String, String> NOT_AXES = java.util.Map.of(
            "out", "every trial writes to its own directory under the sweep's out",
            "train.seed", "list seeds under seeds:, which summaries average over",
            "train.threads", "threads change speed, not results: set threads: for the whole sweep");

    /** Checks and copies. */
    public SweepFile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(out, "out");
        axes = List.copyOf(axes);
        sets = List.copyOf(sets);
    }

    /** Returns the axis key paths, in order. */
    public List<String> axisKeys() {
        return axes.stream().map(Axis::key).toList();
    }

    /**
     * Reads and checks a sweep file.
     *
     * @param file the file
     * @param extraSets {@code --set} overrides from the command line (applied to every trial)
     * @return the sweep
     * @throws SweepException with every problem
     */
    public static SweepFile read(Path file, List<String> extraSets) {
        String name = file.toString();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new SweepException(List.of(new Problem(name, 0, "", "no such file or directory")));
        } catch (CharacterCodingException e) {
            throw new SweepException(List.of(new Problem(name, 0, "", "not UTF-8 text")));
        } catch (IOException e) {
            throw new SweepException(List.of(new Problem(name, 0, "", "cannot read: " + e.getMessage())));
        }
        return new Reader(name, file.toAbsolutePath().getParent()).read(text, extraSets, file.toAbsolutePath());
    }

    /** The reader: one pass over the YAML nodes, collecting problems. */
    private static final class Reader {
        private final String origin;
        private final Path dir;
        private final List<Problem> problems = new ArrayList<>();

        Reader(String origin, Path dir) {
            this.origin = origin;
            this.dir = dir;
        }

        SweepFile read(String text, List<String> extraSets, Path source) {
            LoadSettings settings = LoadSettings.builder().setLabel(origin).setSchema(new CoreSchema())
                    .setAllowRecursiveKeys(false).build();
            Optional<Node> root;
            try {
                root = new Compose(settings).composeString(text);
            } catch (MarkedYamlEngineException e) {
                int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
                throw new SweepException(List.of(new Problem(origin, line, "", "YAML syntax error: "
                        + (e.getProblem() == null ? "invalid YAML" : e.getProblem()))));
            } catch (YamlEngineException e) {
                throw new SweepException(List.of(new Problem(origin, 0, "", "YAML syntax error: " + e.getMessage())));
            }
            if (root.isEmpty() || !(root.get() instanceof MappingNode top)) {
                throw new SweepException(List.of(new Problem(origin, root.map(Reader::line).orElse(0), "",
                        "a sweep file is a map with base:, grid: and out:")));
            }
            String sweepName = null;
            Path base = null;
            Path out = null;
            List<Axis> axes = new ArrayList<>();
            List<String> seeds = null;
            int seedsLine = 0;
            Integer workers = null;
            int threads = 1;
            List<String> sets = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            int gridLine = 0;
            boolean gridSeen = false;
            for (NodeTuple t : top.getValue()) {
                String key = scalar(t.getKeyNode());
                Node v = t.getValueNode();
                if (key == null) {
                    problems.add(new Problem(origin, line(t.getKeyNode()), "", "keys are plain words"));
                    continue;
                }
                if (!seen.add(key)) {
                    problems.add(new Problem(origin, line(t.getKeyNode()), key, "given twice"));
                    continue;
                }
                switch (key) {
                    case "name" -> sweepName = text(v, key);
                    case "base" -> base = path(v, key, true);
                    case "out" -> out = path(v, key, false);
                    case "grid" -> {
                        gridSeen = true;
                        gridLine = line(t.getKeyNode());
                        axes.addAll(grid(v));
                    }
                    case "seeds" -> {
                        seedsLine = line(v);
                        seeds = seeds(v);
                    }
                    case "set" -> sets.addAll(list(v, key));
                    case "workers" -> workers = workers(v);
                    case "threads" -> threads = positiveInt(v, key, 1);
                    default -> {
                        String near = Suggestions.nearest(key, KEYS);
                        problems.add(new Problem(origin, line(t.getKeyNode()), key, "unknown key"
                                + (near != null ? " (did you mean '" + near + "'?)" : " (keys: " + String.join(", ", KEYS) + ")")));
                    }
                }
            }
            if (base == null && !seen.contains("base")) {
                problems.add(new Problem(origin, 0, "base", "required: the recipe every trial starts from"));
            }
            if (out == null && !seen.contains("out")) {
                problems.add(new Problem(origin, 0, "out", "required: where trials and results go"));
            }
            if (!gridSeen) {
                problems.add(new Problem(origin, 0, "grid", "required: recipe keys and the values each takes"));
            }
            sets.addAll(extraSets);
            for (String s : sets) {
                String k = s.contains("=") ? s.substring(0, s.indexOf('=')).strip() : s.strip();
                for (Axis a : axes) {
                    if (a.key().equals(k)) {
                        problems.add(new Problem(origin, gridLine, "grid." + k, "also fixed by set " + s
                                + ": a key is either an axis or set"));
                    }
                }
                if (k.equals("out")) {
                    problems.add(new Problem(origin, 0, "set", "out=... cannot be set: each trial writes under the sweep's out"));
                }
            }
            if (seeds != null) {
                axes.add(new Axis(Axis.SEED, seeds));
            }
            if (axes.isEmpty() && gridSeen && problems.isEmpty()) {
                problems.add(new Problem(origin, gridLine, "grid", "is empty: give at least one key and its values"));
            }
            if (!problems.isEmpty()) {
                throw new SweepException(problems);
            }
            if (sweepName == null) {
                String f = source.getFileName().toString();
                sweepName = f.replaceFirst("\\.ya?ml$", "");
            }
            return new SweepFile(source, sweepName, base, axes, workers, threads, sets, out);
        }

        private List<Axis> grid(Node v) {
            List<Axis> axes = new ArrayList<>();
            if (!(v instanceof MappingNode m)) {
                problems.add(new Problem(origin, line(v), "grid", "must map recipe keys to lists of values"));
                return axes;
            }
            Set<String> known = axisKeys();
            for (NodeTuple t : m.getValue()) {
                String key = scalar(t.getKeyNode());
                String path = "grid." + key;
                int line = line(t.getKeyNode());
                if (key == null) {
                    problems.add(new Problem(origin, line, "grid", "keys are recipe key paths"));
                    continue;
                }
                if (NOT_AXES.containsKey(key)) {
                    problems.add(new Problem(origin, line, path, "cannot be an axis: " + NOT_AXES.get(key)));
                    continue;
                }
                if (!known.contains(key)) {
                    String near = Suggestions.nearest(key, known);
                    problems.add(new Problem(origin, line, path, "not a recipe key"
                            + (near != null ? " (did you mean '" + near + "'?)" : " (decaf recipes keys lists them)")));
                    continue;
                }
                if (!(t.getValueNode() instanceof SequenceNode seq)) {
                    problems.add(new Problem(origin, line, path, "must be a list of values, e.g. [0.0, 0.1]"));
                    continue;
                }
                if (seq.getValue().isEmpty()) {
                    problems.add(new Problem(origin, line, path, "is empty: an axis needs at least one value"));
                    continue;
                }
                List<String> values = new ArrayList<>();
                Set<String> distinct = new LinkedHashSet<>();
                for (Node item : seq.getValue()) {
                    String flow = flow(item);
                    if (!distinct.add(flow)) {
                        problems.add(new Problem(origin, line(item), path, "lists " + flow
                                + " twice: two trials would be the same"));
                    }
                    values.add(flow);
                }
                axes.add(new Axis(key, values));
            }
            return axes;
        }

        /** The recipe keys a grid may vary: every leaf key outside group lists. */
        private static Set<String> axisKeys() {
            Set<String> keys = new LinkedHashSet<>();
            for (RecipeKeys.Row r : RecipeKeys.rows()) {
                if (!r.type().equals("section") && !r.path().contains("[]")) {
                    keys.add(r.path());
                }
            }
            return keys;
        }

        private List<String> seeds(Node v) {
            List<String> seeds = new ArrayList<>();
            if (!(v instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
                problems.add(new Problem(origin, line(v), "seeds", "must be a non-empty list of integers, e.g. [0, 1]"));
                return null;
            }
            Set<Long> distinct = new HashSet<>();
            for (Node item : seq.getValue()) {
                String s = scalar(item);
                try {
                    long seed = Long.parseLong(s == null ? "" : s.strip());
                    if (!distinct.add(seed)) {
                        problems.add(new Problem(origin, line(item), "seeds", "lists " + seed + " twice"));
                    }
                    seeds.add(Long.toString(seed));
                } catch (NumberFormatException e) {
                    problems.add(new Problem(origin, line(item), "seeds", "must be integers, got " + flow(item)));
                }
            }
            return seeds;
        }

        private Integer workers(Node v) {
            String s = scalar(v);
            if ("auto".equals(s)) {
                return null;
            }
            return positiveInt(v, "workers", null);
        }

        private Integer positiveInt(Node v, String key, Integer fallback) {
            String s = scalar(v);
            try {
                int n = Integer.parseInt(s == null ? "" : s.strip());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(new Problem(origin, line(v), key, "must be an integer >= 1" + (key.equals("workers")
                    ? " or auto" : "") + ", got " + flow(v)));
            return fallback;
        }

        private String text(Node v, String key) {
            String s = scalar(v);
            if (s == null || s.isBlank()) {
                problems.add(new Problem(origin, line(v), key, "must be a non-empty string"));
            }
            return s;
        }

        private Path path(Node v, String key, boolean mustExist) {
            String s = text(v, key);
            if (s == null || s.isBlank()) {
                return null;
            }
            Path p = dir.resolve(s).normalize();
            if (mustExist && !Files.isRegularFile(p)) {
                problems.add(new Problem(origin, line(v), key, "no such file: " + s + " (relative to the sweep file)"));
                return null;
            }
            return p;
        }

        private List<String> list(Node v, String key) {
            List<String> items = new ArrayList<>();
            if (v instanceof ScalarNode) {
                items.add(scalar(v));
            } else if (v instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    String s = scalar(item);
                    if (s == null || !s.contains("=")) {
                        problems.add(new Problem(origin, line(item), key, "items are key.path=value, got " + flow(item)));
                    } else {
                        items.add(s);
                    }
                }
            } else {
                problems.add(new Problem(origin, line(v), key, "must be a list of key.path=value"));
            }
            return items;
        }

        private static String scalar(Node n) {
            return n instanceof ScalarNode s ? s.getValue() : null;
        }

        private static int line(Node n) {
            return n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        }
    }

    /**
     * Writes a YAML node back as flow text: scalars as written (quoted when YAML would read them
     * otherwise), maps as {@code {k: v}}, lists as {@code [a, b]}.
     */
    static String flow(Node n) {
        if (n instanceof ScalarNode s) {
            String v = s.getValue();
            boolean plain = s.getScalarStyle() == org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN;
            return plain ? v : "'" + v.replace("'", "''") + "'";
        }
        if (n instanceof SequenceNode seq) {
            StringBuilder sb = new StringBuilder("[");
            for (Node item : seq.getValue()) {
                sb.append(sb.length() > 1 ? ", " : "").append(flow(item));
            }
            return sb.append(']').toString();
        }
        MappingNode m = (MappingNode) n;
        StringBuilder sb = new StringBuilder("{");
        for (NodeTuple t : m.getValue()) {
            sb.append(sb.length() > 1 ? ", " : "").append(flow(t.getKeyNode())).append(": ").append(flow(t.getValueNode()));
        }
        return sb.append('}').toString();
    }

}
