package dev.decaf.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.json.Json;
import dev.decaf.core.safetensors.DType;
import dev.decaf.core.safetensors.HalfFloats;
import dev.decaf.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX file that {@link OnnxExporter} wrote back into a model directory: {@code
 * config.json} (the exported text, byte for byte), {@code model.safetensors} (every initializer
 * under its Hugging Face name, in the checkpoint's stored dtype — float32, or narrowed back to
 * F16/BF16, which is exact because the export widened them) and the tokenizer files that sit next
 * to the ONNX file. Weights round-trip bit for bit.
 *
 * <p>A graph decaf did not write (no {@code decaf.config} metadata) or one with an operator decaf
 * does not export is refused with one line naming the file and what is wrong.
 */
public final class OnnxImporter {

    /** The export format version, stored in the metadata and checked on import. */
    public static final String FORMAT_VERSION = "1";

    /** Every operator decaf's exports use, at opset 17 and 23. */
    static final Set<String> KNOWN_OPS = Set.of("Add", "And", "Attention", "Cast", "Concat", "Constant", "Cos", "Div", "Equal",
            "Expand", "Gather", "Gelu", "Greater", "Identity", "LayerNormalization", "MatMul", "Mul", "Neg", "Not",
            "Or", "Pow", "Range", "ReduceMean", "ReduceSum", "Relu", "Reshape", "RMSNormalization", "RotaryEmbedding", "Shape", "Sigmoid",
            "Sin", "Slice", "Softmax", "Split", "Sqrt", "Squeeze", "Sub", "Tanh", "Transpose", "Unsqueeze");

    /** Files copied from beside the ONNX file when present. */
    private static final List<String> TOKENIZER_FILES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json");

    private OnnxImporter() {}

