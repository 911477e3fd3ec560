package dev.decaf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code decaf} command: fine-tune small language models on the JVM with weight decay done
 * right. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
 */
@Command(
        name = "decaf",
        mixinStandardHelpOptions = true,
        version = "decaf 0.1.0-SNAPSHOT",
        description = "Fine-tune small language models on the JVM with weight decay done right.",
        subcommands = {FinetuneCommand.class, EvalCommand.class, GenerateCommand.class, InitCommand.class,
            GroupsCommand.class, TokenizerCommand.class, RecipesCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  ./decaf finetune", "  ./decaf finetune recipes/quickstart.yaml --set optimizer.name=adamc",
            "  ./decaf eval --model runs/quickstart/model --data data.jsonl --json",
            "  ./decaf bench optimizer", "", "Exit codes: 0 success, 1 runtime failure, 2 bad usage or input."})
public final class Decaf implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Builds the command line with decaf's error handling.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Decaf());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(new Errors());
        return cl;
    }

    /**
     * Runs decaf.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(commandLine().execute(args));
    }
}
