package dev.decaf.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code decaf} command: fine-tune small language models on the JVM with weight decay done
 * right. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
 *
 * <p>Help text: every command and subcommand answers {@code --help}. A command's {@code
 * description} lines are source lines, not output lines: {@link #commandLine()} joins a line that
 * does not end a sentence to the next one, and Picocli wraps the result at {@link #HELP_WIDTH}
 * columns, so no sentence is cut where its source line ended. (The first line stays the summary
 * in a parent's command list when it is a sentence.) Footer lines (the examples) are printed as
 * written; each example is one shell command that works from the project root.
 */
@Command(
        name = "decaf",
        mixinStandardHelpOptions = true,
        version = "decaf 0.1.0-SNAPSHOT",
        description = "Fine-tune small language models on the JVM with weight decay done right.",
        subcommands = {FinetuneCommand.class, EvalCommand.class, GenerateCommand.class, InitCommand.class,
            GroupsCommand.class, TokenizerCommand.class, RecipesCommand.class, RecipeCommand.class, SweepCommand.class,
            BenchCommand.class, ExportCommand.class, ImportCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  ./decaf finetune", "  ./decaf finetune recipes/quickstart.yaml --set optimizer.name=adamc",
            "  ./decaf eval --model models/quickstart-base --data data.jsonl --json",
            "  ./decaf bench optimizer", "", "Exit codes: 0 success, 1 runtime failure, 2 bad usage or input."})
public final class Decaf implements Runnable {

    /** The width, in columns, that help text is wrapped at. */
    static final int HELP_WIDTH = 80;

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
        cl.setUsageHelpWidth(HELP_WIDTH);
        reflowDescriptions(cl);
        return cl;
    }

    /** Joins each command's description lines into sentences, for this command and every subcommand. */
    private static void reflowDescriptions(CommandLine cl) {
        CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        usage.description(paragraphs(usage.description()));
        cl.getSubcommands().values().forEach(Decaf::reflowDescriptions);
    }

    /**
     * Joins lines so that each ends a sentence: a non-empty line that does not end with {@code .},
     * {@code !} or {@code ?} is joined (with a space) to the next; an empty line is kept and ends
     * what came before it.
     *
     * @param lines the lines as written
     * @return the joined lines
     */
    static String[] paragraphs(String[] lines) {
        List<String> out = new ArrayList<>();
        StringBuilder p = new StringBuilder();
        for (String line : lines) {
            if (line.isBlank()) {
                if (p.length() > 0) {
                    out.add(p.toString());
                    p.setLength(0);
                }
                out.add("");
                continue;
            }
            p.append(p.length() > 0 ? " " : "").append(line.strip());
            if (endsSentence(p)) {
                out.add(p.toString());
                p.setLength(0);
            }
        }
        if (p.length() > 0) {
            out.add(p.toString());
        }
        return out.toArray(String[]::new);
    }

    private static boolean endsSentence(CharSequence s) {
        char c = s.charAt(s.length() - 1);
        return c == '.' || c == '!' || c == '?';
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
