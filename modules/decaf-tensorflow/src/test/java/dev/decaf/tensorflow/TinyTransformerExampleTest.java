package dev.decaf.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs example ({@code docs/tensorflow/TinyTransformerLm.java}) compiles against this module,
 * prints the {@code llm} group table, lowers the held-out loss, and — with real gradients through
 * attention, RMSNorm and the composed loss — ends with the same weights, to the bit, in five runs.
 */
class TinyTransformerExampleTest {

    @TempDir
    Path dir;

    @Test
    void trainsAndIsBitIdenticalOverFiveRuns() throws Exception {
        Path source = Path.of("../../docs/tensorflow/TinyTransformerLm.java");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, rc, "javac " + source);
        Path corpus = dir.resolve("corpus.txt");
        StringBuilder text = new StringBuilder();
        String[] words = {"in", "the", "beginning", "was", "light", "and", "water", "land", "sea", "day", "night"};
        java.util.Random r = new java.util.Random(7);
        while (text.length() < 20_000) {
            text.append(words[r.nextInt(words.length)]).append(r.nextInt(8) == 0 ? ".\n" : " ");
        }
        Files.writeString(corpus, text);
        List<String> checksums = new ArrayList<>();
        String first = null;
        for (int run = 0; run < 5; run++) {
            String out = runMain(classes, corpus.toString(), "--steps", "25");
            first = first == null ? out : first;
            checksums.add(find(out, "weights checksum: (\\w+)"));
        }
        assertTrue(first.matches("(?s).*\\nhidden +6 .* corrected .*"), first);
        assertTrue(first.matches("(?s).*\\nembeddings +3 .* decoupled .*"), first);
        assertTrue(first.matches("(?s).*\\nno_decay +4 .*0 \\(none\\).*"), first);
        double before = Double.parseDouble(find(first, "held-out loss before: ([\\d.]+)"));
        double after = Double.parseDouble(find(first, "held-out loss after: +([\\d.]+)"));
        assertTrue(after < before - 0.5, "held-out loss " + before + " → " + after);
        assertEquals(List.of(checksums.get(0), checksums.get(0), checksums.get(0), checksums.get(0), checksums.get(0)),
                checksums, "five runs, one set of weights");
    }

    static String runMain(Path classes, String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                TinyTransformerExampleTest.class.getClassLoader())) {
            Method main = loader.loadClass("TinyTransformerLm").getMethod("main", String[].class);
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) args);
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in:\n" + text);
        return m.group(1);
    }
}
