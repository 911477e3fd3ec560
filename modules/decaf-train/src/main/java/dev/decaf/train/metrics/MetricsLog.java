package dev.decaf.train.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.core.io.AtomicFiles;
import dev.decaf.text.data.JsonLines;
import dev.decaf.text.data.LineProblem;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's metrics as JSON lines, {@code OUT/metrics.jsonl}: one JSON object per {@link #log} call
 * (step, loss, lr, grad_norm, val_loss, …), written as one line and handed to the operating system
 * before {@code log} returns, so a crashed run loses at most the line being written.
 *
 * <p><b>Appending and recovery.</b> Opening an existing file appends to it (a resumed run continues
 * its log). A crash can leave a partial last line; on opening, everything after the last newline
 * is cut off, and so is a last complete line that is not a JSON object (a torn write), each with a
 * warning. {@link #resume} also drops entries of steps after the checkpoint a run resumes from, so
 * the steps it repeats are not logged twice.
 *
 * <p>Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code
 * "-Infinity"} (valid JSON). Thread-safe.
 */
public final class MetricsLog implements Closeable {

    /** The file name inside a run directory. */
    public static final String FILE_NAME = "metrics.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final long recoveredBytes;

    private MetricsLog(Path file, FileChannel channel, long recoveredBytes) {
        this.file = file;
        this.channel = channel;
        this.recoveredBytes = recoveredBytes;
    }

    /**
     * Opens {@code dir/metrics.jsonl} for appending, creating the directory and file when missing
     * and cutting off a partial last line.
     *
     * @param dir the run directory
     * @return the log
     * @throws IOException when the file cannot be opened
     */
    public static MetricsLog open(Path dir) throws IOException {
        return openFile(dir.resolve(FILE_NAME));
    }

    /**
     * Opens a metrics file for appending (see {@link #open}).
     *
     * @param file the JSON lines file
     * @return the log
     * @throws IOException when the file cannot be opened
     */
    public static MetricsLog openFile(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long cut = recover(file, ch);
            ch.position(ch.size());
            return new MetricsLog(file, ch, cut);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens {@code dir/metrics.jsonl} to continue a run from a checkpoint at {@code step}: as
     * {@link #open}, and entries whose {@code "step"} is greater than {@code step} (logged after the
     * checkpoint by the run that crashed) are removed, and so is a {@link FinalValidation} line at
     * {@code step} (left by a run that finished or stopped there; the resumed run writes its own), and
     * an {@link InitialValidation} line at {@code step} 0. The file is rewritten atomically when
     * anything is removed.
     *
     * @param dir the run directory
     * @param step the checkpoint's step
     * @return the log
     * @throws IOException when the file cannot be read or written
     */
    public static MetricsLog resume(Path dir, long step) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        long cut = 0;
        if (Files.isRegularFile(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                cut = recover(file, ch);
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> kept = new ArrayList<>(lines.size());
            for (String line : lines) {
                JsonNode s = line.isBlank() ? null : parse(line);
                boolean stepped = s != null && s.has("step") && s.get("step").isNumber();
                long at = stepped ? s.get("step").asLong() : 0;
                // a final validation line at the checkpoint's step (a finished or stopped run) is
                // written again when the resumed run ends
                // so is the starting validation loss when the run resumes from step 0 (it writes it again)
                if (!stepped || at < step || at == step && !FinalValidation.isFinalValidation(s)
                        && !InitialValidation.isInitialValidation(s)) {
                    kept.add(line);
                }
            }
            if (kept.size() < lines.size()) {
                LOG.info("{}: removed {} entries after step {} (the run resumes from there)", file,
                        lines.size() - kept.size(), step);
                StringBuilder sb = new StringBuilder();
                kept.forEach(l -> sb.append(l).append('\n'));
                AtomicFiles.writeString(file, sb.toString());
            }
        }
        MetricsLog log = open(dir);
        return cut == 0 ? log : new MetricsLog(log.file, log.channel, cut);
    }

    /** Returns the file. */
    public Path file() {
        return file;
    }

    /** Returns how many bytes of a damaged tail were cut off when the file was opened. */
    public long recoveredBytes() {
        return recoveredBytes;
    }

    /**
     * Appends one entry (keys in the map's iteration order).
     *
     * @param fields the entry's fields: numbers, strings, booleans, nulls, maps, lists
     * @throws IOException on a write error
     */
    public void log(Map<String, ?> fields) throws IOException {
        ObjectNode entry = JSON.valueToTree(Objects.requireNonNull(fields, "fields"));
        log(entry);
    }

    /**
     * Appends one typed row.
     *
     * @param row the row
     * @throws IOException on a write error
     */
    public void log(MetricsRow row) throws IOException {
        log(row.toJson());
    }

    /**
     * Appends one entry.
     *
     * @param entry the JSON object
     * @throws IOException on a write error
     */
    public synchronized void log(ObjectNode entry) throws IOException {
        byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.writeFully(channel, ByteBuffer.wrap(line));
    }

    /**
     * Forces the log to the storage device (a crash of the machine, not just the process, keeps
     * it).
     *
     * @throws IOException on an I/O error
     */
    public synchronized void sync() throws IOException {
        channel.force(false);
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel.isOpen()) {
            channel.force(false);
            channel.close();
        }
    }

    /**
     * Reads a metrics file: every line as a JSON object, blank lines skipped; a damaged last line
     * (from a crash) is ignored.
     *
     * @param file the file
     * @return the entries in file order
     * @throws IOException when the file is missing, or a line other than the last is not a JSON
     *     object (the message names {@code file:line})
     */
    public static List<ObjectNode> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<ObjectNode> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = parse(line);
            if (node instanceof ObjectNode o) {
                out.add(o);
            } else if (i < lines.size() - 1) {
                throw new IOException(file + ":" + (i + 1) + ": not a JSON object");
            }
        }
        return out;
    }

    /** The line's object, or null when the line is not one (a torn last line). */
    private static JsonNode parse(String line) {
        try {
            return JsonLines.object(line);
        } catch (LineProblem e) {
            return null;
        }
    }

    /**
     * Cuts a damaged tail: the bytes after the last newline, then a last line that is not a JSON
     * object. Returns the number of bytes cut.
     */
    private static long recover(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return 0;
        }
        long end = lastNewlineBefore(ch, size) + 1; // 0 when there is no newline at all
        if (end > 0) {
            long start = lastNewlineBefore(ch, end - 1) + 1;
            String last = readString(ch, start, end - 1 - start);
            if (!last.isBlank() && parse(last) == null) {
                end = start;
            }
        }
        if (end < size) {
            LOG.warn("{}: cut off {} bytes of a damaged last line (left by a crash)", file, size - end);
            ch.truncate(end);
            ch.force(false);
        }
        return size - end;
    }

    /** The offset of the last '\n' in {@code [0, limit)}, or −1. */
    private static long lastNewlineBefore(FileChannel ch, long limit) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long pos = limit;
        while (pos > 0) {
            int n = (int) Math.min(buf.capacity(), pos);
            pos -= n;
            buf.clear().limit(n);
            while (buf.hasRemaining()) {
                if (ch.read(buf, pos + buf.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return pos + i;
                }
            }
        }
        return -1;
    }

    private static String readString(FileChannel ch, long start, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("a metrics line of " + length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, start + buf.position()) < 0) {
                break;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

}
