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
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a safetensors file tensor by tensor; only the header is held in memory, so files larger
 * than 2 GiB work. The format is described in {@link SafetensorsWriter}.
 *
 * <p>Every malformed input (short file, header past the end, offsets outside the data section or
 * overlapping) fails with an {@link IOException} naming the file and the tensor.
 */
public final class SafetensorsReader implements AutoCloseable {

    private static final long MAX_HEADER = 100L << 20;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorEntry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new IOException(path + ": not a safetensors file (" + size + " bytes)");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new IOException(path + ": header length " + headerLen + " is impossible for a "
                        + size + "-byte file (truncated or not safetensors)");
            }
            ByteBuffer head = ByteBuffer.allocate((int) headerLen);
            readFully(head, 8);
            Object parsed;
            try {
                parsed = Json.parse(new String(head.array(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException(path + ": header is not valid JSON: " + e.getMessage(), e);
            }
            if (!(parsed instanceof Map<?, ?> root)) {
                throw new IOException(path + ": header is not a JSON object");
            }
            dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, TensorEntry> map = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Map.Entry<?, ?> f : root.entrySet()) {
                String key = (String) f.getKey();
                if (key.equals("__metadata__")) {
                    if (f.getValue() instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> meta.put((String) k, v instanceof String str ? str : Json.write(v)));
                    }
                    continue;
                }
                map.put(key, parseEntry(key, f.getValue(), dataSize));
            }
            checkContiguous(map, dataSize);
            entries = Collections.unmodifiableMap(map);
            metadata = Collections.unmodifiableMap(meta);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Tensors must tile the data section exactly: no gap, no overlap, nothing after the last. */
    private void checkContiguous(Map<String, TensorEntry> map, long dataSize) throws IOException {
        List<TensorEntry> sorted = new ArrayList<>(map.values());
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long expected = 0;
        for (TensorEntry e : sorted) {
            if (e.begin() != expected) {
                throw new IOException(path + ": tensor '" + e.name() + "' starts at byte " + e.begin()
                        + " of the data section, expected " + expected + " (overlapping or gapped data_offsets)");
            }
            expected = e.end();
        }
        if (expected != dataSize) {
            throw new IOException(path + ": tensors end at byte " + expected + " but the data section has "
                    + dataSize + " bytes (truncated or trailing data)");
        }
    }

    private TensorEntry parseEntry(String name, Object node, long dataSize) throws IOException {
        if (!(node instanceof Map<?, ?> n) || !(n.get("dtype") instanceof String dtypeName)
                || !(n.get("shape") instanceof List<?> shapeNode) || !(n.get("data_offsets") instanceof List<?> offsets)
                || offsets.size() != 2) {
            throw new IOException(path + ": tensor '" + name + "' lacks dtype, shape or data_offsets");
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": tensor '" + name + "': " + e.getMessage(), e);
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            Object d = shapeNode.get(i);
            if (!(d instanceof Long dim) || dim < 0) {
                throw new IOException(path + ": tensor '" + name + "' has an invalid dimension " + Json.write(d));
            }
            shape[i] = dim;
            numel = Math.multiplyExact(numel, shape[i]);
        }
        long begin = offset(name, offsets.get(0));
        long end = offset(name, offsets.get(1));
        if (begin < 0 || begin > end || end > dataSize || end - begin != numel * dtype.bytes()) {
            throw new IOException(path + ": tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "] but the data section has " + dataSize + " bytes and the shape needs "
                    + numel * dtype.bytes() + " (truncated file?)");
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    private long offset(String name, Object value) throws IOException {
        if (!(value instanceof Long v)) {
            throw new IOException(path + ": tensor '" + name + "' has a non-integer data offset " + Json.write(value));
        }
        return v;
    }

    /**
     * Opens a file and parses its header.
     *
     * @param path the file
     * @return the reader
     * @throws IOException when the file is missing, truncated or malformed
     */
    public static SafetensorsReader open(Path path) throws IOException {
        return new SafetensorsReader(path);
    }

    /** Returns the tensors, in header order. */
    public Map<String, TensorEntry> entries() {
        return entries;
    }

    /** Returns the {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Reads a tensor's bytes into {@code dst} (from its position; the position advances).
     *
     * @param name the tensor
     * @param dst a buffer with at least the tensor's byte size remaining
     * @throws IOException on a read error or an unknown name
     */
    public void read(String name, ByteBuffer dst) throws IOException {
        TensorEntry e = entries.get(name);
        if (e == null) {
            throw new IOException(path + ": no tensor '" + name + "'");
        }
        if (dst.remaining() < e.byteSize()) {
            throw new IllegalArgumentException("buffer too small for '" + name + "': " + dst.remaining()
                    + " < " + e.byteSize());
        }
        ByteBuffer slice = dst.slice();
        slice.limit((int) e.byteSize());
        readFully(slice, dataStart + e.begin());
        dst.position(dst.position() + (int) e.byteSize());
    }

    private void readFully(ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new IOException(path + ": unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
