package dev.decaf.train.recipe;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A recipe that cannot be used, with every problem found (not just the first): syntax, unknown
 * keys, wrong types, out-of-range values, inconsistent settings and missing files. The message
 * holds one problem per line, {@code FILE:LINE: key.path: message (hint)}.
 */
public final class RecipeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /**
     * Creates the exception.
     *
     * @param problems the problems, at least one, in the order they should be reported
     */
    public RecipeException(List<Problem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    private static String format(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a RecipeException needs at least one problem");
        }
        return problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }

    /**
     * Returns every problem: those of the file ordered by line, then missing keys, then those of
     * the overrides in the order they were given.
     *
     * @return the problems
     */
    public List<Problem> problems() {
        return problems;
    }
}
