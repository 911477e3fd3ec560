package dev.decaf.text.data;

import java.nio.file.Path;

/**
 * A line longer than the reader's limit ({@code LineReader.DEFAULT_MAX_LINE_BYTES} unless set):
 * it was read through without being kept, so the reader can go on with the next line, and a
 * caller that skips bad lines counts it like any other bad line. The message is {@code FILE:LINE:
 * line is N bytes, more than the limit of M}.
 */
public final class LineTooLongException extends DataException {

    private static final long serialVersionUID = 1L;

    private final long bytes;
    private final long maxBytes;

    /**
     * Creates the exception.
     *
     * @param file the file
     * @param line the 1-based line number
     * @param bytes the line's length in bytes, without its terminator
     * @param maxBytes the limit
     */
    public LineTooLongException(Path file, long line, long bytes, long maxBytes) {
        super(file, line, problem(bytes, maxBytes));
        this.bytes = bytes;
        this.maxBytes = maxBytes;
    }

    /** Returns the problem without the location: {@code line is N bytes, more than the limit of M}. */
    static String problem(long bytes, long maxBytes) {
        return String.format(java.util.Locale.ROOT, "line is %,d bytes, more than the limit of %,d", bytes, maxBytes);
    }

    /** Returns the line's length in bytes. */
    public long bytes() {
        return bytes;
    }

    /** Returns the limit it exceeded. */
    public long maxBytes() {
        return maxBytes;
    }
}
