package dev.decaf.models.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import dev.decaf.core.io.AtomicFiles;
import dev.decaf.core.json.Json;
import dev.decaf.core.safetensors.DType;
import dev.decaf.core.safetensors.HalfFloats;
import dev.decaf.core.safetensors.SafetensorsReader;
import dev.decaf.core.safetensors.SafetensorsWriter;
import dev.decaf.core.safetensors.TensorEntry;
import dev.decaf.djl.internal.TensorViews;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.tokenizer.SpecialTokens;
import dev.decaf.text.tokenizer.TokenizerConfigFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face model directory: {@code config.json}, {@code model.safetensors} or {@code
 * model.safetensors.index.json} with shards, {@code generation_config.json}, and {@code
 * tokenizer.json} with {@code tokenizer_config.json}.
 *
 * <p>Loading reads tensors one at a time (F32, F16 or BF16; float32 in memory) straight into the
 * parameters, checks that every parameter is present with its shape, and rejects unknown tensors
 * (except buffers Hugging Face stores but decaf computes, such as GPT-2's {@code attn.bias}).
 * Saving writes the same names, shapes and dtype as the source into a temporary directory, forces
 * it to disk and renames it into place, so a reader never sees a half-written model. With a
 * tokenizer, the saved {@code config.json} and {@code generation_config.json} carry the tokenizer's
 * special-token ids ({@link TokenIds}) and {@code tokenizer_config.json} names its tokens ({@link
 * TokenizerConfigFile}); a {@code tokenizer_config.json} or {@code generation_config.json} next to
 * the source {@code tokenizer.json} is the base of the new one, so fields decaf does not manage (a
 * {@code chat_template}) survive a fine-tune.
 */
public final class ModelDirectory {

    /** Tensors that Hugging Face checkpoints may carry but decaf derives (masks, rotary tables). */
    private static final List<String> DERIVED_SUFFIXES =
            List.of(".attn.bias", ".attn.masked_bias", ".rotary_emb.inv_freq");

    /** Hugging Face's tokenizer settings, written next to {@code tokenizer.json}. */
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    /** Hugging Face's generation defaults (the stop id among them). */
    public static final String GENERATION_CONFIG = "generation_config.json";

    /** Default shard size: Hugging Face's {@code max_shard_size} default. */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;


    /**
     * A loaded model.
     *
     * @param config the architecture
     * @param model the block, initialized with the checkpoint's weights
     * @param dtype the dtype the checkpoint stored (saved back the same way)
     * @param directory where it came from
     */
    public record Loaded(ModelConfig config, DecoderModel model, DType dtype, Path directory) {}

    private ModelDirectory() {}

    /**
     * Loads a model directory onto the manager's device.
     *
     * @param dir the directory
     * @param manager owns the parameters
     * @return the model
     * @throws IOException when a file is missing or malformed, a tensor is missing, unknown or
     *     mis-shaped (the message names it)
     */
    public static Loaded load(Path dir, NDManager manager) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a model directory");
        }
        ModelConfig config = ModelConfig.load(dir);
        DecoderModel model = DecoderModel.of(config);
        model.initialize(manager);
        Map<String, Parameter> params = model.parameters();
        Set<String> seen = new HashSet<>();
        DType stored = null;
        for (Path file : tensorFiles(dir)) {
            try (SafetensorsReader r = SafetensorsReader.open(file)) {
                for (TensorEntry e : r.entries().values()) {
                    String name = resolve(e.name(), params, config);
                    if (name == null) {
                        continue;
                    }
                    if (!seen.add(name)) {
                        throw new IOException(file + ": tensor '" + e.name() + "' appears twice");
                    }
                    NDArray target = params.get(name).getArray();
                    long[] want = target.getShape().getShape();
                    if (!Arrays.equals(want, e.shape())) {
                        throw new IOException(file + ": tensor '" + e.name() + "' has shape " + Arrays.toString(e.shape())
                                + " but config.json implies " + Arrays.toString(want));
                    }
                    if (e.dtype() != DType.F32 && e.dtype() != DType.F16 && e.dtype() != DType.BF16) {
                        throw new IOException(file + ": tensor '" + e.name() + "' is " + e.dtype()
                                + "; decaf loads F32, F16 and BF16");
                    }
                    stored = stored == null ? e.dtype() : stored;
                    readInto(r, e, target);
                }
            }
        }
        for (String name : params.keySet()) {
            if (!seen.contains(name)) {
                throw new IOException(dir + ": checkpoint has no tensor '" + name + "' (needed by config.json)");
            }
        }
        return new Loaded(config, model, stored == null ? DType.F32 : stored, dir);
    }

    /** Maps a checkpoint name to a parameter name; null for derived buffers and a tied head. */
    private static String resolve(String name, Map<String, Parameter> params, ModelConfig config) throws IOException {
        if (params.containsKey(name)) {
            return name;
        }
        if (params.containsKey("transformer." + name)) {
            return "transformer." + name; // GPT2Model checkpoints (no LM-head wrapper) omit the prefix
        }
        if (DERIVED_SUFFIXES.stream().anyMatch(name::endsWith)) {
            return null;
        }
        if (name.equals("lm_head.weight") && config.tiedEmbeddings()) {
            return null; // stored copy of the tied embedding
        }
        throw new IOException("checkpoint tensor '" + name + "' is not a parameter of this " + config.modelType()
                + " model");
    }

    private static List<Path> tensorFiles(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            Map<String, Object> root;
            try {
                root = Json.parseObject(Files.readString(index, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
                throw new IOException(index + ": not valid JSON (" + e.getMessage() + ")", e);
            }
            if (!(root.get("weight_map") instanceof Map<?, ?> map)) {
                throw new IOException(index + ": missing key 'weight_map'");
            }
            Set<String> files = new java.util.TreeSet<>();
            for (Object f : map.values()) {
                if (!(f instanceof String name)) {
                    throw new IOException(index + ": 'weight_map' values must be file names, got " + Json.write(f));
                }
                files.add(name);
            }
            List<Path> out = new ArrayList<>();
            for (String f : files) {
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

    private static void readInto(SafetensorsReader r, TensorEntry e, NDArray target) throws IOException {
        int n = Math.toIntExact(e.numel());
        ByteBuffer view = TensorViews.writableView(target);
        ByteBuffer floats = view != null ? view : ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        if (e.dtype() == DType.F32) {
            r.read(e.name(), floats.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        } else {
            ByteBuffer halves = ByteBuffer.allocateDirect(n * 2).order(ByteOrder.LITTLE_ENDIAN);
            r.read(e.name(), halves.duplicate());
            HalfFloats.widen(e.dtype(), halves, floats, n);
        }
        if (view == null) {
            target.set(floats.rewind()); // GPU or non-contiguous: copy in
        }
    }

    /**
     * Saves a model directory atomically, with the dtype the source stored.
     *
     * @param model the model
     * @param dtype F32, F16 or BF16
     * @param tokenizer a tokenizer.json (or a directory holding one) to copy, or null
     * @param dir the target (replaced if it exists)
     * @throws IOException on a write error, or a malformed tokenizer file next to {@code tokenizer}
     */
    public static void save(DecoderModel model, DType dtype, Path tokenizer, Path dir) throws IOException {
        save(model, dtype, tokenizer, dir, DEFAULT_SHARD_BYTES);
    }

    /**
     * Saves a model directory atomically, sharding above {@code shardBytes}.
     *
     * @param model the model
     * @param dtype F32, F16 or BF16
     * @param tokenizer a tokenizer.json (or a directory holding one) to copy, or null
     * @param dir the target (replaced if it exists)
     * @param shardBytes the largest shard
     * @throws IOException on a write error
     */
    public static void save(DecoderModel model, DType dtype, Path tokenizer, Path dir, long shardBytes)
            throws IOException {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("models are saved as F32, F16 or BF16, not " + dtype);
        }
        Path tmp = AtomicFiles.newTemporaryDirectory(dir);
        try {
            Map<String, Object> config = model.config().json();
            config.put("torch_dtype", switch (dtype) {
                case F16 -> "float16";
                case BF16 -> "bfloat16";
                default -> "float32";
            });
            Path src = tokenizer == null ? null
                    : Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
            Path beside = src == null ? null : src.toAbsolutePath().getParent();
            if (src != null) {
                SpecialTokens tokens = SpecialTokens.read(src);
                TokenIds.apply(tokens, config);
                Map<String, Object> tokenizerConfig = TokenizerConfigFile.build(tokens, model.config().maxPositions(),
                        readObject(beside.resolve(TOKENIZER_CONFIG)));
                Files.copy(src, tmp.resolve("tokenizer.json"));
                Files.writeString(tmp.resolve(TOKENIZER_CONFIG), Json.pretty(tokenizerConfig), StandardCharsets.UTF_8);
            }
            Files.writeString(tmp.resolve("config.json"), Json.pretty(config), StandardCharsets.UTF_8);
            Map<String, Object> generation = TokenIds.generationConfig(config,
                    beside == null ? null : readObject(beside.resolve(GENERATION_CONFIG)));
            Files.writeString(tmp.resolve(GENERATION_CONFIG), Json.pretty(generation), StandardCharsets.UTF_8);
            writeTensors(model, dtype, tmp, shardBytes);
            AtomicFiles.replaceDirectory(tmp, dir);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteTree(tmp);
            throw e;
        }
    }

    /** A JSON object file, or null when there is none; a malformed one fails naming the file. */
    private static Map<String, Object> readObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not a valid JSON object (" + e.getMessage() + ")", e);
        }
    }

    private static void writeTensors(DecoderModel model, DType dtype, Path dir, long shardBytes) throws IOException {
        List<List<Map.Entry<String, Parameter>>> shards = new ArrayList<>();
        List<Map.Entry<String, Parameter>> current = new ArrayList<>();
        long size = 0;
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            long bytes = e.getValue().getArray().size() * dtype.bytes();
            if (!current.isEmpty() && size + bytes > shardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(e);
            size += bytes;
        }
        shards.add(current);
        Map<String, String> weightMap = new LinkedHashMap<>();
        long total = 0;
        for (int s = 0; s < shards.size(); s++) {
            String file = shards.size() == 1 ? "model.safetensors"
                    : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s + 1, shards.size());
            try (SafetensorsWriter w = SafetensorsWriter.create(dir.resolve(file), Map.of("format", "pt"))) {
                for (var e : shards.get(s)) {
                    w.add(e.getKey(), dtype, e.getValue().getArray().getShape().getShape());
                }
                for (var e : shards.get(s)) {
                    w.write(e.getKey(), bytes(e.getValue().getArray(), dtype));
                    weightMap.put(e.getKey(), file);
                    total += e.getValue().getArray().size() * dtype.bytes();
                }
            }
        }
        if (shards.size() > 1) {
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("metadata", Map.of("total_size", total));
            index.put("weight_map", weightMap);
            Files.writeString(dir.resolve("model.safetensors.index.json"), Json.pretty(index), StandardCharsets.UTF_8);
        }
    }

    private static ByteBuffer bytes(NDArray a, DType dtype) {
        NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        ByteBuffer floats = f.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.F32) {
            return floats;
        }
        int n = Math.toIntExact(a.size());
        ByteBuffer out = ByteBuffer.allocateDirect(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        HalfFloats.narrow(dtype, floats, out, n);
        return out;
    }
}
