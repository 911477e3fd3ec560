package dev.decaf.text.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link LineReader}'s line limit: a longer line is passed over without being held, and counted exactly. */
class LineReaderTest {

    private static final Path FILE = Path.of("t.jsonl");

    private static LineReader reader(String text, int max) {
        return new LineReader(FILE, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void aLineOverTheLimitIsReportedWithItsLengthAndReadingGoesOn() throws IOException {
        try (LineReader r = reader("abc\n" + "x".repeat(11) + "\nde\r\n" + "y".repeat(10) + "\r\nlast", 10)) {
            assertEquals("abc", r.next());
            LineTooLongException e = assertThrows(LineTooLongException.class, r::next);
            assertEquals("t.jsonl:2: line is 11 bytes, more than the limit of 10", e.getMessage());
            assertEquals(2, e.line());
            assertEquals(11, e.bytes());
            assertEquals("de", r.next());
            assertEquals(3, r.lineNumber());
            assertEquals("y".repeat(10), r.next()); // exactly the limit, \r\n not counted
            assertEquals("last", r.next());
            assertEquals(5, r.lineNumber());
            assertNull(r.next());
        }
    }

    @Test
    void aLongLastLineWithoutTerminatorAndACarriageReturnAreCountedExactly() throws IOException {
        try (LineReader r = reader("ok\n" + "z".repeat(25) + "\r\n" + "w".repeat(30), 8)) {
            assertEquals("ok", r.next());
            assertEquals(25, assertThrows(LineTooLongException.class, r::next).bytes()); // the \r of \r\n is not content
            assertEquals(30, assertThrows(LineTooLongException.class, r::next).bytes());
            assertNull(r.next());
        }
    }

    /** A stream of one huge line that fails the test if the reader asks for it all at once. */
    private static final class HugeLine extends InputStream {
        private long left;

        HugeLine(long bytes) {
            this.left = bytes;
        }

        @Override
        public int read() {
            throw new AssertionError("single-byte reads");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left < 0) {
                return -1;
            }
            if (left == 0) {
                left = -1;
                byte[] tail = "\n{\"text\":\"after\"}\n".getBytes(StandardCharsets.UTF_8);
                System.arraycopy(tail, 0, b, off, tail.length);
                return tail.length;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 'a');
            left -= n;
            return n;
        }
    }

    @Test
    void aHugeLineIsNeverHeld() throws IOException {
        // 64 MiB through a 1 KiB limit: the line buffer stays at the limit (a copy would need the heap)
        long bytes = 64L << 20;
        Runtime rt = Runtime.getRuntime();
        try (LineReader r = new LineReader(FILE, new HugeLine(bytes), 1024)) {
            long before = rt.totalMemory() - rt.freeMemory();
            LineTooLongException e = assertThrows(LineTooLongException.class, r::next);
            long grown = rt.totalMemory() - rt.freeMemory() - before;
            assertEquals(bytes, e.bytes());
            assertTrue(grown < bytes / 4, "the reader allocated " + grown + " bytes for one line");
            assertEquals("{\"text\":\"after\"}", r.next());
        }
    }

    @Test
    void theDefaultLimitIsEightMebibytes() {
        assertEquals(8 * 1024 * 1024, LineReader.DEFAULT_MAX_LINE_BYTES);
        assertThrows(IllegalArgumentException.class, () -> reader("", 0));
    }
}
