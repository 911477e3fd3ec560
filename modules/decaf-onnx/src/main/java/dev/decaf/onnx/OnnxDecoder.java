package dev.decaf.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decaf ONNX export run by ONNX Runtime's own Java API: the logits of a batch, and the steps of
 * generation with or without the key/value cache ({@link OnnxGenerator} drives them). This is the
 * class a JVM service that only wants inference uses; it needs neither DJL nor libtorch.
 *
 * <p>Inputs follow the export ({@link OnnxExporter}): {@code input_ids} and {@code attention_mask}
 * {@code [batch, sequence]} (the mask 0 on padding, so left-padded rows get the logits they get
 * alone), and for a graph with the cache the {@code past_key_values.N.*} of the previous step.
 *
 * <p>Not thread-safe for one {@link Cache}; {@link #logits} may be called from several threads (ONNX
 * Runtime sessions are). Close it to free the session.
 */
public final class OnnxDecoder implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelConfig config;
    private final String weights;
    private final boolean kvCache;
    private final int layers;
    private final long kvHeads;
    private final long headDim;
    private final Path file;

    private OnnxDecoder(Path file, OrtEnvironment env, OrtSession session, ModelConfig config, String weights)
            throws OrtException {
        this.weights = weights;
        this.file = file;
        this.env = env;
        this.session = session;
        this.config = config;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        this.kvCache = inputs.containsKey("past_key_values.0.key");
        int n = 0;
        long heads = 0;
        long dim = 0;
        while (inputs.containsKey("past_key_values." + n + ".key")) {
            long[] shape = ((TensorInfo) inputs.get("past_key_values." + n + ".key").getInfo()).getShape();
            heads = shape[1];
            dim = shape[3];
            n++;
        }
        this.layers = n;
        this.kvHeads = heads;
        this.headDim = dim;
    }

    /**
     * Opens an export with ONNX Runtime's default thread count.
     *
     * @param file the ONNX file (its external data, if any, beside it)
     * @return the decoder
     * @throws IOException one line naming the file when it is missing, not ONNX or not a decaf export
     */
    public static OnnxDecoder open(Path file) throws IOException {
        return open(file, 0);
    }

    /**
     * Opens an export.
     *
     * @param file the ONNX file
     * @param threads intra-op threads, 0 for ONNX Runtime's choice
     * @return the decoder
     * @throws IOException one line naming the file when it is missing, not ONNX or not a decaf export
     */
    public static OnnxDecoder open(Path file, int threads) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file (export one with: decaf export onnx --model DIR)");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            session = env.createSession(file.toString(), options);
            String configText = session.getMetadata().getCustomMetadata().get(OnnxExporter.META_CONFIG);
            if (configText == null) {
                throw new IOException(file + ": not a decaf export (no '" + OnnxExporter.META_CONFIG + "' metadata)");
            }
            ModelConfig config = ModelConfig.parse(Json.parseObject(configText), file + " (metadata)");
            String weights = session.getMetadata().getCustomMetadata().get(OnnxExporter.META_WEIGHTS);
            return new OnnxDecoder(file, env, session, config, weights);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new IOException(file + ": ONNX Runtime cannot load it: " + firstLine(e.getMessage()), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * Returns the {@link WeightsFingerprint} of the directory the graph was exported from, or null
     * for an export that predates it.
     *
     * @return lower-case hex SHA-256, or null
     */
    public String weightsFingerprint() {
        return weights;
    }

    /** Returns the model's config (from the export's metadata). */
    public ModelConfig config() {
        return config;
    }

    /** Returns whether the graph has the key/value cache inputs and outputs. */
    public boolean hasKvCache() {
        return kvCache;
    }

    /** Returns the ONNX file. */
    public Path file() {
        return file;
    }

    /**
     * Logits of a batch.
     *
     * @param batch B
     * @param seq S
     * @param vocab V
     * @param values row-major {@code [B, S, V]}
     */
    public record Logits(int batch, int seq, int vocab, float[] values) {
        /** Returns a copy of the logits of one position. */
        public float[] at(int b, int s) {
            float[] out = new float[vocab];
            System.arraycopy(values, (b * seq + s) * vocab, out, 0, vocab);
            return out;
        }
    }

    /**
     * Computes the logits of a batch without a cache (an empty one for a cache graph).
     *
     * @param ids {@code [B][S]} token ids
     * @param attentionMask {@code [B][S]}: 0 padding, 1 token (or segment ids ≥ 1 of packed examples);
     *     null for all ones
     * @return the logits {@code [B, S, V]}
     */
    public Logits logits(long[][] ids, long[][] attentionMask) {
        int b = ids.length;
        int s = ids[0].length;
        long[][] mask = attentionMask != null ? attentionMask : ones(b, s);
        try (Cache cache = newCache(b)) {
            return step(cache, ids, mask);
        }
    }

    /** The key/value cache of one generation: the present tensors of the last step. */
    public final class Cache implements AutoCloseable {
        private final int batch;
        private OrtSession.Result last;
        private final List<OnnxTensor> empty = new ArrayList<>();
        private long length;

        private Cache(int batch) {
            this.batch = batch;
        }

        /** Returns the number of positions cached. */
        public long length() {
            return length;
        }

        private Map<String, OnnxTensor> pasts() throws OrtException {
            Map<String, OnnxTensor> out = new LinkedHashMap<>();
            for (int i = 0; i < layers; i++) {
                for (String kind : List.of("key", "value")) {
                    OnnxTensor t;
                    if (last == null) {
                        t = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {batch, kvHeads, 0, headDim});
                        empty.add(t);
                    } else {
                        t = (OnnxTensor) last.get("present." + i + "." + kind).orElseThrow();
                    }
                    out.put("past_key_values." + i + "." + kind, t);
                }
            }
            return out;
        }

        private void replace(OrtSession.Result next, long newLength) {
            if (last != null) {
                last.close();
            }
            last = next;
            length = newLength;
            empty.forEach(OnnxTensor::close);
            empty.clear();
        }

        @Override
        public void close() {
            replace(null, 0);
        }
    }

    /**
     * Starts an empty cache for a batch (without the cache graph, it holds nothing).
     *
     * @param batch B
     * @return the cache
     */
    public Cache newCache(int batch) {
        return new Cache(batch);
    }

    /**
     * Runs one step: the new ids {@code [B][S]} after the cached positions, with the mask over the
     * cached and new positions {@code [B][P + S]}; the cache then holds {@code P + S} positions.
     * Without the cache graph, {@code P} must be 0 (pass the whole context each step).
     *
     * @param cache the cache (from {@link #newCache})
     * @param ids the new ids
     * @param mask the mask over cached and new positions
     * @return the logits of the new positions
     */
    public Logits step(Cache cache, long[][] ids, long[][] mask) {
        int b = ids.length;
        int s = ids[0].length;
        int total = mask[0].length;
        if (b != cache.batch || mask.length != b) {
            throw new IllegalArgumentException("batch " + b + " and mask rows " + mask.length + " must equal the cache's "
                    + cache.batch);
        }
        if (total != cache.length + s) {
            throw new IllegalArgumentException("mask has " + total + " columns; the cache holds " + cache.length
                    + " positions and the step adds " + s);
        }
        if (!kvCache && cache.length != 0) {
            throw new IllegalStateException(file + " has no key/value cache: pass the whole context");
        }
        try (OnnxTensor idT = OnnxTensor.createTensor(env, flat(ids), new long[] {b, s});
                OnnxTensor maskT = OnnxTensor.createTensor(env, flat(mask), new long[] {b, total})) {
            Map<String, OnnxTensor> in = new LinkedHashMap<>();
            in.put("input_ids", idT);
            in.put("attention_mask", maskT);
            if (kvCache) {
                in.putAll(cache.pasts());
            }
            OrtSession.Result r = session.run(in);
            OnnxValue out = r.get("logits").orElseThrow();
            FloatBuffer fb = ((OnnxTensor) out).getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            if (kvCache) {
                cache.replace(r, total);
            } else {
                r.close();
            }
            return new Logits(b, s, values.length / (b * s), values);
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": ONNX Runtime failed: " + firstLine(e.getMessage()), e);
        }
    }

    private static LongBuffer flat(long[][] rows) {
        int width = rows[0].length;
        LongBuffer buf = LongBuffer.allocate(rows.length * width);
        for (long[] r : rows) {
            if (r.length != width) {
                throw new IllegalArgumentException("rows must have equal length: " + r.length + " != " + width);
            }
            buf.put(r);
        }
        return buf.flip();
    }

    private static long[][] ones(int b, int s) {
        long[][] m = new long[b][s];
        for (long[] r : m) {
            java.util.Arrays.fill(r, 1);
        }
        return m;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": cannot close the ONNX Runtime session", e);
        }
    }
}
