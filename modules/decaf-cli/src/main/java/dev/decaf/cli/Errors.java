package dev.decaf.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr and an exit code: 2 for bad usage or bad input
 * (unknown option, invalid value, {@link IllegalArgumentException}), 1 for anything else. The
 * stack trace is shown only with {@code --verbose}.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    static final int RUNTIME_FAILURE = 1;
    static final int BAD_INPUT = 2;

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("decaf: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help'.");
        return BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        boolean verbose = parseResult.hasMatchedOption("--verbose");
        String message = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        err.println("decaf: " + message.lines().findFirst().orElse(message)
                + (verbose ? "" : " (--verbose shows the stack trace)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        return ex instanceof IllegalArgumentException ? BAD_INPUT : RUNTIME_FAILURE;
    }
}
