package dev.decaf.core.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes the writer produces, read without the reader (huggingface/safetensors format). */
class SafetensorsFormatTest {

    @TempDir
    Path dir;

    @Test
    void singleTensorFileIsByteForByteWhatTheFormatPrescribes() throws IOException {
        Path p = dir.resolve("one.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(p, Map.of())) {
            w.add("x", DType.F32, 1);
            w.write("x", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(-2.0f).flip());
        }
        byte[] bytes = Files.readAllBytes(p);
        // header: 54 bytes of JSON, padded with 2 spaces to 56; data: 4 bytes → 8 + 56 + 4 = 68
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertEquals(54, json.length());
        assertEquals(68, bytes.length);
        // u64 little-endian 56 = 0x38
        byte[] expectedLen = {0x38, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < 8; i++) {
            assertEquals(expectedLen[i], bytes[i], "length byte " + i);
        }
        assertEquals(json + "  ", new String(bytes, 8, 56, StandardCharsets.UTF_8));
        // -2.0f = 0xC0000000, little-endian
        assertEquals(0x00, bytes[64]);
        assertEquals(0x00, bytes[65]);
        assertEquals(0x00, bytes[66]);
        assertEquals((byte) 0xC0, bytes[67]);
    }

    @Test
    void emptyFileHasAPaddedEmptyObjectHeader() throws IOException {
        Path p = dir.resolve("empty.safetensors");
        SafetensorsWriter.create(p, Map.of()).close();
        byte[] bytes = Files.readAllBytes(p);
        assertEquals(16, bytes.length);
        assertEquals(8, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals("{}      ", new String(bytes, 8, 8, StandardCharsets.UTF_8));
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertTrue(r.entries().isEmpty());
            assertTrue(r.metadata().isEmpty());
        }
    }

    @Test
    void headerIsPaddedJsonAndOffsetsAreContiguous() throws IOException {
        Path p = dir.resolve("multi.safetensors");
        // element counts 3·5 = 15, 7, 2·2·2 = 8 (F32) and 3 (I64); bytes 60, 28, 32, 24 = 144 in all
        long[][] shapes = {{3, 5}, {7}, {2, 2, 2}, {3}};
        DType[] types = {DType.F32, DType.F32, DType.F32, DType.I64};
        String[] names = {"layer.0.weight", "layer.0.bias", "cube", "ids"};
        int[] sizes = {60, 28, 32, 24};
        try (SafetensorsWriter w = SafetensorsWriter.create(p, Map.of("format", "pt"))) {
            for (int i = 0; i < names.length; i++) {
                w.add(names[i], types[i], shapes[i]);
            }
            for (int i = 0; i < names.length; i++) {
                ByteBuffer b = ByteBuffer.allocate(sizes[i]);
                for (int k = 0; k < sizes[i]; k++) {
                    b.put((byte) (i * 64 + k)); // distinct, recognisable bytes per tensor
                }
                w.write(names[i], b.flip());
            }
        }
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length " + n + " is a multiple of 8");
        assertEquals(8 + n + 144, bytes.length, "8 + header + 60 + 28 + 32 + 24 data bytes");

        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String trimmed = header.stripTrailing();
        assertTrue(trimmed.endsWith("}"), header);
        assertTrue(header.length() - trimmed.length() < 8, "padding is fewer than 8 spaces");
        for (int i = trimmed.length(); i < header.length(); i++) {
            assertEquals(' ', header.charAt(i), "padding byte " + i + " is a space");
        }

        JsonNode root = new ObjectMapper().readTree(trimmed);
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("__metadata__", "layer.0.weight", "layer.0.bias", "cube", "ids"), keys);
        assertEquals("pt", root.get("__metadata__").get("format").asText());

        long expectedBegin = 0;
        for (int i = 0; i < names.length; i++) {
            JsonNode t = root.get(names[i]);
            assertEquals(types[i].name(), t.get("dtype").asText());
            assertEquals(shapes[i].length, t.get("shape").size());
            for (int d = 0; d < shapes[i].length; d++) {
                assertEquals(shapes[i][d], t.get("shape").get(d).asLong());
            }
            long begin = t.get("data_offsets").get(0).asLong();
            long end = t.get("data_offsets").get(1).asLong();
            assertEquals(expectedBegin, begin, names[i] + " starts where the previous one ended");
            assertEquals(sizes[i], end - begin, names[i] + " byte size");
            // the bytes at 8 + N + begin are the ones written for this tensor
            for (int k = 0; k < sizes[i]; k++) {
                assertEquals((byte) (i * 64 + k), bytes[(int) (8 + n + begin + k)], names[i] + " byte " + k);
            }
            expectedBegin = end;
        }
        assertEquals(144, expectedBegin, "the last tensor ends at the end of the file");
    }

    @Test
    void headerLengthIsAlwaysAMultipleOfEight() throws IOException {
        // names of length 1..9 move the raw JSON length through every residue mod 8
        for (int len = 1; len <= 9; len++) {
            Path p = dir.resolve("pad" + len + ".safetensors");
            String name = "n".repeat(len);
            try (SafetensorsWriter w = SafetensorsWriter.create(p, Map.of())) {
                w.add(name, DType.F32, 1);
                w.write(name, ByteBuffer.allocate(4));
            }
            byte[] bytes = Files.readAllBytes(p);
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            // raw JSON is 53 + len bytes (54 for the one-letter name), padded up to a multiple of 8
            long raw = 53 + len;
            assertEquals((raw + 7) / 8 * 8, n, "name length " + len);
            assertEquals(8 + n + 4, bytes.length);
        }
    }
}
