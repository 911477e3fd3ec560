package dev.decaf.core.safetensors;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams tensors into a safetensors file without holding the file in memory.
 *
 * <p>Format (huggingface/safetensors): an unsigned little-endian 64-bit header length N, N bytes
 * of UTF-8 JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin,
 * end]}} (plus an optional {@code "__metadata__"} string map), padded with spaces to a multiple of
 * 8, then the raw little-endian tensor bytes in header order. Because the header comes first, all
 * tensors are declared with {@link #add} before any data is written with {@link #write}.
 *
 * <pre>{@code
 * try (SafetensorsWriter w = SafetensorsWriter.create(path, Map.of("format", "pt"))) {
 *     w.add("a", DType.F32, 2, 3); w.add("b", DType.F32, 4);
 *     w.write("a", bufferA); w.write("b", bufferB);
 * }
 * }</pre>
 */
public final class SafetensorsWriter implements AutoCloseable {


    private final Path path;
    private final Map<String, String> metadata;
    private final Map<String, TensorEntry> entries = new LinkedHashMap<>();
    private final List<String> order = new ArrayList<>();
    private FileChannel channel;
    private int nextToWrite;
    private long offset;

    private SafetensorsWriter(Path path, Map<String, String> metadata) {
        this.path = path;
        this.metadata = metadata;
    }

    /**
     * Starts a file.
     *
     * @param path the file to write (replaced if it exists)
     * @param metadata the {@code __metadata__} map, may be empty
     * @return the writer
     */
    public static SafetensorsWriter create(Path path, Map<String, String> metadata) {
        return new SafetensorsWriter(path, new LinkedHashMap<>(metadata));
    }

    /**
     * Declares a tensor. All declarations precede the first {@link #write}.
     *
     * @param name the name
     * @param dtype the element type
     * @param shape the shape
     */
    public void add(String name, DType dtype, long... shape) {
        if (channel != null) {
            throw new IllegalStateException("declare every tensor before writing data (at '" + name + "')");
        }
        if (name.equals("__metadata__")) {
            throw new IllegalArgumentException("a tensor cannot be named '__metadata__' (reserved by the format)");
        }
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension " + d);
            }
            numel = Math.multiplyExact(numel, d);
        }
        TensorEntry e = new TensorEntry(name, dtype, shape.clone(), offset, offset + numel * dtype.bytes());
        if (entries.putIfAbsent(name, e) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' declared twice");
        }
        order.add(name);
        offset = e.end();
    }

    /**
     * Writes the next tensor's bytes; tensors are written in the order they were declared.
     *
     * @param name the tensor (must be the next one declared)
     * @param data its bytes, little-endian, from position to limit; the position is not changed
     * @throws IOException on a write error
     */
    public void write(String name, ByteBuffer data) throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            writeHeader();
        }
        if (nextToWrite >= order.size() || !order.get(nextToWrite).equals(name)) {
            throw new IllegalStateException("expected tensor '"
                    + (nextToWrite < order.size() ? order.get(nextToWrite) : "(none)") + "', got '" + name + "'");
        }
        TensorEntry e = entries.get(name);
        ByteBuffer d = data.duplicate();
        if (d.remaining() != e.byteSize()) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + d.remaining()
                    + " bytes, header says " + e.byteSize());
        }
        while (d.hasRemaining()) {
            channel.write(d);
        }
        nextToWrite++;
    }

    private void writeHeader() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            root.put("__metadata__", metadata);
        }
        for (String n : order) {
            TensorEntry e = entries.get(n);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", e.dtype().name());
            t.put("shape", e.shape());
            t.put("data_offsets", new long[] {e.begin(), e.end()});
            root.put(n, t);
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        while (head.hasRemaining()) {
            channel.write(head);
        }
    }

    /**
     * Finishes the file: checks every declared tensor was written and forces it to disk.
     *
     * @throws IOException on a write error, or when tensors were declared but not written
     */
    @Override
    public void close() throws IOException {
        try {
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                writeHeader();
            }
            if (nextToWrite != order.size()) {
                throw new IOException(path + ": " + (order.size() - nextToWrite)
                        + " declared tensors were not written, first '" + order.get(nextToWrite) + "'");
            }
            channel.force(true);
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
