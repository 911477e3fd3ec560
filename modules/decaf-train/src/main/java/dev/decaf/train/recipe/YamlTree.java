package dev.decaf.train.recipe;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A small, mutable YAML tree that remembers where every node came from (source name and 1-based
 * line), built from snakeyaml-engine's node graph (YAML 1.2 core schema). Overrides are grafted
 * into it before validation, so every problem can name its origin.
 */
final class YamlTree {

    private YamlTree() {}

    /** The YAML 1.2 core-schema type of a scalar. */
    enum Kind {
        NULL, BOOL, INT, FLOAT, STR
    }

    /** A node with its origin. */
    abstract static sealed class YNode permits YScalar, YSeq, YMap {
        final String origin;
        final int line;

        YNode(String origin, int line) {
            this.origin = origin;
            this.line = line;
        }

        /** Describes the node's type for "expected X, got Y" messages. */
        abstract String describe();
    }

    /** A scalar: its text and core-schema kind. */
    static final class YScalar extends YNode {
        final String text;
        final Kind kind;

        YScalar(String text, Kind kind, String origin, int line) {
            super(origin, line);
            this.text = text;
            this.kind = kind;
        }

        boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        String describe() {
            return kind == Kind.NULL ? "null" : "'" + text + "'";
        }
    }

    /** A sequence. */
    static final class YSeq extends YNode {
        final List<YNode> items;

        YSeq(List<YNode> items, String origin, int line) {
            super(origin, line);
            this.items = items;
        }

        @Override
        String describe() {
            return "a list";
        }
    }

    /** A mapping with string keys, in source order. */
    static final class YMap extends YNode {
        final List<Entry> entries;

        YMap(List<Entry> entries, String origin, int line) {
            super(origin, line);
            this.entries = entries;
        }

        Entry entry(String key) {
            for (Entry e : entries) {
                if (e.key.equals(key)) {
                    return e;
                }
            }
            return null;
        }

        @Override
        String describe() {
            return "a mapping";
        }
    }

    /** A key of a mapping, where it was written, and its value. */
    static final class Entry {
        final String key;
        final String keyOrigin;
        final int keyLine;
        YNode value;

        Entry(String key, String keyOrigin, int keyLine, YNode value) {
            this.key = key;
            this.keyOrigin = keyOrigin;
            this.keyLine = keyLine;
            this.value = value;
        }
    }

    private static final int MAX_DEPTH = 64;

    /**
     * Parses YAML text into a tree; syntax errors become problems.
     *
     * @param text the text
     * @param origin the source name recorded in every node
     * @param keyPath the key path for problems (empty for a whole file)
     * @param lineZero whether to record line 0 for every node (override values)
     * @param problems receives syntax problems
     * @return the root, a null scalar for an empty document, or {@code null} after a syntax error
     */
    static YNode parse(String text, String origin, String keyPath, boolean lineZero, List<Problem> problems) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(origin)
                .setSchema(new CoreSchema())
                .setAllowRecursiveKeys(false)
                .build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
            int line = lineZero ? 0 : mark.map(m -> m.getLine() + 1).orElse(0);
            String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            problems.add(new Problem(origin, line, keyPath, (lineZero ? "cannot parse the value: " : "YAML syntax error: ")
                    + problem + context));
            return null;
        } catch (YamlEngineException e) {
            problems.add(new Problem(origin, 0, keyPath, (lineZero ? "cannot parse the value: " : "YAML syntax error: ")
                    + e.getMessage()));
            return null;
        }
        if (root.isEmpty()) {
            return new YScalar("", Kind.NULL, origin, lineZero ? 0 : 1);
        }
        return new Converter(origin, lineZero, problems).convert(root.get(), keyPath, 0);
    }

    private static final class Converter {
        private final String origin;
        private final boolean lineZero;
        private final List<Problem> problems;
        private final Map<Node, Boolean> active = new IdentityHashMap<>();

        Converter(String origin, boolean lineZero, List<Problem> problems) {
            this.origin = origin;
            this.lineZero = lineZero;
            this.problems = problems;
        }

        int line(Node n) {
            return lineZero ? 0 : n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        }

        YNode convert(Node node, String path, int depth) {
            int line = line(node);
            if (depth > MAX_DEPTH || active.containsKey(node)) {
                problems.add(new Problem(origin, line, path, "nesting too deep (a recursive alias?)"));
                return new YScalar("", Kind.NULL, origin, line);
            }
            if (node instanceof ScalarNode s) {
                return new YScalar(s.getValue(), kindOf(s, path, line), origin, line);
            }
            active.put(node, Boolean.TRUE);
            try {
                if (node instanceof SequenceNode seq) {
                    List<YNode> items = new ArrayList<>();
                    for (Node item : seq.getValue()) {
                        items.add(convert(item, path + "[" + items.size() + "]", depth + 1));
                    }
                    return new YSeq(items, origin, line);
                }
                MappingNode map = (MappingNode) node;
                List<Entry> entries = new ArrayList<>();
                YMap result = new YMap(entries, origin, line);
                for (NodeTuple t : map.getValue()) {
                    Node k = t.getKeyNode();
                    int keyLine = line(k);
                    if (!(k instanceof ScalarNode ks)) {
                        problems.add(new Problem(origin, keyLine, path, "keys must be plain names, got " + (k instanceof SequenceNode ? "a list" : "a mapping")));
                        continue;
                    }
                    String key = ks.getValue();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    Entry previous = result.entry(key);
                    if (previous != null) {
                        problems.add(new Problem(origin, keyLine, childPath, "duplicate key '" + key + "'"
                                + (previous.keyLine > 0 ? " (first at line " + previous.keyLine + ")" : "")));
                        continue;
                    }
                    entries.add(new Entry(key, origin, keyLine, convert(t.getValueNode(), childPath, depth + 1)));
                }
                return result;
            } finally {
                active.remove(node);
            }
        }

        Kind kindOf(ScalarNode s, String path, int line) {
            Tag tag = s.getTag();
            Kind kind = coreKind(tag);
            if (kind == null) {
                problems.add(new Problem(origin, line, path, "unsupported tag '" + tag.getValue() + "'"));
                return Kind.STR;
            }
            return kind;
        }
    }

    /**
     * Returns the core-schema kind that a plain scalar with this text would resolve to.
     *
     * @param text the text
     * @return the kind
     */
    static Kind plainKind(String text) {
        Kind kind = coreKind(PLAIN_RESOLVER.resolve(text, true));
        return kind == null ? Kind.STR : kind;
    }

    /** The kind of a YAML core-schema tag, or null for a tag outside it. */
    private static Kind coreKind(Tag tag) {
        if (tag.equals(Tag.NULL)) {
            return Kind.NULL;
        } else if (tag.equals(Tag.BOOL)) {
            return Kind.BOOL;
        } else if (tag.equals(Tag.INT)) {
            return Kind.INT;
        } else if (tag.equals(Tag.FLOAT)) {
            return Kind.FLOAT;
        } else if (tag.equals(Tag.STR)) {
            return Kind.STR;
        }
        return null;
    }

    private static final org.snakeyaml.engine.v2.resolver.ScalarResolver PLAIN_RESOLVER =
            new CoreSchema().getScalarResolver();
}
