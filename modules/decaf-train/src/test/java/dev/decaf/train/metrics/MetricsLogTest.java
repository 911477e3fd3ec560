package dev.decaf.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl: one line per call, appends on reopen, cuts a damaged tail left by a crash. */
class MetricsLogTest {

    @TempDir
    Path tmp;

    static Map<String, Object> entry(long step, double loss) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("loss", loss);
        m.put("lr", 1e-3);
        return m;
    }

    @Test
    void eachCallIsOneFlushedLineAndReopeningAppends() throws IOException {
        Path dir = tmp.resolve("run");
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(dir)) {
            assertEquals(file, log.file());
            log.log(entry(1, 4.5));
            // visible to a reader before close: written through, not buffered
            assertEquals("{\"step\":1,\"loss\":4.5,\"lr\":0.001}\n", Files.readString(file));
            log.log(entry(2, 4.25));
        }
        try (MetricsLog log = MetricsLog.open(dir)) {
            assertEquals(0, log.recoveredBytes());
            Map<String, Object> m = entry(3, Double.NaN);
            m.put("groups", Map.of("decay", 1.5));
            log.log(m);
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        List<ObjectNode> read = MetricsLog.read(file);
        assertEquals(List.of(1L, 2L, 3L), read.stream().map(n -> n.get("step").asLong()).toList());
        assertEquals("NaN", read.get(2).get("loss").asText(), "non-finite numbers become strings: valid JSON");
        assertEquals(1.5, read.get(2).get("groups").get("decay").asDouble());
    }

    @Test
    void aTruncatedLastLineIsCutOffOnReopen() throws IOException {
        Path dir = tmp.resolve("crash");
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(entry(1, 4.0));
            log.log(entry(2, 3.0));
        }
        Path file = dir.resolve(MetricsLog.FILE_NAME);
        String good = Files.readString(file);
        String partial = "{\"step\":3,\"loss\":2.";
        Files.writeString(file, partial, StandardOpenOption.APPEND);
        assertEquals(2, MetricsLog.read(file).size(), "readers ignore the partial line");
        try (MetricsLog log = MetricsLog.open(dir)) {
            assertEquals(partial.getBytes(StandardCharsets.UTF_8).length, log.recoveredBytes());
            assertEquals(good, Files.readString(file));
            log.log(entry(3, 2.5));
        }
        assertEquals(good + "{\"step\":3,\"loss\":2.5,\"lr\":0.001}\n", Files.readString(file));

        // a torn last line that ends in a newline but is not JSON (zeros from a crashed write) is cut too
        Files.write(file, new byte[] {0, 0, 0, '\n'}, StandardOpenOption.APPEND);
        try (MetricsLog log = MetricsLog.open(dir)) {
            assertEquals(4, log.recoveredBytes());
        }
        assertEquals(3, MetricsLog.read(file).size());

        // a file with no newline at all is one partial line: emptied
        Path lone = tmp.resolve("lone.jsonl");
        Files.writeString(lone, "{\"step\":1,");
        try (MetricsLog log = MetricsLog.openFile(lone)) {
            log.log(entry(1, 1.0));
        }
        assertEquals("{\"step\":1,\"loss\":1.0,\"lr\":0.001}\n", Files.readString(lone));
    }

    @Test
    void resumeDropsEntriesAfterTheCheckpointStep() throws IOException {
        Path dir = tmp.resolve("resume");
        try (MetricsLog log = MetricsLog.open(dir)) {
            for (int s = 1; s <= 6; s++) {
                log.log(entry(s, 5.0 - s));
            }
            log.log(Map.of("event", "no step"));
        }
        Files.writeString(dir.resolve(MetricsLog.FILE_NAME), "{\"step\":7,\"lo", StandardOpenOption.APPEND);
        try (MetricsLog log = MetricsLog.resume(dir, 4)) {
            assertTrue(log.recoveredBytes() > 0);
            log.log(entry(5, 0.5));
        }
        List<ObjectNode> read = MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME));
        assertEquals(List.of("1", "2", "3", "4", "", "5"),
                read.stream().map(n -> n.has("step") ? n.get("step").asText() : "").toList());
        assertEquals(0.5, read.get(5).get("loss").asDouble());
    }

    @Test
    void aBadLineInTheMiddleIsAnErrorNamingIt() throws IOException {
        Path file = Files.writeString(tmp.resolve("m.jsonl"), "{\"step\":1}\nnot json\n{\"step\":2}\n");
        IOException e = assertThrows(IOException.class, () -> MetricsLog.read(file));
        assertEquals(file + ":2: not a JSON object", e.getMessage());
    }
}
