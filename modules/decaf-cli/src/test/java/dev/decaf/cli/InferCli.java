package dev.decaf.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs decaf with {@code eval} and {@code generate} available whether or not {@link Decaf} lists
 * them yet (they are added to the command line when missing).
 */
final class InferCli {

    private InferCli() {}

    static DecafCliTest.Run run(String... args) {
        CommandLine cl = Decaf.commandLine();
        if (!cl.getSubcommands().containsKey("eval")) {
            cl.addSubcommand("eval", new EvalCommand());
        }
        if (!cl.getSubcommands().containsKey("generate")) {
            cl.addSubcommand("generate", new GenerateCommand());
        }
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(new Errors());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new DecafCliTest.Run(code, out.toString(), err.toString());
    }
}
