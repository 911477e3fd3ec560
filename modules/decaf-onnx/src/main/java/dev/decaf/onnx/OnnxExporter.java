package dev.decaf.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.decaf.core.config.Gpt2Config;
import dev.decaf.core.config.LlamaConfig;
import dev.decaf.core.config.ModelConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Exports a decaf or Hugging Face model directory ({@code config.json} + safetensors) to an ONNX
 * file, without a tensor engine: the graph is written with the protobuf classes generated from
 * ONNX's {@code onnx-ml.proto} ({@code ai.onnx.proto.OnnxMl}) and the weights are copied from the
 * safetensors files as float32 initializers under their Hugging Face names.
 *
 * <p>The graph ({@link Gpt2Graph}, {@link LlamaGraph}) takes {@code input_ids} and {@code
 * attention_mask} ({@code [batch, sequence]} int64, both axes dynamic) and gives {@code logits}
 * {@code [batch, sequence, vocab]}; with {@link Builder#optKvCache} it also takes {@code
 * past_key_values.N.key/value} and gives {@code present.N.key/value} (Hugging Face Optimum's
 * names). Opset 17 at IR 8 by default (what ONNX 1.12's checker validates); opset 23 at IR 11
 * uses {@code RMSNormalization}, {@code RotaryEmbedding}, {@code Attention} and {@code Gelu}. When the weights exceed {@link
 * Builder#optExternalDataThreshold} (2 GiB, protobuf's limit, by default) they go to {@code
 * FILE.data} beside the model, written tensor by tensor, and the model references them by offset.
 *
 * <p>The same model and options give the same bytes: value names come from a counter, attributes
 * and initializers are written in a fixed order, and nothing time- or machine-dependent is stored.
 * The model's {@code config.json} text travels in the metadata ({@code decaf.config}) so that
 * {@link OnnxImporter} can rebuild the directory.
 */
public final class OnnxExporter {

    /** Metadata key of the {@code config.json} text. */
    public static final String META_CONFIG = "decaf.config";
    /** Metadata key saying whether the graph has the key/value cache ("true"/"false"). */
    public static final String META_KV_CACHE = "decaf.kv_cache";
    /** Metadata key of the checkpoint's stored dtype (F32, F16, BF16). */
    public static final String META_DTYPE = "decaf.dtype";
    /** Metadata key of the export format's version. */
    public static final String META_FORMAT = "decaf.onnx_format";
    /** Metadata key of the source directory's {@link WeightsFingerprint} (absent in older exports). */
    public static final String META_WEIGHTS = "decaf.weights_sha256";

    private static final long TWO_GIB = (1L << 31) - (64L << 20); // headroom for the graph itself

    private final int opset;
    private final boolean kvCache;
    private final long externalThreshold;

    private OnnxExporter(Builder b) {
        this.opset = b.opset;
        this.kvCache = b.kvCache;
        this.externalThreshold = b.externalThreshold;
    }

    /** Returns a builder (opset 17, no cache, external data above 2 GiB). */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of an export. */
    public static final class Builder {
        private int opset = 17;
        private boolean kvCache;
        private long externalThreshold = TWO_GIB;

        private Builder() {}

        /**
         * Sets the opset: 17 (IR 8, plain operators) or 23 (IR 11: RMSNormalization, RotaryEmbedding,
         * Attention, Gelu).
         *
         * @param opset 17 or 23
         * @return this builder
         */
        public Builder optOpset(int opset) {
            if (opset != 17 && opset != 23) {
                throw new IllegalArgumentException("opset must be 17 or 23, got " + opset);
            }
            this.opset = opset;
            return this;
        }

        /**
         * Adds the key/value cache inputs and outputs.
         *
         * @param kvCache whether to
         * @return this builder
         */
        public Builder optKvCache(boolean kvCache) {
            this.kvCache = kvCache;
            return this;
        }

        /**
         * Sets the weight size above which weights go to an external data file.
         *
         * @param bytes the threshold in bytes, ≥ 0
         * @return this builder
         */
        public Builder optExternalDataThreshold(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("threshold must be >= 0, got " + bytes);
            }
            this.externalThreshold = bytes;
            return this;
        }

        /** Returns the exporter. */
        public OnnxExporter build() {
            return new OnnxExporter(this);
        }
    }

    /**
     * What an export wrote.
     *
     * @param model the ONNX file
     * @param externalData the external data file, or null when the weights are inside the model
     * @param weights the number of weight tensors
     * @param weightBytes their size in bytes (float32)
     */
    public record Result(Path model, Path externalData, int weights, long weightBytes) {}

    /**
     * Exports a model directory.
     *
     * @param modelDir the directory with {@code config.json} and safetensors weights
     * @param out the ONNX file to write (replaced atomically)
     * @return what was written
     * @throws IOException naming the file or tensor when the directory is incomplete or invalid
     */
    public Result export(Path modelDir, Path out) throws IOException {
        if (!Files.isDirectory(modelDir)) {
            throw new IOException(modelDir + ": not a model directory");
        }
        ModelConfig config = ModelConfig.load(modelDir);
        String configText = Files.readString(modelDir.resolve("config.json"), StandardCharsets.UTF_8);
        try (WeightTable table = WeightTable.open(modelDir)) {
            GraphBuilder g = new GraphBuilder("decaf_" + config.modelType());
            DecoderGraph graph = graph(config, g, table);
            graph.write();
            long bytes = 0;
            for (long[] shape : graph.weights().values()) {
                bytes += numel(shape) * 4;
            }
            boolean external = bytes > externalThreshold;
            Path absOut = out.toAbsolutePath();
            Path dir = absOut.getParent();
            Files.createDirectories(dir);
            String dataName = absOut.getFileName() + ".data";
            Path dataTmp = dir.resolve(dataName + ".tmp");
            if (external) {
                writeExternal(table, graph.weights(), g, dataTmp, dataName);
            } else {
                for (Map.Entry<String, long[]> w : graph.weights().entrySet()) {
                    g.initializer(tensor(w.getKey(), w.getValue()).setRawData(ByteString.copyFrom(table.readFloats(w.getKey())))
                            .build());
                }
            }
            ModelProto model = model(g.build(), config, configText, table, WeightsFingerprint.of(modelDir));
            Path tmp = dir.resolve(absOut.getFileName() + ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                CodedOutputStream cos = CodedOutputStream.newInstance(os);
                model.writeTo(cos);
                cos.flush();
            }
            if (external) {
                Files.move(dataTmp, dir.resolve(dataName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(dir.resolve(dataName)); // a stale one from an earlier, larger export
            }
            Files.move(tmp, absOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Result(absOut, external ? dir.resolve(dataName) : null, graph.weights().size(), bytes);
        }
    }

    private DecoderGraph graph(ModelConfig config, GraphBuilder g, WeightTable table) throws IOException {
        if (config instanceof Gpt2Config c) {
            return new Gpt2Graph(c, g, table, opset, kvCache);
        }
        if (config instanceof LlamaConfig c) {
            return new LlamaGraph(c, g, table, opset, kvCache);
        }
        throw new IOException("config.json: model_type '" + config.modelType() + "' has no ONNX graph in decaf"
                + " (it exports gpt2 and llama)");
    }

    /** Streams every weight into the data file and references it from an initializer. */
    private static void writeExternal(WeightTable table, Map<String, long[]> weights, GraphBuilder g, Path dataTmp,
            String location) throws IOException {
        try (FileChannel ch = FileChannel.open(dataTmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long offset = 0;
            for (Map.Entry<String, long[]> w : weights.entrySet()) {
                ByteBuffer data = table.readFloats(w.getKey());
                long length = data.remaining();
                while (data.hasRemaining()) {
                    ch.write(data);
                }
                g.initializer(tensor(w.getKey(), w.getValue())
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", location))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(length)))
                        .build());
                offset += length;
            }
            ch.force(true);
        }
    }

    private static TensorProto.Builder tensor(String name, long[] shape) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : shape) {
            t.addDims(d);
        }
        return t;
    }

    private ModelProto model(GraphProto graph, ModelConfig config, String configText, WeightTable table,
            String weights) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(opset >= 23 ? 11 : 8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setProducerName("decaf")
                .setProducerVersion(OnnxImporter.FORMAT_VERSION)
                .setDocString(config.modelType() + " decoder exported by decaf")
                .setGraph(graph)
                .addMetadataProps(entry(META_FORMAT, OnnxImporter.FORMAT_VERSION))
                .addMetadataProps(entry(META_CONFIG, configText))
                .addMetadataProps(entry(META_KV_CACHE, Boolean.toString(kvCache)))
                .addMetadataProps(entry(META_DTYPE, table.storedType().name()));
        if (weights != null) {
            model.addMetadataProps(entry(META_WEIGHTS, weights));
        }
        return model.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
