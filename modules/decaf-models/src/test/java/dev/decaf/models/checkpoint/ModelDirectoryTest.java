package dev.decaf.models.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.core.safetensors.DType;
import dev.decaf.core.safetensors.SafetensorsReader;
import dev.decaf.core.safetensors.TensorEntry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Save → load round trips, dtype preservation, sharding, atomic replacement, and bad directories. */
class ModelDirectoryTest {

    @TempDir
    Path tmp;

    static byte[] tensorBytes(SafetensorsReader r, TensorEntry e) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) e.byteSize());
        r.read(e.name(), b);
        return b.array();
    }

    /** Every tensor of {@code a} is in {@code b} with the same dtype, shape and bytes (and vice versa). */
    static void assertSameTensors(Path a, Path b) throws IOException {
        try (SafetensorsReader ra = SafetensorsReader.open(a); SafetensorsReader rb = SafetensorsReader.open(b)) {
            assertEquals(ra.entries().keySet(), rb.entries().keySet());
            for (TensorEntry e : ra.entries().values()) {
                TensorEntry f = rb.entries().get(e.name());
                assertEquals(e.dtype(), f.dtype(), e.name());
                assertArrayEquals(e.shape(), f.shape(), e.name());
                assertArrayEquals(tensorBytes(ra, e), tensorBytes(rb, f), e.name());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny", "llama-tiny-bf16"})
    void saveThenLoadIsBitExactAndKeepsTheDtype(String name) throws Exception {
        Path src = GoldenLogitsTest.golden(name);
        Path out = tmp.resolve("saved");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelDirectory.Loaded loaded = ModelDirectory.load(src, manager);
            ModelDirectory.save(loaded.model(), loaded.dtype(), null, out);
            assertSameTensors(src.resolve("model.safetensors"), out.resolve("model.safetensors"));
            ObjectNode config = (ObjectNode) new ObjectMapper().readTree(out.resolve("config.json").toFile());
            ObjectNode original = (ObjectNode) new ObjectMapper().readTree(src.resolve("config.json").toFile());
            assertEquals(original, config, "config.json written back unchanged");
            ModelDirectory.Loaded again = ModelDirectory.load(out, manager);
            assertEquals(loaded.dtype(), again.dtype());
            for (String p : loaded.model().parameters().keySet()) {
                assertArrayEquals(loaded.model().parameters().get(p).getArray().toFloatArray(),
                        again.model().parameters().get(p).getArray().toFloatArray(), 0f, p);
            }
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temporary directory left behind");
        }
    }

    @Test
    void shardedSaveLoadsBackAndReplacesAtomically() throws Exception {
        Path src = GoldenLogitsTest.golden("llama-tiny");
        Path out = tmp.resolve("sharded");
        Files.createDirectories(out);
        Files.writeString(out.resolve("stale.txt"), "from an earlier save");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelDirectory.Loaded loaded = ModelDirectory.load(src, manager);
            ModelDirectory.save(loaded.model(), DType.F32, null, out, 40_000);
            assertFalse(Files.exists(out.resolve("stale.txt")), "the old directory was replaced whole");
            assertTrue(Files.isRegularFile(out.resolve("model.safetensors.index.json")));
            long shards;
            try (Stream<Path> s = Files.list(out)) {
                shards = s.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
            }
            assertTrue(shards >= 3, "shards: " + shards);
            ModelDirectory.Loaded again = ModelDirectory.load(out, manager);
            for (String p : loaded.model().parameters().keySet()) {
                assertArrayEquals(loaded.model().parameters().get(p).getArray().toFloatArray(),
                        again.model().parameters().get(p).getArray().toFloatArray(), 0f, p);
            }
        }
    }

    static Path copyOf(Path src, Path dst) throws IOException {
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    static String loadError(Path dir) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return assertThrows(IOException.class, () -> ModelDirectory.load(dir, manager)).getMessage();
        }
    }

    @Test
    void badDirectoriesFailNamingTheKeyOrTensor() throws Exception {
        Path gpt2 = GoldenLogitsTest.golden("gpt2-tiny");
        ObjectMapper json = new ObjectMapper();

        Path unknownType = copyOf(gpt2, tmp.resolve("unknown-type"));
        ObjectNode c = (ObjectNode) json.readTree(unknownType.resolve("config.json").toFile());
        c.put("model_type", "bert");
        json.writeValue(unknownType.resolve("config.json").toFile(), c);
        assertTrue(loadError(unknownType).endsWith("config.json: key 'model_type' is 'bert': decaf supports 'gpt2' and 'llama'"),
                loadError(unknownType));

        Path missingKey = copyOf(gpt2, tmp.resolve("missing-key"));
        c = (ObjectNode) json.readTree(missingKey.resolve("config.json").toFile());
        c.remove("n_head");
        json.writeValue(missingKey.resolve("config.json").toFile(), c);
        assertTrue(loadError(missingKey).endsWith("config.json: missing key 'n_head'"), loadError(missingKey));

        Path badHeads = copyOf(gpt2, tmp.resolve("bad-heads"));
        c = (ObjectNode) json.readTree(badHeads.resolve("config.json").toFile());
        c.put("n_head", 5);
        json.writeValue(badHeads.resolve("config.json").toFile(), c);
        assertTrue(loadError(badHeads).contains("key 'n_embd' (32) must be divisible by 'n_head' (5)"), loadError(badHeads));

        Path wrongShape = copyOf(gpt2, tmp.resolve("wrong-shape"));
        c = (ObjectNode) json.readTree(wrongShape.resolve("config.json").toFile());
        c.put("n_positions", 32);
        json.writeValue(wrongShape.resolve("config.json").toFile(), c);
        assertTrue(loadError(wrongShape).contains("tensor 'transformer.wpe.weight' has shape [64, 32] but config.json implies [32, 32]"),
                loadError(wrongShape));

        Path extraLayer = copyOf(gpt2, tmp.resolve("missing-tensor"));
        c = (ObjectNode) json.readTree(extraLayer.resolve("config.json").toFile());
        c.put("n_layer", 3);
        json.writeValue(extraLayer.resolve("config.json").toFile(), c);
        assertTrue(loadError(extraLayer).contains("checkpoint has no tensor 'transformer.h.2.ln_1.weight'"), loadError(extraLayer));

        Path fewerLayers = copyOf(gpt2, tmp.resolve("unknown-tensor"));
        c = (ObjectNode) json.readTree(fewerLayers.resolve("config.json").toFile());
        c.put("n_layer", 1);
        json.writeValue(fewerLayers.resolve("config.json").toFile(), c);
        assertTrue(loadError(fewerLayers).contains("checkpoint tensor 'transformer.h.1.ln_1.weight' is not a parameter"),
                loadError(fewerLayers));

        Path truncated = copyOf(gpt2, tmp.resolve("truncated"));
        try (FileChannel ch = FileChannel.open(truncated.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        assertTrue(loadError(truncated).contains("model.safetensors"), loadError(truncated));

        Path noWeights = copyOf(gpt2, tmp.resolve("no-weights"));
        Files.delete(noWeights.resolve("model.safetensors"));
        assertTrue(loadError(noWeights).endsWith("no model.safetensors or model.safetensors.index.json"), loadError(noWeights));

        assertTrue(loadError(tmp.resolve("nowhere")).endsWith("nowhere: not a model directory"));
        assertEquals(Map.of(), Map.of());
    }
}
