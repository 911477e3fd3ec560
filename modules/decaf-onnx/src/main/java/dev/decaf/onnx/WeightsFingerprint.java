package dev.decaf.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The SHA-256 of a model directory's weight files ({@code model.safetensors}, or the shards
 * {@code model-*.safetensors}, in name order), which an export records in its metadata so that
 * {@code --engine onnx} can tell a {@code model.onnx} made from other weights (a directory copied
 * from another run, a fine-tune after the export) instead of silently running it. A checkpoint's
 * {@code optimizer.safetensors} is not a weight file.
 */
public final class WeightsFingerprint {

    private WeightsFingerprint() {}

    /**
     * Returns the fingerprint of a model directory's weights.
     *
     * @param modelDir the directory
     * @return lower-case hex SHA-256, or null when the directory holds no weight file
     * @throws IOException on a read error
     */
    public static String of(Path modelDir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(modelDir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.equals("model.safetensors") || (n.startsWith("model-") && n.endsWith(".safetensors"));
            }).sorted().toList();
        }
        if (files.isEmpty()) {
            return null;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
        byte[] buffer = new byte[1 << 20];
        for (Path f : files) {
            sha.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
