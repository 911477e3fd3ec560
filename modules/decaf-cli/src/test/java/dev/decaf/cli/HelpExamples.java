package dev.decaf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs every example of decaf's help, as a user would paste it into a shell in the project root.
 * Started as its own process by {@link HelpTest} with a prepared working directory; prints one line
 * per example: {@code EXAMPLE<TAB>RESULT<TAB>LINE<TAB>FIRST ERROR LINE}, where RESULT is the exit
 * code, {@code parsed} for the examples that train or benchmark (only parsed: they take minutes),
 * or {@code unparsable}.
 */
final class HelpExamples {

    private HelpExamples() {}

    /** One command path (e.g. {@code [recipes, show]}) and its help text. */
    record Help(List<String> path, String text) {}

    /** Every command's and subcommand's help text, as {@code decaf PATH --help} prints it. */
    static List<Help> helps() {
        List<Help> out = new ArrayList<>();
        collect(Decaf.commandLine(), new ArrayList<>(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<String> path, List<Help> out) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        out.add(new Help(List.copyOf(path), DecafCliTest.run(args.toArray(String[]::new)).out()));
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                collect(sub, p, out);
            }
        });
    }

    /** The example commands in a help text: lines {@code "  ./decaf …"}, with their {@code \} continuations. */
    static List<String> examples(String help) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : help.lines().toList()) {
            if (cur != null) {
                cur.append(' ').append(line.strip());
            } else if (line.startsWith("  ./decaf ")) {
                cur = new StringBuilder(line.strip());
            } else {
                continue;
            }
            if (cur.toString().endsWith("\\")) {
                cur.setLength(cur.length() - 1);
            } else {
                out.add(cur.toString().replaceAll("\\s+", " ").strip());
                cur = null;
            }
        }
        return out;
    }

    /** The arguments of an example: after {@code ./decaf}, before a pipe, quotes removed, globs expanded. */
    static List<String> arguments(String example) throws IOException {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        String line = example.substring("./decaf ".length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (c == '|') {
                break;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (w != null) {
            words.add(w.toString());
        }
        List<String> out = new ArrayList<>();
        for (String word : words) {
            if (word.contains("*") && !word.contains("/")) {
                try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of(""), word)) {
                    List<String> matches = new ArrayList<>();
                    s.forEach(p -> matches.add(p.toString()));
                    matches.sort(Comparator.naturalOrder());
                    out.addAll(matches.isEmpty() ? List.of(word) : matches);
                }
            } else {
                out.add(word);
            }
        }
        return out;
    }

    /** Whether an example trains or benchmarks (minutes): it is parsed, not run. */
    static boolean slow(List<String> args) {
        return !args.contains("--help") && (args.get(0).equals("finetune") || args.get(0).equals("bench")
                || args.get(0).equals("sweep"));
    }

    /**
     * Runs the examples in the working directory: {@code init} first (the others use its models).
     *
     * @param args none
     * @throws IOException on a read error
     */
    public static void main(String[] args) throws IOException {
        List<String> all = new ArrayList<>();
        for (Help h : helps()) {
            examples(h.text()).stream().filter(e -> !all.contains(e)).forEach(all::add);
        }
        all.sort(Comparator.comparing(e -> e.startsWith("./decaf init ") ? 0 : 1));
        for (String example : all) {
            List<String> a = arguments(example);
            String result;
            String error = "";
            try {
                Decaf.commandLine().parseArgs(a.toArray(String[]::new));
                if (slow(a)) {
                    result = "parsed";
                } else {
                    CommandLine cl = Decaf.commandLine();
                    StringWriter err = new StringWriter();
                    cl.setOut(new PrintWriter(new StringWriter(), true));
                    cl.setErr(new PrintWriter(err, true));
                    result = Integer.toString(cl.execute(a.toArray(String[]::new)));
                    error = err.toString().lines().findFirst().orElse("");
                }
            } catch (CommandLine.ParameterException e) {
                result = "unparsable";
                error = e.getMessage();
            }
            System.out.println("EXAMPLE\t" + result + "\t" + example + "\t" + error.replace('\t', ' '));
        }
        System.out.flush();
        System.exit(0);
    }
}
