package dev.decaf.text.data;

/**
 * What is wrong with one line, before the file and line number are attached; becomes a {@link
 * DataException} or, with {@code optSkipBadLines(true)}, a counted skip.
 */
public final class LineProblem extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the problem.
     *
     * @param problem what is wrong, without file or line
     */
    public LineProblem(String problem) {
        super(problem, null, false, false);
    }
}
