package dev.decaf.cli;

import dev.decaf.train.finetune.Finding;
import dev.decaf.train.finetune.RecipeValidation;
import dev.decaf.train.finetune.ValidationReport;
import dev.decaf.train.recipe.Recipe;
import dev.decaf.train.recipe.RecipeKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code decaf recipes}: list the shipped fine-tuning recipes (every {@code *.yaml} in {@code
 * recipes/} under the current working directory), print one, list every recipe key (from the
 * recipe schema), or validate a recipe with overrides: everything {@code finetune} would reject,
 * model, tokenizer, groups and a streaming scan of the data included ({@link RecipeValidation}),
 * every problem at once, before any work starts.
 */
@Command(name = "recipes", mixinStandardHelpOptions = true,
        description = "List, show and validate fine-tuning recipes (YAML), and list their keys.",
        subcommands = {RecipesCommand.ListRecipes.class, RecipesCommand.Show.class, RecipesCommand.Keys.class,
            RecipesCommand.Validate.class},
        footer = {"", "Examples:", "  ./decaf recipes list", "  ./decaf recipes show quickstart", "  ./decaf recipes keys train",
            "  ./decaf recipes validate quickstart --set train.steps=100 --resolved"})
final class RecipesCommand implements Runnable {

    /** Where the shipped recipes live, relative to the working directory. */
    static final Path RECIPES = Path.of("recipes");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Finds a recipe: an existing file as given, else {@code recipes/NAME.yaml} or {@code recipes/NAME}.
     *
     * @param name a path or a shipped recipe's name
     * @return the path (possibly not existing, when nothing matched and the name looks like a path)
     */
    static Path find(String name) {
        Path given = Path.of(name);
        if (Files.isRegularFile(given)) {
            return given;
        }
        for (Path p : List.of(RECIPES.resolve(name + ".yaml"), RECIPES.resolve(name))) {
            if (!name.contains("/") && Files.isRegularFile(p)) {
                return p;
            }
        }
        return given;
    }

    /**
     * Returns the first comment line of a recipe, without its {@code #}, or an empty string.
     *
     * @param file the recipe
     * @return the description
     */
    static String description(Path file) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.map(String::strip).filter(l -> l.startsWith("#")).findFirst()
                    .map(l -> l.replaceFirst("^#+\\s*", "")).orElse("");
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** {@code decaf recipes list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the shipped recipes (recipes/*.yaml) with their first comment lines.",
                "The recipes/ directory is looked up in the working directory."},
            footer = {"", "Examples:", "  ./decaf recipes list", "  ./decaf recipes list --dir my-recipes"})
    static final class ListRecipes implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", description = "The recipe directory (default: ${DEFAULT-VALUE}).")
        Path dir = RECIPES;

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("no recipe directory '" + dir + "' here (run decaf from the project"
                        + " root, or pass --dir)");
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p))
                        .sorted().toList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (files.isEmpty()) {
                out.println("no recipes (*.yaml) in " + dir);
                return 0;
            }
            List<String> names = new ArrayList<>();
            for (Path f : files) {
                String n = f.getFileName().toString();
                names.add(n.substring(0, n.length() - ".yaml".length()));
            }
            int width = names.stream().mapToInt(String::length).max().orElse(0);
            for (int i = 0; i < files.size(); i++) {
                String d = description(files.get(i));
                out.println(d.isEmpty() ? names.get(i) : names.get(i) + " ".repeat(width - names.get(i).length()) + "  " + d);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code decaf recipes show NAME}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a recipe as written (NAME: a shipped recipe's name or a file).",
            footer = {"", "Examples:", "  ./decaf recipes show quickstart", "  ./decaf recipes show my-recipes/tiny.yaml"})
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "A recipe name (recipes/NAME.yaml) or file.")
        String name;

        @Override
        public Integer call() throws IOException {
            Path file = find(name);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no recipe '" + name + "': not a file, and no " + RECIPES.resolve(
                        name + ".yaml") + " (see: decaf recipes list)");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            PrintWriter out = spec.commandLine().getOut();
            out.print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
            out.flush();
            return 0;
        }
    }

    /** {@code decaf recipes keys [KEY]}. */
    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = {"List every recipe key with its type, default, allowed values and meaning",
                "(generated from the recipe schema that parsing and the resolved recipe use)."},
            footer = {"", "Examples:", "  ./decaf recipes keys", "  ./decaf recipes keys optimizer.groups"})
    static final class Keys implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "KEY",
                description = "Only this key and the keys under it (e.g. train, optimizer.groups).")
        String prefix;

