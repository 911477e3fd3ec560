package dev.decaf.sweep.plan;

import dev.decaf.train.recipe.Problem;
import java.util.List;
import java.util.stream.Collectors;

/** A sweep file that cannot run: every problem found, one line each ({@code FILE:LINE: key: message}). */
public final class SweepException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /**
     * Creates the exception.
     *
     * @param problems the problems, at least one
     */
    public SweepException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** Returns the problems, in file order. */
    public List<Problem> problems() {
        return problems;
    }
}
