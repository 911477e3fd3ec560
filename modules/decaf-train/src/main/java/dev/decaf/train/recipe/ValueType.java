package dev.decaf.train.recipe;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.train.recipe.Recipe.Groups;
import dev.decaf.train.recipe.Recipe.OptimizerName;
import dev.decaf.train.recipe.Recipe.Source;
import dev.decaf.train.recipe.Schema.Section;
import dev.decaf.train.recipe.YamlTree.Kind;
import dev.decaf.train.recipe.YamlTree.YMap;
import dev.decaf.train.recipe.YamlTree.YNode;
import dev.decaf.train.recipe.YamlTree.YScalar;
import dev.decaf.train.recipe.YamlTree.YSeq;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How the values of one kind of key are read from YAML (reporting what is wrong), written back in
 * the resolved recipe and described in the key listing. {@link #of} picks the type of a key from
 * its component's Java type and its {@link Key}.
 *
 * @param name the type's name in the key listing ({@code number}, {@code path or builtin:NAME})
 * @param allowed the allowed values in the key listing ({@code > 0}, {@code adamw | adamc}), or ""
 * @param reader reads a value
 * @param writer writes a value
 * @param items the section of each list item ({@code optimizer.groups}), or null
 */
record ValueType(String name, String allowed, Reader reader, Writer writer, Section items) {

    /**
     * Reads a value from a node (not null; a null scalar only as a list item), for a key path;
     * reports a problem to the parser and returns null when the value is not valid.
     */
    interface Reader {
        Object read(YNode n, String path, RecipeParser p);
    }

    /**
     * Writes a (non-null) value for a key at an indentation level (-1: inside a flow collection):
     * a scalar or flow collection, or a block collection starting with a line break.
     */
    interface Writer {
        String write(Object v, int level);
    }

    ValueType(String name, String allowed, Reader reader, Writer writer) {
        this(name, allowed, reader, writer, null);
    }

    Object read(YNode n, String path, RecipeParser p) {
        return reader.read(n, path, p);
    }

    String write(Object v, int level) {
        return writer.write(v, level);
    }

    /**
     * Returns the type of a key.
     *
     * @param c the record component
     * @param k its declaration
     * @param path the key path
     * @return the type
     */
    static ValueType of(RecordComponent c, Key k, String path) {
        return of(c.getType(), c.getGenericType(), k, path);
    }

    private static ValueType of(Class<?> t, Type generic, Key k, String path) {
        if (t == double.class || t == Double.class) {
            return number(k.range());
        } else if (t == int.class || t == Integer.class) {
            return integer(k.range(), Integer.MIN_VALUE, Integer.MAX_VALUE);
        } else if (t == long.class || t == Long.class) {
            return integer(k.range(), Long.MIN_VALUE, Long.MAX_VALUE);
        } else if (t == boolean.class) {
            return BOOL;
        } else if (t == String.class) {
            return STRING;
        } else if (t == Path.class) {
            return new ValueType("path", "", ValueType::readPath, ValueType::writeString);
        } else if (t == Source.class) {
            return new ValueType("path or builtin:NAME", "", ValueType::readSource, ValueType::writeString);
        } else if (t == PromptTemplate.class) {
            return new ValueType("string with {prompt}", "", ValueType::readTemplate,
                    (v, level) -> writeString(((PromptTemplate) v).template(), level));
        } else if (t == OptimizerName.class) {
            return choice(OptimizerName.values(), OptimizerName::recipeName);
        } else if (t == Recipe.WeightDecay.class) {
            return new WeightDecayType(Schema.section(Recipe.WeightDecayKeys.class, path)).type();
        } else if (t == Groups.class) {
            return new GroupsType(Schema.section(Recipe.Group.class, path + "[]")).type();
        } else if (t.isEnum()) {
            return choice(Arrays.asList(t.getEnumConstants()), e -> enumName((Enum<?>) e));
        } else if (t == List.class && generic instanceof ParameterizedType pt
                && pt.getActualTypeArguments()[0] instanceof Class<?> item) {
            return list(of(item, item, k, path), k.oneOrMore(), List.of(k.items()));
        }
        throw new IllegalStateException("no recipe type for " + path + " (" + generic + ")");
    }

    /** Returns an enum constant's name in recipes: {@code prompt-completion}, {@code l2}. */
    static String enumName(Enum<?> e) {
        return e instanceof DecayRule r ? r.recipeName() : e instanceof Recipe.KeepBest k ? k.recipeName() : e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String indent(int level) {
        return "  ".repeat(level);
    }

    // ---------------------------------------------------------------- scalars

    /** {@code true} or {@code false}. */
    static final ValueType BOOL = new ValueType("boolean", "", (n, path, p) -> n instanceof YScalar sc
            && sc.kind == Kind.BOOL ? (Object) Boolean.parseBoolean(sc.text.toLowerCase(Locale.ROOT))
            : p.problem(n, path, "expected true or false, got " + n.describe()), (v, level) -> v.toString());

    /** Any scalar, as its text. */
    static final ValueType STRING = new ValueType("string", "", (n, path, p) -> n instanceof YScalar sc && !sc.isNull()
            ? sc.text : p.problem(n, path, "expected a string, got " + n.describe()), ValueType::writeString);

    private static String writeString(Object v, int level) {
        return RecipeYaml.str(v.toString(), level < 0);
    }

    /** A closed, open or half-open interval of allowed numbers, declared {@code > 0} or {@code [0, 1)}. */
    record Range(double lo, boolean loOpen, double hi, boolean hiOpen) {

        static Range parse(String spec) {
            String s = spec.strip();
            if (s.isEmpty()) {
                return new Range(Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, true);
            } else if (s.startsWith(">")) {
                boolean open = !s.startsWith(">=");
                return new Range(Double.parseDouble(s.substring(open ? 1 : 2)), open, Double.POSITIVE_INFINITY, true);
            }
            String[] ends = s.substring(1, s.length() - 1).split(",");
            return new Range(Double.parseDouble(ends[0]), s.charAt(0) == '(', Double.parseDouble(ends[1]),
                    s.charAt(s.length() - 1) == ')');
        }

        boolean contains(double x) {
            return (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi);
        }

        String message() {
            if (Double.isInfinite(hi)) {
                return (loOpen ? "> " : ">= ") + fmt(lo);
            }
            return "in " + (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + (hiOpen ? ")" : "]");
        }

        private static String fmt(double x) {
            return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
        }
    }

    /** A finite number within a range. */
    static ValueType number(String spec) {
        Range range = Range.parse(spec);
        return new ValueType("number", spec, (n, path, p) -> {
            if (!(n instanceof YScalar sc) || (sc.kind != Kind.INT && sc.kind != Kind.FLOAT)) {
                return p.problem(n, path, "expected a number, got " + n.describe());
            }
            double v;
            try {
                v = sc.kind == Kind.INT ? parseInteger(sc.text).doubleValue() : parseFloat(sc.text);
            } catch (NumberFormatException e) {
                return p.problem(n, path, "expected a number, got " + n.describe());
            }
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                return p.problem(n, path, "expected a finite number, got " + n.describe());
            } else if (!range.contains(v)) {
                return p.problem(n, path, "must be " + range.message() + ", got " + sc.text);
            }
            return v;
        }, (v, level) -> RecipeYaml.num((Double) v));
    }

    private static double parseFloat(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.endsWith(".nan")) {
            return Double.NaN;
        } else if (t.endsWith(".inf")) {
            return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(text);
    }

    /** An integer within a range and the Java type's bounds ({@code 1e4} counts as an integer). */
    static ValueType integer(String spec, long typeMin, long typeMax) {
        Range range = Range.parse(spec);
        long lo = Double.isInfinite(range.lo()) ? typeMin : (long) range.lo();
        long hi = Double.isInfinite(range.hi()) ? typeMax : (long) range.hi();
        return new ValueType("integer", spec, (n, path, p) -> {
            BigInteger v = null;
            if (n instanceof YScalar sc && sc.kind == Kind.INT) {
                v = parseInteger(sc.text);
            } else if (n instanceof YScalar sc && sc.kind == Kind.FLOAT) {
                try {
                    BigDecimal d = new BigDecimal(sc.text);
                    v = d.signum() == 0 || d.stripTrailingZeros().scale() <= 0 ? d.toBigIntegerExact() : null;
                } catch (NumberFormatException | ArithmeticException e) {
                    v = null; // .inf, .nan or a fraction
                }
            }
            if (v == null) {
                return p.problem(n, path, "expected an integer, got " + n.describe());
            }
            String text = ((YScalar) n).text;
            if (v.compareTo(BigInteger.valueOf(lo)) < 0) {
                return p.problem(n, path, "must be >= " + lo + ", got " + text);
            } else if (v.compareTo(BigInteger.valueOf(hi)) > 0) {
                return p.problem(n, path, (lo == Long.MIN_VALUE ? "must be an integer from " + lo + " to " + hi
                        : "must be <= " + hi) + ", got " + text);
            }
            return typeMax == Integer.MAX_VALUE ? (Object) v.intValueExact() : (Object) v.longValueExact();
        }, (v, level) -> v.toString());
    }

    private static BigInteger parseInteger(String text) {
        boolean negative = text.startsWith("-");
        String t = negative || text.startsWith("+") ? text.substring(1) : text;
        BigInteger v = t.startsWith("0x") ? new BigInteger(t.substring(2), 16)
                : t.startsWith("0o") ? new BigInteger(t.substring(2), 8) : new BigInteger(t);
        return negative ? v.negate() : v;
    }

    /** A prompt template; what is wrong with it is the key's problem. */
    private static Object readTemplate(YNode n, String path, RecipeParser p) {
        String text = (String) STRING.read(n, path, p);
        if (text == null) {
            return null;
        }
        try {
            return PromptTemplate.parse(text);
        } catch (IllegalArgumentException e) {
            return p.problem(n, path, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- paths

    /**
     * A path (such as {@code out}), normalized: written in the recipe file, a relative one is
     * resolved against the recipe's directory, like every other path of the file; given on the
     * command line ({@code --set}, and so {@code --out}), it stays relative to the working
     * directory, as command-line paths are.
     */
    private static Object readPath(YNode n, String path, RecipeParser p) {
        String text = (String) STRING.read(n, path, p);
        Path written = text == null ? null : toPath(n, path, text, p);
        if (written == null || written.isAbsolute() || p.baseDir() == null || !n.origin.equals(p.source())) {
            return written;
        }
        return normalize(p.baseDir().resolve(written));
    }

    private static Path toPath(YNode n, String path, String text, RecipeParser p) {
        if (text.isBlank()) {
            return p.problem(n, path, "must not be empty");
        }
        try {
            return normalize(Path.of(text));
        } catch (InvalidPathException e) {
            return p.problem(n, path, "invalid path '" + text + "': " + e.getReason());
        }
    }

    private static Path normalize(Path path) {
        Path n = path.normalize();
        return n.toString().isEmpty() ? Path.of(".") : n;
    }

    /**
     * {@code builtin:NAME}, or a path resolved against the recipe's directory (when relative and the
     * recipe has one) that must exist when files are checked.
     */
    private static Object readSource(YNode n, String path, RecipeParser p) {
        String text = (String) STRING.read(n, path, p);
        if (text == null) {
            return null;
        } else if (text.startsWith(Source.BUILTIN_PREFIX)) {
            String name = text.substring(Source.BUILTIN_PREFIX.length());
            return name.isBlank() ? p.problem(n, path, "builtin: needs a name (builtin:NAME)") : Source.ofBuiltin(name);
        }
        Path written = toPath(n, path, text, p);
        if (written == null) {
            return null;
        }
        Path base = p.baseDir();
        Path resolved = written.isAbsolute() || base == null ? written : normalize(base.resolve(written));
        if (p.checkFiles() && !Files.exists(resolved)) {
            p.problem(n, path, "no such file or directory: " + resolved + hint(Path.of(text), base));
        }
        return Source.ofPath(resolved);
    }

    /** Says how to write a path relative to the recipe when it exists only under the working directory. */
    private static String hint(Path written, Path baseDir) {
        if (written.isAbsolute() || baseDir == null || !Files.exists(written)) {
            return "";
        }
        try {
            Path relative = baseDir.toAbsolutePath().normalize().relativize(written.toAbsolutePath().normalize());
            return " (paths are relative to the recipe's directory: write " + relative + ")";
        } catch (IllegalArgumentException e) {
            return " (paths are relative to the recipe's directory)";
        }
    }

    // ---------------------------------------------------------------- choices and lists

    /** One of a list of names (case-insensitive). */
    static <T> ValueType choice(List<T> values, Function<T, String> name) {
        List<String> names = values.stream().map(name).toList();
        return new ValueType("choice", String.join(" | ", names), (n, path, p) -> choose(n, path, p, values, name, ""),
                (v, level) -> names.get(values.indexOf(v)));
    }

    /**
     * Reads one of a list of names (case-insensitive), suggesting the nearest when it is none.
     *
     * @param alternative added to the list of what is allowed in problems ({@code " or a list"})
     * @return the value, or null after a problem
     */
    static <T> T choose(YNode n, String path, RecipeParser p, List<T> values, Function<T, String> name,
            String alternative) {
        List<String> names = values.stream().map(name).toList();
        String allowed = String.join(", ", names) + alternative;
        if (!(n instanceof YScalar sc)) {
            return p.problem(n, path, "expected one of " + allowed + ", got " + n.describe());
        }
        for (T v : values) {
            if (name.apply(v).equalsIgnoreCase(sc.text)) {
                return v;
            }
        }
        String near = Suggestions.nearest(sc.text, names);
        return p.problem(n, path, "'" + sc.text + "' is not one of " + allowed
                + (near != null ? " (did you mean '" + near + "'?)" : ""));
    }

    /**
     * A list: of fixed length with named items ({@code [beta1, beta2]}), of one or more names (a
     * single one counts as a list of one), or of any length, written one item per line.
     */
    static ValueType list(ValueType item, boolean oneOrMore, List<String> items) {
        String name = !items.isEmpty() ? "[" + String.join(", ", items) + "]"
                : oneOrMore ? item.name() + " or a list" : "list of " + item.name() + "s";
        return new ValueType(name, item.allowed(), (n, path, p) -> {
            if (!items.isEmpty() && !(n instanceof YSeq seq && seq.items.size() == items.size())) {
                return p.problem(n, path, "expected a list of " + (items.size() == 2 ? "two" : items.size()) + " "
                        + item.name() + "s " + name + ", got "
                        + (n instanceof YSeq seq ? "a list of " + seq.items.size() : n.describe()));
            } else if (items.isEmpty() && !oneOrMore && !(n instanceof YSeq)) {
                return p.problem(n, path, "expected a list of " + item.name() + "s, got " + n.describe()
                        + (n instanceof YScalar sc ? " (write " + path.substring(path.lastIndexOf('.') + 1) + ": [\""
                                + sc.text + "\"])" : ""));
            }
            List<YNode> nodes = n instanceof YSeq seq ? seq.items : List.of(n);
            if (oneOrMore && (n instanceof YMap || nodes.isEmpty())) {
                return p.problem(n, path, "expected a non-empty list, got "
                        + (nodes.isEmpty() ? "an empty list" : n.describe()));
            }
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                YNode node = nodes.get(i);
                String ipath = n instanceof YSeq ? path + "[" + i + "]" : path;
                boolean text = node instanceof YScalar sc && !sc.isNull();
                values.add(text || !items.isEmpty() ? item.read(node, ipath, p)
                        : p.problem(node, ipath, "expected a string, got " + node.describe()));
            }
            return values.contains(null) ? null : values;
        }, (v, level) -> {
            List<?> list = (List<?>) v;
            if (level < 0 || oneOrMore || !items.isEmpty() || list.isEmpty()) {
                return "[" + String.join(", ", list.stream().map(x -> item.write(x, -1)).toList()) + "]";
            }
            StringBuilder sb = new StringBuilder();
            list.forEach(x -> sb.append('\n').append(indent(level + 1)).append("- ").append(item.write(x, level + 1)));
            return sb.toString();
        });
    }
}
