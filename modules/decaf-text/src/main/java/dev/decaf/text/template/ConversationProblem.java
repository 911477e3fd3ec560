package dev.decaf.text.template;

/**
 * What is wrong with one conversation, before the data file and line number are attached: a
 * malformed {@code messages} field, no assistant turn, a template that refuses the conversation
 * ({@code raise_exception}) or renders it in a way the loss mask cannot be derived from. The
 * caller that reads a data file turns it into a problem of that line.
 */
public final class ConversationProblem extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the problem.
     *
     * @param problem what is wrong, one line, without file or line
     */
    public ConversationProblem(String problem) {
        super(problem, null, false, false);
    }
}
