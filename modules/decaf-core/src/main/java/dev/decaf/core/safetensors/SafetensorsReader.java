package dev.decaf.core.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Iterator;
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

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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
            JsonNode root;
            try {
                root = JSON.readTree(new String(head.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IOException(path + ": header is not valid JSON: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new IOException(path + ": header is not a JSON object");
            }
            dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, TensorEntry> map = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    f.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                map.put(f.getKey(), parseEntry(f.getKey(), f.getValue(), dataSize));
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

    private TensorEntry parseEntry(String name, JsonNode n, long dataSize) throws IOException {
        JsonNode offsets = n.get("data_offsets");
        JsonNode shapeNode = n.get("shape");
        if (!n.isObject() || n.get("dtype") == null || shapeNode == null || !shapeNode.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new IOException(path + ": tensor '" + name + "' lacks dtype, shape or data_offsets");
        }
        DType dtype;
        try {
            dtype = DType.parse(n.get("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": tensor '" + name + "': " + e.getMessage(), e);
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new IOException(path + ": tensor '" + name + "' has an invalid dimension " + d);
            }
            shape[i] = d.asLong();
            numel = Math.multiplyExact(numel, shape[i]);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || begin > end || end > dataSize || end - begin != numel * dtype.bytes()) {
            throw new IOException(path + ": tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "] but the data section has " + dataSize + " bytes and the shape needs "
                    + numel * dtype.bytes() + " (truncated file?)");
        }
        return new TensorEntry(name, dtype, shape, begin, end);
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
