package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The files {@code saveState} writes are byte for byte those of commit 38f8144: {@code
 * optimizer.json} equals a stored copy, {@code optimizer.safetensors} a stored SHA-256, after 3
 * golden steps on the vector path (whose moments are machine-independent bits).
 */
class StateFileBytesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "adamc", "adam_l2", "adams"})
    void savedFilesEqualTheStoredOnes(String kase) throws IOException {
        Golden g = Golden.INSTANCE;
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(g.shapes);
            block.initialize(manager, g.init);
            AdamFamily opt = GoldenTrajectoryTest.build(kase, block, GoldenTrajectoryTest.Path.VECTOR);
            StateSaveLoadTest.run(opt, block, manager, 1, 3);
            opt.saveState(dir);
        }
        String json = Files.readString(dir.resolve("optimizer.json"));
        String tensors = sha256(Files.readAllBytes(dir.resolve("optimizer.safetensors")));
        if (Boolean.getBoolean("decaf.test.writeStateFiles")) {
            Files.writeString(Path.of("target", "state-" + kase + ".json"), json);
            Files.writeString(Path.of("target", "state-" + kase + ".sha256"), tensors + "\n");
        }
        assertEquals(resource("/golden/state/" + kase + ".json"), json, "optimizer.json of " + kase);
        assertEquals(resource("/golden/state/" + kase + ".sha256").strip(), tensors, "optimizer.safetensors of " + kase);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = StateFileBytesTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
