package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
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

    /** Writes a random-init gpt2-tiny model directory (vocab 512, 64 positions) with {@code decaf init}. */
    static java.nio.file.Path initTinyModel(java.nio.file.Path dir, int seed) {
        Run r = run("init", "--config", "../../models/gpt2-tiny.json", "--out", dir.toString(), "--seed", Integer.toString(seed));
        assertEquals(0, r.code(), r.err());
        return dir;
    }

    @Test
    void badInputExitsTwoWithOneLineNamingTheValue() {
        Run unknown = run("finetune", "--ouut", "x");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("Unknown option: '--ouut'"), unknown.err());
        assertTrue(unknown.err().contains("--out"), "suggests the nearest option: " + unknown.err());

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
}
