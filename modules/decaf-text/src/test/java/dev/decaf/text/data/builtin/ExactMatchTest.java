package dev.decaf.text.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExactMatchTest {

    @Test
    void normalizationCutsAtEndOfTextAndLineBreakAndTrims() {
        assertEquals("the cup", ExactMatch.normalize(" the cup"));
        assertEquals("the cup", ExactMatch.normalize(" the cup<|endoftext|>tom has a hat."));
        assertEquals("the cup", ExactMatch.normalize(" the cup\nQ: what does tom have?"));
        assertEquals("the cup", ExactMatch.normalize(" the cup \r\n"));
        assertEquals("the cup", ExactMatch.normalize("\tthe cup  "));
        assertEquals("", ExactMatch.normalize("<|endoftext|> the cup"));
        assertEquals("", ExactMatch.normalize("\n the cup"));
        assertEquals("", ExactMatch.normalize(""));
    }

    @Test
    void onlyWhiteSpaceAtTheEndsIsForgiven() {
        assertTrue(ExactMatch.matches(" the red cup<|endoftext|>", " the red cup"));
        assertTrue(ExactMatch.matches("the red cup", " the red cup"));
        assertFalse(ExactMatch.matches(" The red cup", " the red cup"));
        assertFalse(ExactMatch.matches(" the  red cup", " the red cup"));
        assertFalse(ExactMatch.matches(" the red cup.", " the red cup"));
        assertFalse(ExactMatch.matches(" the red", " the red cup"));
        assertFalse(ExactMatch.matches(" the red cup and", " the red cup"));
    }

    @Test
    void scoreIsTheFractionOfMatches() {
        List<String> refs = List.of(" the cup", " the red hat", " the key", " the old box");
        assertEquals(1.0, ExactMatch.score(refs, refs));
        assertEquals(0.75, ExactMatch.score(List.of(" the cup", " the red hat<|endoftext|>", "the key\n", " the box"), refs));
        assertEquals(0.0, ExactMatch.score(List.of("", "", "", ""), refs));
        assertEquals(3, ExactMatch.count(List.of(" the cup", " the red hat", " the key", ""), refs));
        assertEquals(0.5, ExactMatch.score(List.of("a", "b"), List.of(" a ", "c")));
        assertTrue(Double.isNaN(ExactMatch.score(List.of(), List.of())));
        assertThrows(IllegalArgumentException.class, () -> ExactMatch.score(List.of("a"), refs));
    }

    @Test
    void metricLooksUpReferencesAndScores() {
        TaskMetric m = TaskMetric.of(List.of(
                new TaskExample("p1", " the cup"), new TaskExample("p2", " the hat"),
                new TaskExample("p3", " the key"), new TaskExample("p1", " the cup")));
        assertEquals(4, m.size());
        assertEquals(Optional.of(" the hat"), m.reference("p2"));
        assertEquals(Optional.empty(), m.reference("p4"));
        assertEquals(List.of("p1", "p2", "p3", "p1"), m.prompts());
        assertEquals(0.5, m.score(List.of(" the cup", " the key", " the hat", " the cup")));
        assertEquals(0.75, m.score(Map.of("p1", " the cup", "p3", " the key"))); // p2 missing: wrong

        TaskMetric.Result oracle = m.evaluate(p -> m.reference(p).orElseThrow() + "<|endoftext|>");
        assertEquals(1.0, oracle.accuracy());
        assertEquals(4, oracle.correct());
        TaskMetric.Result constant = m.evaluate(p -> " the cup", 3);
        assertEquals(3, constant.total());
        assertEquals(1, constant.correct());
        assertEquals(1.0 / 3, constant.accuracy(), 1e-12);
        assertTrue(constant.outcomes().get(0).correct());
        assertEquals(" the hat", constant.outcomes().get(1).reference());
        assertTrue(Double.isNaN(m.evaluate(p -> "", 0).accuracy()));

        assertThrows(IllegalArgumentException.class,
                () -> TaskMetric.of(List.of(new TaskExample("p", " a"), new TaskExample("p", " b"))));
    }

    @Test
    void metricLoadsJsonLinesAndNamesBadLines(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("v.jsonl");
        Files.writeString(good, BuiltinData.jsonLine(new TaskExample("tom has a cup.\nQ: what does tom have?\nA:", " the cup"))
                + "\n\n" + "{\"prompt\":\"x\",\"completion\":\" y\",\"extra\":1}\n", StandardCharsets.UTF_8);
        TaskMetric m = TaskMetric.load(good);
        assertEquals(2, m.size());
        assertEquals(Optional.of(" the cup"), m.reference("tom has a cup.\nQ: what does tom have?\nA:"));
        assertEquals(Optional.of(" y"), m.reference("x"));

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\":\"x\",\"completion\":\" y\"}\n{\"prompt\":\"x\"}\n", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> TaskMetric.load(bad));
        assertTrue(e.getMessage().contains("bad.jsonl:2"), e.getMessage());
        Files.writeString(bad, "not json\n", StandardCharsets.UTF_8);
        e = assertThrows(IOException.class, () -> TaskMetric.load(bad));
        assertTrue(e.getMessage().contains("bad.jsonl:1"), e.getMessage());
    }
}
