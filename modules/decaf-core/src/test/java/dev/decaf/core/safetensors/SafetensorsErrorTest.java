package dev.decaf.core.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsErrorTest {

    @TempDir
    Path dir;

    static void assertMessage(Throwable e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    "message should contain '" + f + "': " + e.getMessage());
        }
    }

    /** Writes 8-byte length + header (space-padded to 8) + {@code dataBytes} zero bytes. */
    Path raw(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int n = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + n + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(h);
        while (b.position() < 8 + n) {
            b.put((byte) ' ');
        }
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    /** A valid file: "a" F32 [4] (bytes 0..16), "b" F32 [2, 3] (bytes 16..40). */
    Path valid(String name) throws IOException {
        Path p = dir.resolve(name);
        try (SafetensorsWriter w = SafetensorsWriter.create(p, Map.of("format", "pt"))) {
            w.add("a", DType.F32, 4);
            w.add("b", DType.F32, 2, 3);
            w.write("a", ByteBuffer.allocate(16));
            w.write("b", ByteBuffer.allocate(24));
        }
        return p;
    }

    static void truncate(Path p, long bytesToDrop) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - bytesToDrop);
        }
    }

    @Nested
    class Reader {

        @Test
        void fileShorterThanEightBytes() throws IOException {
            Path p = dir.resolve("short.safetensors");
            Files.write(p, new byte[] {1, 2, 3, 4, 5});
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "5 bytes");
        }

        @Test
        void emptyFile() throws IOException {
            Path p = dir.resolve("empty.safetensors");
            Files.write(p, new byte[0]);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "0 bytes");
        }

        @Test
        void headerLengthBeyondTheFile() throws IOException {
            Path p = dir.resolve("long-header.safetensors");
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(1000);
            Files.write(p, b.array());
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "1000", "24-byte");
        }

        @Test
        void negativeAndTinyHeaderLengths() throws IOException {
            Path neg = dir.resolve("neg.safetensors");
            Files.write(neg, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array());
            assertMessage(assertThrows(IOException.class, () -> SafetensorsReader.open(neg)), neg.toString(), "-1");
            Path zero = dir.resolve("zero.safetensors");
            Files.write(zero, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0L).array());
            assertMessage(assertThrows(IOException.class, () -> SafetensorsReader.open(zero)), zero.toString(),
                    "header length 0");
        }

        @Test
        void fileCutInsideTheHeader() throws IOException {
            Path p = valid("cut-header.safetensors");
            long n = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            truncate(p, Files.size(p) - (8 + n - 3)); // keep 8 + n - 3 bytes
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "header length " + n);
        }

        @Test
        void truncatedDataSectionNamesFileAndTensor() throws IOException {
            Path p = valid("truncated.safetensors");
            try (SafetensorsReader r = SafetensorsReader.open(p)) {
                assertEquals(2, r.entries().size()); // sanity: valid before truncation
            }
            truncate(p, 3);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            // data section is now 37 bytes, "b" needs [16, 40]
            assertMessage(e, p.toString(), "'b'", "[16, 40]", "37 bytes");
        }

        @Test
        void truncationIntoTheFirstTensorNamesTheFirstTensor() throws IOException {
            Path p = valid("truncated2.safetensors");
            truncate(p, 30); // 10 data bytes left: "a" [0, 16] no longer fits
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "'a'", "10 bytes");
        }

        @Test
        void invalidJsonHeader() throws IOException {
            Path p = raw("bad-json.safetensors", "{\"a\": {\"dtype\": ", 0);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "not valid JSON");
        }

        @Test
        void unknownDtypeNamesFileTensorAndType() throws IOException {
            Path p = raw("fp8.safetensors", "{\"t\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "'t'", "F8_E4M3");
        }

        @Test
        void missingFieldsNameTheTensor() throws IOException {
            Path p = raw("nofields.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "'w'", "data_offsets");
        }

        @Test
        void offsetsThatDisagreeWithTheShape() throws IOException {
            // shape [3] of F32 needs 12 bytes, offsets say 8
            Path p = raw("mismatch.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 12);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "'w'", "[0, 8]", "needs 12");
        }

        @Test
        void negativeBeginOffset() throws IOException {
            Path p = raw("negbegin.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "'w'", "[-4, 0]");
        }

        @Test
        void missingFile() {
            Path p = dir.resolve("does-not-exist.safetensors");
            IOException e = assertThrows(NoSuchFileException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString());
        }

        @Test
        void readingAnUnknownTensorNamesIt() throws IOException {
            Path p = valid("ok.safetensors");
            try (SafetensorsReader r = SafetensorsReader.open(p)) {
                IOException e = assertThrows(IOException.class, () -> r.read("c", ByteBuffer.allocate(64)));
                assertMessage(e, p.toString(), "'c'");
            }
        }

        @Test
        void readingIntoATooSmallBuffer() throws IOException {
            Path p = valid("ok2.safetensors");
            try (SafetensorsReader r = SafetensorsReader.open(p)) {
                ByteBuffer small = ByteBuffer.allocate(23);
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> r.read("b", small));
                assertMessage(e, "'b'", "23 < 24");
                assertEquals(0, small.position(), "nothing consumed on failure");
            }
        }
    }

    @Nested
    class Writer {

        @Test
        void writingOutOfDeclaredOrder() throws IOException {
            Path p = dir.resolve("order.safetensors");
            SafetensorsWriter w = SafetensorsWriter.create(p, Map.of());
            w.add("a", DType.F32, 1);
            w.add("b", DType.F32, 1);
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> w.write("b", ByteBuffer.allocate(4)));
            assertMessage(e, "expected tensor 'a'", "got 'b'");
            w.write("a", ByteBuffer.allocate(4));
            IllegalStateException e2 =
                    assertThrows(IllegalStateException.class, () -> w.write("c", ByteBuffer.allocate(4)));
            assertMessage(e2, "expected tensor 'b'", "got 'c'");
            w.write("b", ByteBuffer.allocate(4));
            IllegalStateException e3 =
                    assertThrows(IllegalStateException.class, () -> w.write("a", ByteBuffer.allocate(4)));
            assertMessage(e3, "(none)", "got 'a'");
            w.close();
            try (SafetensorsReader r = SafetensorsReader.open(p)) {
                assertEquals(2, r.entries().size()); // the rejected calls did not corrupt the file
            }
        }

        @Test
        void writingBeforeAnythingIsDeclared() throws IOException {
            SafetensorsWriter w = SafetensorsWriter.create(dir.resolve("nothing.safetensors"), Map.of());
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> w.write("a", ByteBuffer.allocate(4)));
            assertMessage(e, "(none)", "'a'");
            w.close();
        }

        @Test
        void declaringAfterWritingStarted() throws IOException {
            SafetensorsWriter w = SafetensorsWriter.create(dir.resolve("late.safetensors"), Map.of());
            w.add("a", DType.F32, 1);
            w.write("a", ByteBuffer.allocate(4));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.add("late", DType.F32, 1));
            assertMessage(e, "'late'");
            w.close();
        }

        @Test
        void declaringTwice() throws IOException {
            SafetensorsWriter w = SafetensorsWriter.create(dir.resolve("twice.safetensors"), Map.of());
            w.add("a", DType.F32, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.add("a", DType.F32, 2));
            assertMessage(e, "'a'", "twice");
            w.write("a", ByteBuffer.allocate(4)); // the first declaration stands
            w.close();
        }

        @Test
        void wrongByteCount() throws IOException {
            Path p = dir.resolve("count.safetensors");
            SafetensorsWriter w = SafetensorsWriter.create(p, Map.of());
            w.add("a", DType.F32, 3); // 12 bytes
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> w.write("a", ByteBuffer.allocate(8)));
            assertMessage(e, "'a'", "8 bytes", "12");
            e = assertThrows(IllegalArgumentException.class, () -> w.write("a", ByteBuffer.allocate(16)));
            assertMessage(e, "16 bytes", "12");
            w.write("a", ByteBuffer.allocate(12));
            w.close();
            assertEquals(12, SafetensorsReader.open(p).entries().get("a").byteSize());
        }

        @Test
        void declaredButUnwrittenAtClose() throws IOException {
            Path p = dir.resolve("unwritten.safetensors");
            SafetensorsWriter w = SafetensorsWriter.create(p, Map.of());
            w.add("a", DType.F32, 1);
            w.add("b", DType.F32, 2);
            w.add("c", DType.F32, 3);
            w.write("a", ByteBuffer.allocate(4));
            IOException e = assertThrows(IOException.class, w::close);
            assertMessage(e, p.toString(), "2 declared tensors", "'b'");
        }

        @Test
        void nothingWrittenAtClose() throws IOException {
            Path p = dir.resolve("unwritten2.safetensors");
            SafetensorsWriter w = SafetensorsWriter.create(p, Map.of());
            w.add("only", DType.F32, 1);
            IOException e = assertThrows(IOException.class, w::close);
            assertMessage(e, p.toString(), "1 declared tensors", "'only'");
        }
    }

    /** Inputs that once slipped through: overlapping or reversed offsets, reserved names, negative sizes. */
    @Nested
    class FormerlyAccepted {

        @Test
        void overlappingOffsetsAreRejected() throws IOException {
            Path p = raw("overlap.safetensors",
                    "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "'b'");
        }

        @Test
        void reversedOffsetsAreRejectedAtOpen() throws IOException {
            Path p = raw("reversed.safetensors", "{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[4,0]}}", 4);
            IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(p));
            assertMessage(e, p.toString(), "'t'");
        }

        @Test
        void tensorNamedMetadataIsRejected() {
            SafetensorsWriter w = SafetensorsWriter.create(dir.resolve("meta.safetensors"), Map.of("format", "pt"));
            assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", DType.F32, 1));
        }

        @Test
        void negativeDimensionIsRejected() {
            SafetensorsWriter w = SafetensorsWriter.create(dir.resolve("negdim.safetensors"), Map.of());
            assertThrows(IllegalArgumentException.class, () -> w.add("x", DType.F32, -1));
        }
    }
}