    /**
     * Reads a decaf export's model and checks that decaf knows it.
     *
     * @param file the ONNX file
     * @return the parsed model (initializers with external data still refer to their file)
     * @throws IOException one line naming the file: not ONNX, not a decaf export, or an unknown operator
     */
    public static ModelProto read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        if (!model.hasGraph()) {
            throw new IOException(file + ": not an ONNX model (no graph)");
        }
        if (metadata(model, OnnxExporter.META_CONFIG) == null) {
            throw new IOException(file + ": not a decaf export (no '" + OnnxExporter.META_CONFIG
                    + "' metadata); decaf imports only the graphs it exports");
        }
        String format = metadata(model, OnnxExporter.META_FORMAT);
        if (!FORMAT_VERSION.equals(format)) {
            throw new IOException(file + ": decaf ONNX format " + format + ", this decaf reads " + FORMAT_VERSION);
        }
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (!n.getDomain().isEmpty() || !KNOWN_OPS.contains(n.getOpType())) {
                throw new IOException(file + ": node '" + n.getName() + "' uses operator '"
                        + (n.getDomain().isEmpty() ? "" : n.getDomain() + ":") + n.getOpType()
                        + "', which decaf's exports do not use");
            }
        }
        return model;
    }

    /**
     * Returns a metadata value of a model, or null.
     *
     * @param model the model
     * @param key the key
     * @return the value or null
     */
    public static String metadata(ModelProto model, String key) {
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (e.getKey().equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Imports a decaf export into a model directory.
     *
     * @param file the ONNX file
     * @param outDir the directory to write (created; its config.json and model.safetensors replaced)
     * @return the model's config
     * @throws IOException one line naming the file when it is not a decaf export or is damaged
     */
    public static ModelConfig importModel(Path file, Path outDir) throws IOException {
        ModelProto model = read(file);
        String configText = metadata(model, OnnxExporter.META_CONFIG);
        ModelConfig config;
        try {
            config = ModelConfig.parse(Json.parseObject(configText), file + " (metadata " + OnnxExporter.META_CONFIG + ")");
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": metadata '" + OnnxExporter.META_CONFIG + "' is not JSON: " + e.getMessage(), e);
        }
        DType dtype;
        try {
            dtype = DType.parse(String.valueOf(metadata(model, OnnxExporter.META_DTYPE)));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": metadata '" + OnnxExporter.META_DTYPE + "': " + e.getMessage(), e);
        }
        Files.createDirectories(outDir);
        Path tmp = outDir.resolve("model.safetensors.tmp");
        Map<String, FileChannel> external = new HashMap<>();
        try (SafetensorsWriter w = SafetensorsWriter.create(tmp, Map.of("format", "pt"))) {
            List<TensorProto> inits = model.getGraph().getInitializerList();
            for (TensorProto t : inits) {
                if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                    throw new IOException(file + ": initializer '" + t.getName() + "' is not float32");
                }
                long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
                w.add(t.getName(), dtype, dims);
            }
            for (TensorProto t : inits) {
                ByteBuffer floats = floats(file, t, external);
                w.write(t.getName(), dtype == DType.F32 ? floats : narrow(dtype, floats));
            }
        } finally {
            for (FileChannel ch : external.values()) {
                ch.close();
            }
        }
        Files.move(tmp, outDir.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(outDir.resolve("config.json"), configText, StandardCharsets.UTF_8);
        Path beside = file.toAbsolutePath().getParent();
        for (String name : TOKENIZER_FILES) {
            Path src = beside.resolve(name);
            Path dst = outDir.resolve(name);
            if (Files.isRegularFile(src) && !Files.isSameFile(beside, outDir.toAbsolutePath())) {
                Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return config;
    }

    /** An initializer's values as little-endian float32, from its raw data, float_data or external file. */
    private static ByteBuffer floats(Path file, TensorProto t, Map<String, FileChannel> external) throws IOException {
        long numel = 1;
        for (long d : t.getDimsList()) {
            numel = Math.multiplyExact(numel, d);
        }
        int bytes = Math.toIntExact(numel * 4);
        ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            Map<String, String> ext = new HashMap<>();
            t.getExternalDataList().forEach(e -> ext.put(e.getKey(), e.getValue()));
            String location = ext.get("location");
            Path data = file.toAbsolutePath().getParent().resolve(String.valueOf(location)).normalize();
            if (location == null || !data.startsWith(file.toAbsolutePath().getParent()) || !Files.isRegularFile(data)) {
                throw new IOException(file + ": initializer '" + t.getName() + "' refers to external data '" + location
                        + "', which is missing");
            }
            long offset = Long.parseLong(ext.getOrDefault("offset", "0"));
            long length = Long.parseLong(ext.getOrDefault("length", Long.toString(bytes)));
            if (length != bytes) {
                throw new IOException(file + ": initializer '" + t.getName() + "' has " + length
                        + " bytes of external data, its shape needs " + bytes);
            }
            FileChannel ch = external.get(location);
            if (ch == null) {
                ch = FileChannel.open(data, StandardOpenOption.READ);
                external.put(location, ch);
            }
            long pos = offset;
            while (out.hasRemaining()) {
                int n = ch.read(out, pos);
                if (n < 0) {
                    throw new IOException(data + ": ends inside initializer '" + t.getName() + "'");
                }
                pos += n;
            }
            return out.flip();
        }
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != bytes) {
                throw new IOException(file + ": initializer '" + t.getName() + "' has " + t.getRawData().size()
                        + " bytes, its shape needs " + bytes);
            }
            t.getRawData().copyTo(out);
            return out.flip();
        }
        if (t.getFloatDataCount() != numel) {
            throw new IOException(file + ": initializer '" + t.getName() + "' has " + t.getFloatDataCount()
                    + " values, its shape needs " + numel);
        }
        for (float f : t.getFloatDataList()) {
            out.putFloat(f);
        }
        return out.flip();
    }

    private static ByteBuffer narrow(DType dtype, ByteBuffer floats) {
        int n = floats.remaining() / 4;
        ByteBuffer halves = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        HalfFloats.narrow(dtype, floats, halves, n);
        return halves;
    }
}
