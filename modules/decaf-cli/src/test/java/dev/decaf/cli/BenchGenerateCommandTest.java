package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code decaf bench generate}: its table, its raised positions and its bad input, on tiny models. */
class BenchGenerateCommandTest {

    @TempDir
    static Path tmp;

    static Path model;

    @BeforeAll
    static void init() {
        model = DecafCliTest.initTinyModel(tmp.resolve("tiny"), 5);
    }

    /** A table row: new tokens, kv cache, tokens/s, ratio, per CPU s, ratio, same ids, each round's tokens/s. */
    static final Pattern ROW = Pattern.compile(
            "^\\s+(\\d+)  (on|off)\\s+([\\d.]+)\\s+([\\d.]+)x\\s+([\\d.]+|-)\\s+([\\d.]+x|-)  (yes|NO)?\\s*(.*)$",
            Pattern.MULTILINE);

    @Test
    void theTableGivesEachCountBothWaysWithTheRatioToTheNoCacheBaseline() {
        DecafCliTest.Run r = DecafCliTest.run("bench", "generate", "--model", model.toString(), "--tokens", "4,40",
                "--prompt-tokens", "8", "--rounds", "2", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(gpt2, "), r.out());
        assertEquals(8, r.out().lines().filter(l -> l.startsWith("round ")).count(), "2 rounds x 2 counts x on/off");
        Matcher m = ROW.matcher(r.out());
        List<String> seen = new java.util.ArrayList<>();
        double offRate = Double.NaN;
        double offCpu = Double.NaN;
        while (m.find()) {
            seen.add(m.group(1) + " " + m.group(2));
            double rate = Double.parseDouble(m.group(3));
            double ratio = Double.parseDouble(m.group(4));
            // a CPU column is "-" when the process clock saw no CPU time (a few tokens, a coarse tick)
            double cpu = m.group(5).equals("-") ? Double.NaN : Double.parseDouble(m.group(5));
            double cpuRatio = m.group(6).equals("-") ? Double.NaN : Double.parseDouble(m.group(6).replace("x", ""));
            String[] rounds = m.group(8).trim().split(" ");
            assertEquals(2, rounds.length, m.group());
            // the mean of the rounds, and the ratio to the same count's no-cache row
            assertEquals((Double.parseDouble(rounds[0]) + Double.parseDouble(rounds[1])) / 2, rate, 0.1 + 1e-9, m.group());
            if (m.group(2).equals("off")) {
                offRate = rate;
                offCpu = cpu;
                assertEquals(1.0, ratio, 1e-9, m.group());
                if (!Double.isNaN(cpu)) {
                    assertEquals(1.0, cpuRatio, 1e-9, m.group());
                }
            } else {
                assertEquals(rate / offRate, ratio, 0.01 + rate / offRate * 1e-3, m.group());
                if (!Double.isNaN(cpu) && !Double.isNaN(offCpu)) {
                    assertEquals(cpu / offCpu, cpuRatio, 0.01 + cpu / offCpu * 1e-3, m.group());
                }
                assertEquals("yes", m.group(7), "the cache chooses the ids the full pass chooses: " + m.group());
            }
        }
        assertEquals(List.of("4 off", "4 on", "40 off", "40 on"), seen, r.out());
        assertTrue(r.out().contains("load average: "), r.out());
    }

    @Test
    void aRandomLlamaGetsThePositionsItNeedsAndAGpt2DirectoryCannot() {
        DecafCliTest.Run llama = DecafCliTest.run("bench", "generate", "--config", "../../models/llama-tiny.json",
                "--tokens", "60", "--prompt-tokens", "8", "--rounds", "1", "--threads", "1");
        assertEquals(0, llama.code(), llama.err());
        assertTrue(llama.out().startsWith("positions raised from 64 to 68\n"), llama.out());
        assertTrue(llama.out().contains("(llama, "), llama.out());

        DecafCliTest.Run gpt2 = DecafCliTest.run("bench", "generate", "--model", model.toString(), "--tokens", "60",
                "--prompt-tokens", "8");
        assertEquals(2, gpt2.code(), gpt2.out());
        assertEquals(1, gpt2.err().lines().count(), gpt2.err());
        assertTrue(gpt2.err().contains(model + " has 64 positions, the benchmark needs 68"), gpt2.err());

        DecafCliTest.Run zero = DecafCliTest.run("bench", "generate", "--tokens", "0,64");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("need --tokens >= 1 each") && zero.err().contains("[0, 64]"), zero.err());
        assertEquals(1, zero.err().lines().count(), zero.err());
    }
}
