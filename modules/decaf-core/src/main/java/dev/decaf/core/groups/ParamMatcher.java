package dev.decaf.core.groups;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A predicate over parameters that can describe itself (for group tables and error messages).
 * Compose with {@link #or} and {@link #and}.
 */
public final class ParamMatcher {

    private final Predicate<ParamInfo> predicate;
    private final String description;
    private final List<String> nameParts;

    private ParamMatcher(Predicate<ParamInfo> predicate, String description) {
        this(predicate, description, List.of());
    }

    private ParamMatcher(Predicate<ParamInfo> predicate, String description, List<String> nameParts) {
        this.predicate = predicate;
        this.description = description;
        this.nameParts = List.copyOf(nameParts);
    }

    /**
     * Returns the literal pieces of parameter names this matcher asks for (the text of a glob or
     * regex between its wildcards, or the names themselves), for suggesting close names when it
     * matches nothing; empty for matchers on kind or rank, and for negations.
     *
     * @return the pieces, without duplicates
     */
    List<String> nameParts() {
        return nameParts;
    }

    private static List<String> pieces(String text, String separators) {
        return Arrays.stream(text.split(separators))
                .map(s -> s.replaceAll("^[._]+|[._]+$", ""))
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }

    /**
     * Tests a parameter.
     *
     * @param p the parameter
     * @return whether it matches
     */
    public boolean matches(ParamInfo p) {
        return predicate.test(p);
    }

    /** Matches every parameter. */
    public static ParamMatcher all() {
        return new ParamMatcher(p -> true, "all");
    }

    /**
     * Matches parameters with fewer than {@code n} dimensions.
     *
     * @param n the bound
     * @return the matcher
     */
    public static ParamMatcher ndimBelow(int n) {
        return new ParamMatcher(p -> p.ndim() < n, "ndim<" + n);
    }

    /**
     * Matches parameters with at least {@code n} dimensions.
     *
     * @param n the bound
     * @return the matcher
     */
    public static ParamMatcher ndimAtLeast(int n) {
        return new ParamMatcher(p -> p.ndim() >= n, "ndim>=" + n);
    }

    /**
     * Matches names against a glob: {@code *} matches any run of characters (dots included), {@code
     * ?} one character; the whole name must match. Example: {@code *.attn.*.weight}.
     *
     * @param glob the glob
     * @return the matcher
     */
    public static ParamMatcher nameGlob(String glob) {
        Objects.requireNonNull(glob, "glob");
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern pattern = Pattern.compile(re.toString());
        return new ParamMatcher(p -> pattern.matcher(p.name()).matches(), "name~" + glob, pieces(glob, "[*?]+"));
    }

    /**
     * Matches names containing a match of a regular expression ({@code find}, not {@code matches}).
     *
     * @param regex the expression
     * @return the matcher
     */
    public static ParamMatcher nameRegex(String regex) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "invalid name regex '" + regex + "': " + e.getDescription(), e);
        }
        return new ParamMatcher(p -> pattern.matcher(p.name()).find(), "name=/" + regex + "/",
                pieces(regex.replaceAll("\\\\[.]", "."), "[^A-Za-z0-9_.]+|\\.[*+?]"));
    }

    /**
     * Matches parameters of the given kinds.
     *
     * @param first a kind
     * @param rest more kinds
     * @return the matcher
     */
    public static ParamMatcher kind(LayerKind first, LayerKind... rest) {
        EnumSet<LayerKind> kinds = EnumSet.of(first, rest);
        String d = kinds.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("|"));
        return new ParamMatcher(p -> kinds.contains(p.kind()), "kind=" + d);
    }

    /**
     * Matches exactly the named parameters.
     *
     * @param names the names
     * @return the matcher
     */
    public static ParamMatcher names(String... names) {
        var set = java.util.Set.of(names);
        return new ParamMatcher(p -> set.contains(p.name()), "names=" + Arrays.toString(names), List.of(names));
    }

    /**
     * Either this or the other.
     *
     * @param other the other matcher
     * @return the union
     */
    public ParamMatcher or(ParamMatcher other) {
        return new ParamMatcher(predicate.or(other.predicate), description + " or " + other.description,
                union(other));
    }

    /**
     * Both this and the other.
     *
     * @param other the other matcher
     * @return the intersection
     */
    public ParamMatcher and(ParamMatcher other) {
        return new ParamMatcher(
                predicate.and(other.predicate), "(" + description + ") and (" + other.description + ")",
                union(other));
    }

    /**
     * Everything this does not match.
     *
     * @return the complement
     */
    public ParamMatcher negate() {
        return new ParamMatcher(predicate.negate(), "not (" + description + ")");
    }

    private List<String> union(ParamMatcher other) {
        return java.util.stream.Stream.concat(nameParts.stream(), other.nameParts.stream()).distinct().toList();
    }

    @Override
    public String toString() {
        return description;
    }
}
