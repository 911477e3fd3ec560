package dev.decaf.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.safetensors.DType;
import dev.decaf.core.safetensors.SafetensorsReader;
import dev.decaf.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two files round-trip every moment, and a missing, truncated or foreign state is named. */
class OptimizerStateFilesTest {

    @TempDir
    Path dir;

    static final Map<String, long[]> SHAPES = Map.of("a.weight", new long[] {2, 3}, "a.bias", new long[] {3});

    static OptimizerManifest manifest(long step) {
        Map<String, OptimizerManifest.Param> params = new LinkedHashMap<>();
        params.put("a.weight", new OptimizerManifest.Param(step, SHAPES.get("a.weight")));
        params.put("a.bias", new OptimizerManifest.Param(step, SHAPES.get("a.bias")));
        return new OptimizerManifest("AdamW", 0.9, 0.999, 1e-8, 0.1, "decoupled", Double.NaN, List.of(
                new OptimizerManifest.Group("all", 0.1, "decoupled", 1.0, List.of("a.weight", "a.bias"))), params);
    }

    /** Moment values that tell every tensor and element apart. */
    static ByteBuffer moment(String key, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(key.hashCode() % 1000 + i * 0.25f);
        }
        return b.flip();
    }

    static int numel(String key) {
        return key.startsWith("a.weight") ? 6 : 3;
    }

    void save(long step) throws IOException {
        OptimizerStateFiles.write(dir, manifest(step), key -> moment(key, numel(key)));
    }

    Map<String, ByteBuffer> load(Map<String, long[]> expected) throws IOException {
        Map<String, ByteBuffer> read = new HashMap<>();
        OptimizerStateFiles.read(dir, expected, (key, shape) -> {
            ByteBuffer b = ByteBuffer.allocate(numel(key) * 4).order(ByteOrder.LITTLE_ENDIAN);
            read.put(key, b);
            return b;
        });
        return read;
    }

    @Test
    void roundTripsEveryMomentAndLeavesNoTemporaryFile() throws IOException {
        save(7);
        save(8); // replaces the first
        Map<String, ByteBuffer> read = load(SHAPES);
        assertEquals(4, read.size());
        for (var e : read.entrySet()) {
            assertArrayEquals(moment(e.getKey(), numel(e.getKey())).array(), e.getValue().array(), e.getKey());
        }
        OptimizerManifest m = OptimizerStateFiles.read(dir, Map.of(), (key, shape) -> ByteBuffer.allocate(numel(key) * 4));
        assertEquals(manifest(8), m);
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve(OptimizerStateFormat.TENSORS_FILE))) {
            assertEquals(Map.of("format", OptimizerStateFormat.FORMAT), r.metadata());
            assertEquals(List.of("a.weight.exp_avg", "a.weight.exp_avg_sq", "a.bias.exp_avg", "a.bias.exp_avg_sq"),
                    List.copyOf(r.entries().keySet()));
        }
        assertEquals(List.of("optimizer.json", "optimizer.safetensors"), files());
    }

    @Test
    void aFailedWriteReplacesNeitherFile() throws IOException {
        save(7);
        String before = Files.readString(dir.resolve(OptimizerStateFormat.MANIFEST_FILE));
        IOException e = assertThrows(IOException.class, () -> OptimizerStateFiles.write(dir, manifest(9), key -> {
            throw new IOException("device lost");
        }));
        assertEquals("device lost", e.getMessage());
        assertEquals(before, Files.readString(dir.resolve(OptimizerStateFormat.MANIFEST_FILE)));
        assertEquals(List.of("optimizer.json", "optimizer.safetensors"), files());
        load(SHAPES);
    }

    @Test
    void missingTruncatedAndForeignStateIsNamed() throws IOException {
        assertRejects("optimizer.json: missing optimizer state", SHAPES);
        save(3);
        assertRejects("optimizer.json: parameter 'a.bias' is not in this model", Map.of("a.weight", new long[] {2, 3}));
        assertRejects("optimizer.safetensors: tensor 'a.weight.exp_avg' has shape [2, 3] but the parameter has shape [3, 2]",
                Map.of("a.weight", new long[] {3, 2}, "a.bias", new long[] {3}));

        // a tensor file of the right name that is not this state's
        try (SafetensorsWriter w = SafetensorsWriter.create(dir.resolve(OptimizerStateFormat.TENSORS_FILE), Map.of())) {
            w.add("a.weight.exp_avg", DType.F32, 2, 3);
            w.add("a.weight.exp_avg_sq", DType.F16, 2, 3);
            w.write("a.weight.exp_avg", moment("x", 6));
            w.write("a.weight.exp_avg_sq", ByteBuffer.allocate(12));
        }
        assertRejects("optimizer.safetensors: tensor 'a.weight.exp_avg_sq' is F16, expected F32", SHAPES);
        try (SafetensorsWriter w = SafetensorsWriter.create(dir.resolve(OptimizerStateFormat.TENSORS_FILE), Map.of())) {
            w.add("a.weight.exp_avg", DType.F32, 2, 3);
            w.write("a.weight.exp_avg", moment("x", 6));
        }
        assertRejects("optimizer.safetensors: missing tensor 'a.weight.exp_avg_sq'", SHAPES);

        save(3);
        try (FileChannel ch = FileChannel.open(dir.resolve(OptimizerStateFormat.TENSORS_FILE), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 12);
        }
        IOException truncated = assertRejects("optimizer.safetensors", SHAPES);
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    }

    IOException assertRejects(String fragment, Map<String, long[]> expected) {
        IOException e = assertThrows(IOException.class, () -> load(expected));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
        return e;
    }

    List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
