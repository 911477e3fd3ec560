package dev.decaf.text.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Streams the lines of a UTF-8 file, one at a time, remembering whether each ended with a line
 * terminator ({@code \n} or {@code \r\n}; a lone {@code \r} is content). Lines are split on the
 * byte {@code 0x0A} (which never occurs inside a multi-byte UTF-8 sequence) and decoded one by one,
 * so invalid UTF-8 is reported on the exact line. A leading byte-order mark is dropped.
 *
 * <p>A line holds at most {@code maxLineBytes} bytes (default {@value #DEFAULT_MAX_LINE_BYTES},
 * 8 MiB, terminator not counted): a longer one is read through to its end without being kept and
 * reported as a {@link LineTooLongException}, after which the reader goes on with the next line.
 * So reading one line never holds more than the limit, whatever the file.
 */
final class LineReader implements Closeable {

    /** The longest line kept by default: 8 MiB, far above any real example, far below the heap. */
    static final int DEFAULT_MAX_LINE_BYTES = 8 << 20;

    private final Path file;
    private final int maxLineBytes;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buf = new byte[1 << 16];
    private byte[] line = new byte[256];
    private int lineLength;
    /** Bytes of the current line, those not kept past the limit included. */
    private long lineBytes;
    private byte lastByte;
    private int pos;
    private int limit;
    private long lineNumber;
    private boolean terminated;
    private boolean eof;

    /**
     * Reads from a stream.
     *
     * @param file the file the stream reads, for messages
     * @param in the stream; closed with this reader
     */
    LineReader(Path file, InputStream in) {
        this(file, in, DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * Reads from a stream, with a limit on the length of a line.
     *
     * @param file the file the stream reads, for messages
     * @param in the stream; closed with this reader
     * @param maxLineBytes the longest line kept, in bytes (≥ 1)
     */
    LineReader(Path file, InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1 || maxLineBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxLineBytes must be in [1, " + (Integer.MAX_VALUE - 16) + "], got "
                    + maxLineBytes);
        }
        this.file = file;
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Returns the next line without its terminator, or null at the end of the file.
     *
     * @return the line, or null
     * @throws LineTooLongException when the line is longer than the limit (the reader has passed
     *     it: the next call returns the following line)
     * @throws DataException when the line is not valid UTF-8 (the reader has passed it too)
     * @throws IOException when reading fails
     */
    String next() throws IOException {
        lineLength = 0;
        lineBytes = 0;
        boolean any = false;
        while (true) {
            if (pos == limit && !fill()) {
                if (!any) {
                    return null;
                }
                terminated = false;
                return decode();
            }
            any = true;
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            append(start, pos - start);
            if (pos < limit) {
                pos++;
                if (lineBytes > 0 && lastByte == '\r') {
                    if (lineLength == lineBytes) {
                        lineLength--;
                    }
                    lineBytes--;
                }
                terminated = true;
                return decode();
            }
        }
    }

    private void append(int from, int n) {
        if (n == 0) {
            return;
        }
        lineBytes += n;
        lastByte = buf[from + n - 1];
        if (lineBytes > maxLineBytes + 1L) {
            return; // too long: counted, not kept (one byte over is kept: it may be the \r of \r\n)
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(Math.max(line.length * 2L, lineLength + n), maxLineBytes + 1L));
        }
        System.arraycopy(buf, from, line, lineLength, n);
        lineLength += n;
    }

    private String decode() throws DataException {
        lineNumber++;
        if (lineBytes > maxLineBytes) {
            throw new LineTooLongException(file, lineNumber, lineBytes, maxLineBytes);
        }
        int from = 0;
        if (lineNumber == 1 && lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB
                && line[2] == (byte) 0xBF) {
            from = 3;
        }
        try {
            return decoder.decode(ByteBuffer.wrap(line, from, lineLength - from)).toString();
        } catch (CharacterCodingException e) {
            throw new DataException(file, lineNumber, "not valid UTF-8");
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** Returns whether the line last returned ended with a terminator. */
    boolean terminated() {
        return terminated;
    }

    /** Returns the 1-based number of the line last returned. */
    long lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
