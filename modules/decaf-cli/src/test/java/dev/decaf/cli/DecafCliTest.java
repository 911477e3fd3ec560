package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: exit codes, one-line errors, and a short demo run that really learns. */
class DecafCliTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Decaf.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void badInputExitsTwoWithOneLineNamingTheValue() {
        Run r = run("finetune", "--optimizer", "sgd");
        assertEquals(2, r.code());
        assertEquals("decaf: --optimizer must be adamw, adamc, adam-l2 or adams, got 'sgd' (--verbose shows the stack trace)",
                r.err().strip());
        assertTrue(r.out().isEmpty(), r.out());

        Run lr = run("finetune", "--lr", "-1");
        assertEquals(2, lr.code());
        assertTrue(lr.err().startsWith("decaf: --lr must be finite and > 0, got -1.0"), lr.err());
        assertEquals(1, lr.err().strip().lines().count(), lr.err());

        Run unknown = run("finetune", "--stpes", "3");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("Unknown options: '--stpes'"), unknown.err());
        assertTrue(unknown.err().contains("--steps"), "suggests the nearest option: " + unknown.err());

        Run beta = run("bench", "optimizer", "--iterations", "1");
        assertEquals(2, beta.code());
        assertTrue(beta.err().contains("--iterations >= 3"), beta.err());
    }

    @Test
    void helpListsCommandsWithExamples() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("finetune") && r.out().contains("bench"), r.out());
        assertTrue(r.out().contains("./decaf finetune"), r.out());
    }

    @Test
    void shortDemoRunLowersValidationLossAndPrintsTheDecayRule() {
        Run r = run("finetune", "--optimizer", "adamc", "--steps", "60", "--warmup", "6", "--log-every", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("AdamC: decay θ ← θ·(1 − λ·γ_t²/γ_max) (corrected)"), r.out());
        assertTrue(r.out().contains("no_decay"), r.out());
        assertTrue(r.out().contains("step   60/60  loss"), r.out());
        Matcher m = Pattern.compile("validation loss: ([0-9.]+) before, ([0-9.]+) after").matcher(r.out());
        assertTrue(m.find(), r.out());
        double before = Double.parseDouble(m.group(1));
        double after = Double.parseDouble(m.group(2));
        assertTrue(after < 0.3 * before, "validation loss " + before + " -> " + after);
    }
}