        @Override
        public Integer call() {
            List<RecipeKeys.Row> rows = prefix == null ? RecipeKeys.rows() : RecipeKeys.under(prefix);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("no recipe key '" + prefix + "' (see: decaf recipes keys)");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(RecipeKeys.table(rows));
            out.flush();
            return 0;
        }
    }

    /** {@code decaf recipes validate FILE}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check a recipe and its overrides for everything finetune would reject, without",
                "training or writing anything: the recipe's keys, types and values, missing files,",
                "the model config (seq_len against its positions), the tokenizer (readable, its",
                "vocabulary within the model's vocab_size), the optimizer groups (one that matches no",
                "parameter, one parameter in two groups) and a streaming scan of the training and",
                "validation data with the model's tokenizer: empty or binary files, malformed JSON",
                "lines, missing or mistyped fields, lines of another format, lines longer than 8 MiB,",
                "examples longer than seq_len + 1 tokens, a validation_fraction that leaves no",
                "training sample. Every problem is printed, one per line (FILE:LINE: message;",
                "at most 5 per kind and file, with a count of the rest), then a summary line.",
                "Errors exit 2; warnings (bad lines that skip_bad_lines skips) and notes alone",
                "exit 0 and say ok. Relative model, tokenizer and data paths are resolved against",
                "the recipe's directory; out stays relative to the working directory.",
                "--json prints one object instead: {\"ok\": bool, \"recipe\": FILE, \"errors\": [...],",
                "\"warnings\": [...], \"notes\": [...], \"data\": {\"train\": {...}, \"validation\": {...}}},",
                "each finding {\"kind\", \"message\", \"file\", \"line\"} (null when unknown), each split",
                "{\"source\", \"format\", \"lines\", \"examples\", \"tokens\", \"longest\", \"longest_line\",",
                "\"overlong\", \"samples\", \"problems\": {KIND: count}} (token counts null when not measured)."},
            footer = {"", "Examples:", "  ./decaf recipes validate recipes/quickstart.yaml",
                "  ./decaf recipes validate quickstart --set train.steps=100 --resolved",
                "  ./decaf recipes validate quickstart --set train.seq_len=16 --json",
                "  ./decaf recipes validate my-recipes/tiny.yaml --set optimizer.betas=[0.9,0.95]",
                "  ./decaf recipes validate my-recipes/tiny.yaml --no-file-checks"})
    static final class Validate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The recipe (a file, or the name of a shipped recipe).")
        String file;

        @Mixin
        RecipeOverrides overrides;

        @Option(names = "--resolved", description = "Also print the resolved recipe (every default filled in) and its hash.")
        boolean resolved;

        @Option(names = "--no-file-checks", description = "Check only the recipe itself: no paths, model, tokenizer or data.")
        boolean noFileChecks;

        @Option(names = "--json", description = "Print the report as one JSON object on stdout (shape above).")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Path path = find(file);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ValidationReport report = RecipeValidation.validate(path, overrides.values(), !noFileChecks);
            if (json) {
                out.println(report.toJson());
                out.flush();
                return report.ok() ? 0 : Errors.BAD_INPUT;
            }
            for (Finding f : report.findings()) {
                switch (f.severity()) {
                    case ERROR -> err.println(f);
                    case WARNING -> err.println("warning: " + f);
                    case INFO -> out.println("note: " + f);
                }
            }
            report.data().keySet().forEach(split -> out.println(report.summary(split)));
            int errors = report.errors().size();
            int warnings = report.warnings().size();
            String counts = count(errors, "error") + ", " + count(warnings, "warning");
            if (!report.ok()) {
                out.flush();
                err.println("decaf: " + path + ": " + counts);
                err.flush();
                return Errors.BAD_INPUT;
            }
            out.println(path + ": ok" + (warnings > 0 ? " (" + count(warnings, "warning") + ")" : ""));
            if (resolved) {
                Recipe recipe = Recipe.load(path, overrides.values(), false);
                out.println("# sha256 " + recipe.hash());
                out.print(recipe.toYaml());
            }
            out.flush();
            err.flush();
            return 0;
        }

        private static String count(int n, String what) {
            return n + " " + what + (n == 1 ? "" : "s");
        }
    }
}
