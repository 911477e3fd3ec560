package dev.decaf.text.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that cannot be used as given: missing, empty, malformed JSON, a missing or mistyped
 * field, an example longer than the context. The message is one line that starts with the file,
 * and the line number when one line is at fault: {@code data.jsonl:12: missing field 'completion'}.
 */
public class DataException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file at fault, or null. */
    private final transient Path file;
    private final long line;

    /**
     * Reports a problem with one line of a file.
     *
     * @param file the file
     * @param line the 1-based line number, or 0 for the file as a whole
     * @param problem what is wrong, without the location
     */
    public DataException(Path file, long line, String problem) {
        super(where(file, line) + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /**
     * Reports a problem with a whole file.
     *
     * @param file the file
     * @param problem what is wrong, without the location
     */
    public DataException(Path file, String problem) {
        this(file, 0, problem);
    }

    /**
     * Reports a problem with a whole file, caused by another exception.
     *
     * @param file the file
     * @param problem what is wrong, without the location
     * @param cause the underlying exception
     */
    public DataException(Path file, String problem, Throwable cause) {
        super(where(file, 0) + ": " + problem, cause);
        this.file = file;
        this.line = 0;
    }

    /** Returns the file at fault (null when the exception was deserialized). */
    public Path file() {
        return file;
    }

    /** Returns the 1-based line at fault, or 0 when the file as a whole is. */
    public long line() {
        return line;
    }

    /** Formats {@code FILE:LINE}, or {@code FILE} when line is 0. */
    static String where(Path file, long line) {
        return line > 0 ? file + ":" + line : String.valueOf(file);
    }
}
