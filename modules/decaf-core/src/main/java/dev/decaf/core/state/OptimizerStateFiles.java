package dev.decaf.core.state;

import dev.decaf.core.io.AtomicFiles;
import dev.decaf.core.safetensors.DType;
import dev.decaf.core.safetensors.SafetensorsReader;
import dev.decaf.core.safetensors.SafetensorsWriter;
import dev.decaf.core.safetensors.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes and reads an optimizer's state directory ({@link OptimizerStateFormat}) without a tensor
 * engine: the caller hands over each moment as little-endian float32 bytes, or a buffer to read
 * it into, keyed by tensor name ({@link OptimizerStateFormat#firstMomentKey}, {@link
 * OptimizerStateFormat#secondMomentKey}).
 *
 * <p>Writing: both files go to temporary names first, are forced to disk, and are then renamed
 * over the old ones, tensors before manifest, so a failed write replaces neither. Reading checks,
 * in this order: the manifest exists, is JSON and has the right {@code format}; the tensor file is
 * whole (not truncated); no parameter is unknown to the model; each step count is present; each
 * moment exists, is F32 and has the parameter's shape. Each failure is an {@link IOException}
 * naming the file and the entry.
 */
public final class OptimizerStateFiles {

    /** Supplies a moment's bytes for writing. */
    @FunctionalInterface
    public interface MomentSource {
        /**
         * Returns a tensor's content.
         *
         * @param key the tensor name
         * @return its float32 values, little-endian, from position to limit (not consumed)
         * @throws IOException when it cannot be read
         */
        ByteBuffer bytes(String key) throws IOException;
    }

    /** Supplies the buffer a moment is read into. */
    @FunctionalInterface
    public interface MomentTarget {
        /**
         * Returns where a tensor goes.
         *
         * @param key the tensor name
         * @param shape its shape
         * @return a buffer with room for its float32 values from its position
         * @throws IOException when no such buffer can be made
         */
        ByteBuffer buffer(String key, long[] shape) throws IOException;
    }

    private OptimizerStateFiles() {}

    /**
     * Writes {@code dir/optimizer.safetensors} and {@code dir/optimizer.json}.
     *
     * @param dir the directory (created if missing)
     * @param manifest the manifest; its parameters name the tensors, in file order
     * @param moments the moments of every parameter in the manifest
     * @throws IOException on a write error (then neither file is replaced)
     */
    public static void write(Path dir, OptimizerManifest manifest, MomentSource moments) throws IOException {
        checkLittleEndian();
        Files.createDirectories(dir);
        Path tensorsTmp = dir.resolve(OptimizerStateFormat.TENSORS_FILE + ".tmp");
        Path manifestTmp = dir.resolve(OptimizerStateFormat.MANIFEST_FILE + ".tmp");
        try {
            try (SafetensorsWriter w = SafetensorsWriter.create(tensorsTmp, Map.of("format", OptimizerStateFormat.FORMAT))) {
                for (var e : manifest.params().entrySet()) {
                    long[] shape = e.getValue().shape();
                    w.add(OptimizerStateFormat.firstMomentKey(e.getKey()), DType.F32, shape);
                    w.add(OptimizerStateFormat.secondMomentKey(e.getKey()), DType.F32, shape);
                }
                for (String name : manifest.params().keySet()) {
                    String m = OptimizerStateFormat.firstMomentKey(name);
                    String v = OptimizerStateFormat.secondMomentKey(name);
                    w.write(m, moments.bytes(m));
                    w.write(v, moments.bytes(v));
                }
            }
            Files.write(manifestTmp, manifest.toJson().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.sync(manifestTmp);
            AtomicFiles.move(tensorsTmp, dir.resolve(OptimizerStateFormat.TENSORS_FILE));
            AtomicFiles.move(manifestTmp, dir.resolve(OptimizerStateFormat.MANIFEST_FILE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tensorsTmp);
            Files.deleteIfExists(manifestTmp);
            throw e;
        }
    }

    /**
     * Reads a state directory, each moment into the buffer {@code target} supplies.
     *
     * @param dir the directory
     * @param expected the model's parameters and shapes; a parameter in the files but not here is
     *     an error, one here but not in the files (never updated) is not. Empty: accept any.
     * @param target where each moment goes (asked first-moment then second-moment, per parameter)
     * @return the manifest
     * @throws IOException when the files are missing, malformed, truncated or do not fit {@code
     *     expected}
     */
    public static OptimizerManifest read(Path dir, Map<String, long[]> expected, MomentTarget target) throws IOException {
        checkLittleEndian();
        Path manifestPath = dir.resolve(OptimizerStateFormat.MANIFEST_FILE);
        if (!Files.isRegularFile(manifestPath)) {
            throw new IOException(manifestPath + ": missing optimizer state");
        }
        String text;
        try {
            text = Files.readString(manifestPath);
        } catch (CharacterCodingException e) {
            throw new IOException(manifestPath + ": not valid JSON (not UTF-8)", e);
        }
        OptimizerManifest manifest = OptimizerManifest.parse(text, manifestPath);
        Path tensorPath = dir.resolve(OptimizerStateFormat.TENSORS_FILE);
        try (SafetensorsReader r = SafetensorsReader.open(tensorPath)) {
            if (!expected.isEmpty()) {
                // A parameter never updated has no state (as in PyTorch), so only extras are errors.
                for (String name : manifest.params().keySet()) {
                    if (!expected.containsKey(name)) {
                        throw new IOException(manifestPath + ": parameter '" + name + "' is not in this model");
                    }
                }
            }
            for (String name : manifest.params().keySet()) {
                TensorEntry m = entry(r, tensorPath, OptimizerStateFormat.firstMomentKey(name));
                TensorEntry v = entry(r, tensorPath, OptimizerStateFormat.secondMomentKey(name));
                long[] want = expected.get(name);
                if (want != null && (!Arrays.equals(want, m.shape()) || !Arrays.equals(want, v.shape()))) {
                    throw new IOException(tensorPath + ": tensor '" + m.name() + "' has shape "
                            + Arrays.toString(m.shape()) + " but the parameter has shape " + Arrays.toString(want));
                }
                r.read(m.name(), target.buffer(m.name(), m.shape()));
                r.read(v.name(), target.buffer(v.name(), v.shape()));
            }
        }
        return manifest;
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

    /** The files hold little-endian bytes, which are the moments' memory on such a machine only. */
    private static void checkLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("optimizer state files need a little-endian machine");
        }
    }
}
