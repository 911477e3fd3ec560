package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.safetensors.DType;
import dev.decaf.core.safetensors.SafetensorsReader;
import dev.decaf.core.safetensors.SafetensorsWriter;
import dev.decaf.core.safetensors.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The on-disk form of {@link AdamFamily}'s state.
 *
 * <ul>
 *   <li>{@code optimizer.safetensors}: F32 tensors {@code NAME.exp_avg} (m) and {@code
 *       NAME.exp_avg_sq} (v), metadata {@code format=decaf-optimizer/1};
 *   <li>{@code optimizer.json}: the optimizer, its hyper-parameters, the group table and each
 *       parameter's step count t.
 * </ul>
 *
 * Each file is written under a temporary name, forced to disk, then renamed over the old one.
 */
final class OptimizerStateFiles {

    static final String TENSORS = "optimizer.safetensors";
    static final String JSON_FILE = "optimizer.json";
    static final String FORMAT = "decaf-optimizer/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A parameter's loaded state. */
    record Loaded(NDArray m, NDArray v, long step) {}

    private OptimizerStateFiles() {}

    static void save(Path dir, AdamFamily opt, Map<String, ParamState> states) throws IOException {
        checkLittleEndian();
        Files.createDirectories(dir);
        Path tensors = dir.resolve(TENSORS);
        Path tmpTensors = dir.resolve(TENSORS + ".tmp");
        try (SafetensorsWriter w = SafetensorsWriter.create(tmpTensors, Map.of("format", FORMAT))) {
            for (ParamState st : states.values()) {
                long[] shape = st.m.getShape().getShape();
                w.add(st.name + ".exp_avg", DType.F32, shape);
                w.add(st.name + ".exp_avg_sq", DType.F32, shape);
            }
            for (ParamState st : states.values()) {
                w.write(st.name + ".exp_avg", bytes(st.m));
                w.write(st.name + ".exp_avg_sq", bytes(st.v));
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("optimizer", opt.getClass().getSimpleName());
        root.put("beta1", opt.beta1());
        root.put("beta2", opt.beta2());
        root.put("eps", opt.epsilon());
        root.put("weight_decay", opt.weightDecay());
        root.put("decay_rule", opt.decayRule().recipeName());
        if (!Double.isNaN(opt.maxLearningRate())) {
            root.put("max_lr", opt.maxLearningRate());
        }
        var groups = root.putArray("groups");
        Set<GroupPlan.Group> seen = new LinkedHashSet<>();
        for (ParamState st : states.values()) {
            if (st.group != null && seen.add(st.group)) {
                ObjectNode g = groups.addObject();
                g.put("name", st.group.name());
                g.put("weight_decay", st.group.weightDecay());
                g.put("rule", st.group.decayRule().recipeName());
                g.put("lr_scale", st.group.lrScale());
                var members = g.putArray("params");
                st.group.members().forEach(p -> members.add(p.name()));
            }
        }
        ObjectNode params = root.putObject("params");
        for (ParamState st : states.values()) {
            ObjectNode p = params.putObject(st.name);
            p.put("step", st.step);
            var shape = p.putArray("shape");
            for (long d : st.m.getShape().getShape()) {
                shape.add(d);
            }
        }
        Path tmpJson = dir.resolve(JSON_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmpJson, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
            ch.force(true);
        }
        move(tmpTensors, tensors);
        move(tmpJson, dir.resolve(JSON_FILE));
    }

    static Map<String, Loaded> load(Path dir, AdamFamily opt, Map<String, long[]> expected, NDManager manager)
            throws IOException {
        checkLittleEndian();
        Path jsonPath = dir.resolve(JSON_FILE);
        if (!Files.isRegularFile(jsonPath)) {
            throw new IOException(jsonPath + ": missing optimizer state");
        }
        JsonNode root;
        try {
            root = JSON.readTree(jsonPath.toFile());
        } catch (IOException e) {
            throw new IOException(jsonPath + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IOException(jsonPath + ": field 'format' is '" + root.path("format").asText()
                    + "', expected '" + FORMAT + "'");
        }
        JsonNode params = root.path("params");
        Map<String, Loaded> out = new LinkedHashMap<>();
        Path tensorPath = dir.resolve(TENSORS);
        try (SafetensorsReader r = SafetensorsReader.open(tensorPath)) {
            if (!expected.isEmpty()) {
                // A parameter never updated has no state (as in PyTorch), so only extras are errors.
                for (var it = params.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (!expected.containsKey(name)) {
                        throw new IOException(jsonPath + ": parameter '" + name + "' is not in this model");
                    }
                }
            }
            for (var it = params.fields(); it.hasNext(); ) {
                var e = it.next();
                String name = e.getKey();
                long step = e.getValue().path("step").asLong(-1);
                if (step < 0) {
                    throw new IOException(jsonPath + ": params." + name + ".step is missing or negative");
                }
                TensorEntry m = entry(r, tensorPath, name + ".exp_avg");
                TensorEntry v = entry(r, tensorPath, name + ".exp_avg_sq");
                long[] want = expected.get(name);
                if (want != null && (!Arrays.equals(want, m.shape()) || !Arrays.equals(want, v.shape()))) {
                    throw new IOException(tensorPath + ": tensor '" + name + ".exp_avg' has shape "
                            + Arrays.toString(m.shape()) + " but the parameter has shape " + Arrays.toString(want));
                }
                out.put(name, new Loaded(read(r, m, manager), read(r, v, manager), step));
            }
        }
        return out;
    }

    private static TensorEntry entry(SafetensorsReader r, Path file, String name) throws IOException {
        TensorEntry e = r.entries().get(name);
        if (e == null) {
            throw new IOException(file + ": missing tensor '" + name + "'");
        }
        if (e.dtype() != DType.F32) {
            throw new IOException(file + ": tensor '" + name + "' is " + e.dtype() + ", expected F32");
        }
        return e;
    }

    private static NDArray read(SafetensorsReader r, TensorEntry e, NDManager manager) throws IOException {
        NDArray a = manager.zeros(new Shape(e.shape()), DataType.FLOAT32);
        ByteBuffer view = a.toByteBuffer(true);
        if (e.numel() > 0 && !TensorViews.writesThrough(a, view)) {
            throw new IOException("cannot write into a tensor on " + manager.getDevice());
        }
        r.read(e.name(), view);
        return a;
    }

    private static ByteBuffer bytes(NDArray a) {
        return a.toByteBuffer(true);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void checkLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("optimizer state files need a little-endian machine");
        }
    }
}
