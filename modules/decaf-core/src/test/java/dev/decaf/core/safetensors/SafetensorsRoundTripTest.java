package dev.decaf.core.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    static ByteBuffer f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.flip();
    }

    static int[] bits(ByteBuffer b) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[d.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.getInt();
        }
        return out;
    }

    static int[] bits(float... values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    static ByteBuffer read(SafetensorsReader r, String name) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) r.entries().get(name).byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        r.read(name, b);
        assertEquals(0, b.remaining(), "read fills the tensor's bytes");
        return b.flip();
    }

    // deliberately not alphabetical, so header order is distinguishable from sorted order
    static final float[] Z = {1.5f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, (float) Math.PI, -1e-30f};
    static final float[] A = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.1f};
    static final float[] M = {42.0f};

    Path writeSample(Map<String, String> metadata) throws IOException {
        Path p = dir.resolve("sample.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(p, metadata)) {
            w.add("z.weight", DType.F32, 2, 3);
            w.add("a.bias", DType.F32, 4);
            w.add("m.scale", DType.F32);
            w.write("z.weight", f32(Z));
            w.write("a.bias", f32(A));
            w.write("m.scale", f32(M));
        }
        return p;
    }

    @Test
    void f32TensorsRoundTripBitExactWithShapesOrderAndMetadata() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("decaf.step", "1200");
        Path p = writeSample(meta);

        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(List.of("z.weight", "a.bias", "m.scale"), List.copyOf(r.entries().keySet()));
            assertEquals(meta, r.metadata());

            TensorEntry z = r.entries().get("z.weight");
            assertEquals(DType.F32, z.dtype());
            assertArrayEquals(new long[] {2, 3}, z.shape());
            assertEquals(6, z.numel());
            assertEquals(0, z.begin());
            assertEquals(24, z.end());
            TensorEntry a = r.entries().get("a.bias");
            assertArrayEquals(new long[] {4}, a.shape());
            assertEquals(24, a.begin());
            assertEquals(40, a.end());
            TensorEntry m = r.entries().get("m.scale");
            assertArrayEquals(new long[] {}, m.shape());
            assertEquals(1, m.numel());
            assertEquals(40, m.begin());
            assertEquals(44, m.end());

            assertArrayEquals(bits(Z), bits(read(r, "z.weight")));
            assertArrayEquals(bits(A), bits(read(r, "a.bias")));
            assertArrayEquals(bits(M), bits(read(r, "m.scale")));
            // reading out of order and twice works: the reader is random access
            assertArrayEquals(bits(M), bits(read(r, "m.scale")));
            assertArrayEquals(bits(Z), bits(read(r, "z.weight")));
        }
    }

    @Test
    void noMetadataGivesAnEmptyMapAndNoMetadataKey() throws IOException {
        Path p = writeSample(Map.of());
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertTrue(r.metadata().isEmpty());
            assertEquals(3, r.entries().size());
        }
        String file = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(!file.contains("__metadata__"), "no __metadata__ entry when the map is empty");
    }

    @Test
    void readAtBufferPositionAdvancesIt() throws IOException {
        Path p = writeSample(Map.of());
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            ByteBuffer b = ByteBuffer.allocate(4 + 16 + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xCAFEBABE);
            r.read("a.bias", b);
            assertEquals(20, b.position());
            b.putInt(0x0BADF00D);
            b.flip();
            assertEquals(0xCAFEBABE, b.getInt());
            for (float v : A) {
                assertEquals(Float.floatToRawIntBits(v), b.getInt());
            }
            assertEquals(0x0BADF00D, b.getInt());
        }
    }

    @Test
    void otherDtypesKeepTheirSizesAndBytes() throws IOException {
        Path p = dir.resolve("mixed.safetensors");
        ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-2L).putLong(1L << 40).flip();
        ByteBuffer i32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(-7).putInt(0).flip();
        // bf16 1.0 = 0x3F80, -2.0 = 0xC000; f16 1.0 = 0x3C00
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80)
                .putShort((short) 0xC000).flip();
        ByteBuffer f16 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00).flip();
        try (SafetensorsWriter w = SafetensorsWriter.create(p, Map.of())) {
            w.add("ids", DType.I64, 2);
            w.add("counts", DType.I32, 3, 1);
            w.add("bf", DType.BF16, 2);
            w.add("h", DType.F16, 1);
            w.add("empty", DType.F32, 0, 5);
            w.write("ids", i64);
            w.write("counts", i32);
            w.write("bf", bf16);
            w.write("h", f16);
            w.write("empty", ByteBuffer.allocate(0));
            assertEquals(16, i64.remaining(), "write leaves the source position alone");
        }
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            Map<String, TensorEntry> e = r.entries();
            assertEquals(new TensorEntry("ids", DType.I64, new long[] {2}, 0, 16), e.get("ids"));
            assertEquals(new TensorEntry("counts", DType.I32, new long[] {3, 1}, 16, 28), e.get("counts"));
            assertEquals(new TensorEntry("bf", DType.BF16, new long[] {2}, 28, 32), e.get("bf"));
            assertEquals(new TensorEntry("h", DType.F16, new long[] {1}, 32, 34), e.get("h"));
            assertEquals(new TensorEntry("empty", DType.F32, new long[] {0, 5}, 34, 34), e.get("empty"));
            ByteBuffer ids = read(r, "ids");
            assertEquals(-2L, ids.getLong());
            assertEquals(1L << 40, ids.getLong());
            ByteBuffer counts = read(r, "counts");
            assertEquals(7, counts.getInt());
            assertEquals(-7, counts.getInt());
            assertEquals(0, counts.getInt());
            ByteBuffer bf = read(r, "bf");
            assertEquals((short) 0x3F80, bf.getShort());
            assertEquals((short) 0xC000, bf.getShort());
            assertEquals((short) 0x3C00, read(r, "h").getShort());
            assertEquals(0, read(r, "empty").remaining());
        }
    }

    @Test
    void writerReplacesAnExistingFile() throws IOException {
        Path p = dir.resolve("x.safetensors");
        Files.write(p, new byte[10_000]);
        try (SafetensorsWriter w = SafetensorsWriter.create(p, Map.of())) {
            w.add("x", DType.F32, 1);
            w.write("x", f32(2.5f));
        }
        // 8 + padded header + 4 data bytes, nothing left over from the old 10,000-byte file
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(Float.floatToRawIntBits(2.5f), read(r, "x").getInt());
        }
        assertEquals(68, Files.size(p), "8 + 56 (54-byte header padded) + 4");
    }
}
