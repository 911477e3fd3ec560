package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * decaf's help as the user meets it: every command and subcommand answers {@code --help}; text is
 * wrapped only between words, and a line ends early only where a sentence ends; and every example
 * in every help text works when pasted into a shell in the project root.
 */
class HelpTest {

    @TempDir
    Path tmp;

    @Test
    void everyCommandAndSubcommandAnswersHelp() {
        List<HelpExamples.Help> helps = HelpExamples.helps();
        assertTrue(helps.size() >= 16, "decaf, its commands and their subcommands: " + helps.size());
        for (HelpExamples.Help h : helps) {
            List<String> args = new ArrayList<>(h.path());
            args.add("--help");
            DecafCliTest.Run r = DecafCliTest.run(args.toArray(String[]::new));
            String name = String.join(" ", List.of("decaf", String.join(" ", h.path()))).strip();
            assertEquals(0, r.code(), name + " --help: " + r.err());
            assertTrue(r.out().startsWith("Usage: " + name + " "), name + " --help:\n" + r.out());
            assertTrue(r.err().isEmpty(), r.err());
            if (h.path().size() == 1 && List.of("tokenizer", "bench", "recipes").contains(h.path().get(0))) {
                DecafCliTest.Run alone = DecafCliTest.run(h.path().get(0));
                assertEquals(0, alone.code(), name + " alone prints its usage: " + alone.err());
                assertTrue(alone.out().startsWith("Usage: " + name + " "), alone.out());
            }
        }
        DecafCliTest.Run tokenizer = DecafCliTest.run("tokenizer", "--help");
        assertTrue(tokenizer.out().contains("train  Train a byte-level BPE tokenizer"), tokenizer.out());
        DecafCliTest.Run bench = DecafCliTest.run("bench", "-h");
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("optimizer") && bench.out().contains("train"), bench.out());
    }

    /** Whitespace-separated words. */
    private static List<String> words(String text) {
        return Arrays.stream(text.replace("%n", " ").strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    /** Checks that consecutive lines break early only after a sentence: otherwise the next word did not fit. */
    private static void assertFilled(String where, List<String> lines, int width) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            String a = lines.get(i).stripTrailing();
            String b = lines.get(i + 1).strip();
            if (a.isBlank() || b.isEmpty()) {
                continue;
            }
            int indent = lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length();
            boolean sentenceEnd = a.endsWith(".") || a.endsWith("!") || a.endsWith("?");
            // (Picocli keeps the last column free: a full line is width - 1 long)
            assertTrue(sentenceEnd || a.length() + 1 + words(b).get(0).length() >= width - Math.max(0, indent - 2),
                    where + ": line cut before it was full:\n" + a + "\n" + lines.get(i + 1));
        }
    }

    @Test
    void descriptionsAreWrappedBetweenWordsAndCutOnlyAtSentenceEnds() {
        int width = Decaf.HELP_WIDTH;
        List<CommandLine> all = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(Decaf.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine cl = todo.remove(0);
            all.add(cl);
            cl.getSubcommands().values().forEach(todo::add);
        }
        for (CommandLine cl : all) {
            String name = cl.getCommandSpec().qualifiedName();
            CommandLine.Help help = cl.getHelp();
            String[] description = cl.getCommandSpec().usageMessage().description();
            String rendered = help.description();
            assertEquals(words(String.join(" ", description)), words(rendered), name + ": wrapped inside a word:\n" + rendered);
            assertFilled(name + " description", rendered.lines().toList(), width);
            for (String line : (help.description() + help.footer()).lines().toList()) {
                assertTrue(line.length() <= width, name + ": longer than " + width + " columns: " + line);
            }
            // footer: examples as written, one per line; the prose wrapped like the description
            String[] footer = cl.getCommandSpec().usageMessage().footer();
            String footerText = help.footer();
            assertEquals(words(String.join(" ", footer)), words(footerText), name + ": footer wrapped inside a word:\n"
                    + footerText);
            for (String element : footer) {
                if (element.startsWith("  ")) {
                    assertTrue(footerText.lines().anyMatch(element::equals), name + ": example not on one line: " + element);
                }
            }
            assertFilled(name + " footer", footerText.lines().filter(l -> !l.startsWith(" ") && !l.endsWith(":")).toList(),
                    width);
            // the command list: each subcommand's first sentence, wrapped between words
            String list = help.commandList();
            for (var e : cl.getSubcommands().entrySet()) {
                CommandLine.Model.UsageMessageSpec usage = e.getValue().getCommandSpec().usageMessage();
                String[] sub = usage.header().length > 0 ? usage.header() : usage.description();
                List<String> entry = new ArrayList<>();
                boolean in = false;
                for (String line : list.lines().toList()) {
                    if (line.matches("  \\S.*")) {
                        in = line.startsWith("  " + e.getKey() + " ");
                    }
                    if (in) {
                        entry.addAll(words(line));
                    }
                }
                List<String> expected = new ArrayList<>(List.of(e.getKey()));
                expected.addAll(words(sub.length == 0 ? "" : sub[0]));
                assertEquals(expected, entry, name + ": the entry of " + e.getKey() + ":\n" + list);
            }
        }
    }

    @Test
    void sourceLinesAreJoinedIntoSentences() {
        assertEquals(List.of("One sentence.", "A sentence split over three lines: a, b and c.", "", "Last: no stop"),
                List.of(Decaf.paragraphs(new String[] {"One sentence.", "A sentence split", "over three lines:",
                    "a, b and c.", "", "Last: no", "stop"})));
    }

    /** Files the examples name that a user brings: data, a second text file, a recipe of their own. */
    private Path exampleDirectory() throws IOException {
        Path root = tmp.resolve("project");
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("models"), Path.of("../../models").toAbsolutePath().normalize());
        Files.createSymbolicLink(root.resolve("recipes"), Path.of("../../recipes").toAbsolutePath().normalize());
        SplittableRandom r = new SplittableRandom(9);
        String[] words = {"the", "whale", "sea", "ship", "captain", "white", "deep", "harpoon", "sail", "storm"};
        StringBuilder text = new StringBuilder();
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < 8; j++) {
                line.append(j == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            text.append(line).append(".\n");
            jsonl.append("{\"text\": \"").append(line).append(".\"}\n");
        }
        Files.writeString(root.resolve("data.txt"), text);
        Files.writeString(root.resolve("notes.txt"), text.substring(0, text.length() / 3));
        Files.writeString(root.resolve("data.jsonl"), jsonl);
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            ids.append("{\"input_ids\": ").append(Arrays.toString(r.ints(2 + r.nextInt(40), 0, 257).toArray())).append("}\n");
        }
        Files.writeString(root.resolve("ids.jsonl"), ids);
        Files.createDirectories(root.resolve("my-recipes"));
        Files.writeString(root.resolve("my-recipes/tiny.yaml"), """
                # a recipe of one's own
                model: ../models/gpt2-tiny.json
                data:
                  train: ../data.txt
                  validation_fraction: 0.1
                optimizer:
                  name: adamw
                  lr: 1.0e-3
                train:
                  steps: 20
                  batch_size: 4
                  seq_len: 32
                out: runs/tiny-ft
                """);
        return root;
    }

    @Test
    void everyExampleInEveryHelpWorks() throws Exception {
        Path root = exampleDirectory();
        try {
            runExamples(root);
        } finally {
            // the links to the project's folders, which @TempDir would not follow
            Files.delete(root.resolve("models"));
            Files.delete(root.resolve("recipes"));
        }
    }

    private void runExamples(Path root) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), HelpExamples.class.getName())
                .directory(root.toFile())
                .redirectError(tmp.resolve("examples.err").toFile())
                .redirectOutput(tmp.resolve("examples.out").toFile())
                .start();
        assertTrue(p.waitFor(400, TimeUnit.SECONDS), "the examples finish");
        String log = Files.readString(tmp.resolve("examples.out"));
        assertEquals(0, p.exitValue(), log + Files.readString(tmp.resolve("examples.err")));
        List<String[]> results = log.lines().filter(l -> l.startsWith("EXAMPLE\t")).map(l -> l.split("\t", -1)).toList();
        assertTrue(results.size() >= 30, "every help's examples: " + log);
        int ran = 0;
        for (String[] r : results) {
            assertFalse(r[1].equals("unparsable"), r[2] + ": " + r[3]);
            if (!r[1].equals("parsed")) {
                assertEquals("0", r[1], r[2] + ": " + r[3]);
                ran++;
            }
        }
        assertTrue(ran >= 25, "the quick examples run: " + log);
        assertTrue(results.stream().anyMatch(r -> r[2].equals("./decaf recipes show quickstart") && r[1].equals("0")), log);
    }
}
