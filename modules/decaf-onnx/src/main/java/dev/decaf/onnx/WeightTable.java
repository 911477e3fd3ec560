package dev.decaf.onnx;

import dev.decaf.core.json.Json;
import dev.decaf.core.safetensors.DType;
import dev.decaf.core.safetensors.HalfFloats;
import dev.decaf.core.safetensors.SafetensorsReader;
import dev.decaf.core.safetensors.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tensors of a model directory's {@code model.safetensors} (or its shards, listed in {@code
 * model.safetensors.index.json}), read one at a time as little-endian float32 — F16 and BF16 are
 * widened exactly — so a model larger than memory can be exported tensor by tensor.
 */
final class WeightTable implements AutoCloseable {

    private final Map<String, TensorEntry> entries = new LinkedHashMap<>();
    private final Map<String, SafetensorsReader> owner = new LinkedHashMap<>();
    private final List<SafetensorsReader> readers = new ArrayList<>();
    private DType stored;

    private WeightTable() {}

    static WeightTable open(Path dir) throws IOException {
        WeightTable t = new WeightTable();
        try {
            for (Path file : files(dir)) {
                SafetensorsReader r = SafetensorsReader.open(file);
                t.readers.add(r);
                for (TensorEntry e : r.entries().values()) {
                    if (e.dtype() != DType.F32 && e.dtype() != DType.F16 && e.dtype() != DType.BF16) {
                        throw new IOException(file + ": tensor '" + e.name() + "' is " + e.dtype()
                                + "; decaf exports F32, F16 and BF16 weights");
                    }
                    if (t.entries.put(e.name(), e) != null) {
                        throw new IOException(file + ": tensor '" + e.name() + "' appears twice");
                    }
                    t.owner.put(e.name(), r);
                    t.stored = t.stored == null ? e.dtype() : t.stored;
                }
            }
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** Returns the dtype the checkpoint stores (F32 when empty). */
    DType storedType() {
        return stored == null ? DType.F32 : stored;
    }

    boolean has(String name) {
        return entries.containsKey(name);
    }

    /** Returns a tensor's shape; an error naming the tensor when the checkpoint lacks it. */
    long[] shape(String name) throws IOException {
        TensorEntry e = entries.get(name);
        if (e == null) {
            throw new IOException("checkpoint has no tensor '" + name + "' (needed by config.json)");
        }
        return e.shape().clone();
    }

    /** Reads a tensor as little-endian float32. */
    ByteBuffer readFloats(String name) throws IOException {
        TensorEntry e = entries.get(name);
        int n = Math.toIntExact(e.numel());
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(n, 4)).order(ByteOrder.LITTLE_ENDIAN);
        if (e.dtype() == DType.F32) {
            owner.get(name).read(name, out.duplicate());
        } else {
            ByteBuffer halves = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
            owner.get(name).read(name, halves.duplicate());
            HalfFloats.widen(e.dtype(), halves, out.duplicate().order(ByteOrder.LITTLE_ENDIAN), n);
        }
        return out;
    }

    private static List<Path> files(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            Map<String, Object> root;
            try {
                root = Json.parseObject(Files.readString(index, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException(index + ": not valid JSON (" + e.getMessage() + ")", e);
            }
            if (!(root.get("weight_map") instanceof Map<?, ?> map)) {
                throw new IOException(index + ": missing key 'weight_map'");
            }
            TreeSet<String> names = new TreeSet<>();
            for (Object f : map.values()) {
                names.add(String.valueOf(f));
            }
            List<Path> out = new ArrayList<>();
            for (String f : names) {
                Path p = dir.resolve(f).normalize();
                if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) {
                    throw new IOException(index + ": shard '" + f + "' is missing");
                }
                out.add(p);
            }
            return out;
        }
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        throw new IOException(dir + ": no model.safetensors or model.safetensors.index.json");
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsReader r : readers) {
            try {
                r.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
