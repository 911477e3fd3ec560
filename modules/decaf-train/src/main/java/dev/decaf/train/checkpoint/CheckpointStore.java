package dev.decaf.train.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.core.io.AtomicFiles;
import dev.decaf.core.safetensors.DType;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.djl.optim.OptimizerState;
import dev.decaf.train.loop.TrainerState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of a run under {@code OUT/checkpoints/step-NNNNNNNN/}: the model in Hugging Face
 * layout (float32 master weights, so a resumed run continues bit for bit), the optimizer state
 * ({@code optimizer.safetensors} + {@code optimizer.json}) and {@code trainer_state.json}, which
 * also lists every file's size and CRC-32C.
 *
 * <p>A checkpoint is written into a temporary directory, every file forced to disk, then renamed
 * into place: a crash (even SIGKILL mid-write) leaves either the complete new checkpoint or none,
 * and the previous one stays loadable. On resume, a checkpoint whose files do not match their
 * recorded sizes and checksums is skipped with a warning, never loaded. Only the newest {@code
 * keep} checkpoints are kept.
 *
 * <p>Best weights ({@code train.keep_best}) go to {@code best-step-NNNNNNNN/} beside them: the model
 * (float32) and its tokenizer, written the same way; the step in the name ties it to the {@link
 * dev.decaf.train.loop.BestSoFar} of the checkpoints. Older ones are removed once a checkpoint
 * records a later best ({@link #pruneBest}).
 */
public final class CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("step-(\\d{8})");
    private static final Pattern BEST = Pattern.compile("best-step-(\\d{8})");
    static final String STATE = "trainer_state.json";

    private final Path root;
    private final int keep;

    /**
     * A store.
     *
     * @param root {@code OUT/checkpoints}
     * @param keep how many to keep (≥ 1)
     */
    public CheckpointStore(Path root, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep_checkpoints must be >= 1, got " + keep);
        }
        this.root = root;
        this.keep = keep;
    }

    /** Returns the checkpoints directory. */
    public Path root() {
        return root;
    }

    /**
     * Writes a checkpoint atomically and prunes old ones.
     *
     * @param model the model
     * @param optimizer the optimizer
     * @param tokenizer the tokenizer.json to include
     * @param state the trainer state
     * @return the checkpoint directory
     * @throws IOException on a write error
     */
    public Path save(DecoderModel model, OptimizerState optimizer, Path tokenizer, TrainerState state) throws IOException {
        Files.createDirectories(root);
        Path target = root.resolve(String.format("step-%08d", state.step()));
        Path tmp = AtomicFiles.newTemporaryDirectory(target);
        try {
            ModelDirectory.save(model, DType.F32, tokenizer, tmp);
            optimizer.saveState(tmp);
            ObjectNode json = TrainerStateFile.toJson(state);
            ObjectNode files = json.putObject("files");
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path f : s.sorted().toList()) {
                    files.putObject(f.getFileName().toString()).put("size", Files.size(f)).put("crc32c", crc(f));
                }
            }
            byte[] bytes = TrainerStateFile.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json);
            Files.write(tmp.resolve(STATE), bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            AtomicFiles.replaceDirectory(tmp, target); // forces every file, then renames into place
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteTree(tmp);
            throw e;
        }
        prune();
        return target;
    }

    /**
     * Writes the weights of the best evaluation so far atomically, as {@code best-step-N/}.
     *
     * @param model the model
     * @param tokenizer the tokenizer.json to include
     * @param step the step of the evaluation
     * @return the directory
     * @throws IOException on a write error
     */
    public Path saveBest(DecoderModel model, Path tokenizer, long step) throws IOException {
        Files.createDirectories(root);
        Path target = root.resolve(String.format("best-step-%08d", step));
        ModelDirectory.save(model, DType.F32, tokenizer, target); // temporary directory, then rename
        return target;
    }

    /**
     * Returns the best weights saved at a step.
     *
     * @param step the step
     * @return the directory, if it is there
     */
    public Optional<Path> best(long step) {
        Path dir = root.resolve(String.format("best-step-%08d", step));
        return Files.isRegularFile(dir.resolve("config.json")) ? Optional.of(dir) : Optional.empty();
    }

    /**
     * Removes the best weights of steps before {@code step} (no newer checkpoint points at them).
     *
     * @param step the best step the newest checkpoint records
     * @throws IOException on a delete error
     */
    public void pruneBest(long step) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                var m = BEST.matcher(p.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) < step) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
    }

    /** Checkpoint directories, newest first (by step), including damaged ones. */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
    }

    /**
     * Returns the newest checkpoint whose files all match their recorded sizes and checksums;
     * damaged ones are reported with a warning and skipped.
     *
     * @return the checkpoint and its state, if any
     * @throws IOException on a read error of the directory itself
     */
    public Optional<Loaded> latestIntact() throws IOException {
        for (Path dir : list()) {
            String problem = verify(dir);
            if (problem == null) {
                JsonNode n = TrainerStateFile.JSON.readTree(dir.resolve(STATE).toFile());
                return Optional.of(new Loaded(dir, TrainerStateFile.fromJson(n, dir.resolve(STATE).toString())));
            }
            LOG.warn("skipping damaged checkpoint {}: {}", dir, problem);
        }
        return Optional.empty();
    }

    /** A verified checkpoint. */
    public record Loaded(Path directory, TrainerState state) {}

    /** Returns null when intact, else what is wrong. */
    static String verify(Path dir) {
        Path stateFile = dir.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            return "no " + STATE;
        }
        try {
            JsonNode n = TrainerStateFile.JSON.readTree(stateFile.toFile());
            JsonNode files = n.get("files");
            if (files == null || !files.isObject() || files.size() == 0) {
                return STATE + " lists no files";
            }
            for (var e : files.properties()) {
                Path f = dir.resolve(e.getKey());
                if (!Files.isRegularFile(f)) {
                    return "missing " + e.getKey();
                }
                if (Files.size(f) != e.getValue().path("size").asLong()) {
                    return e.getKey() + " has " + Files.size(f) + " bytes, expected " + e.getValue().path("size").asLong();
                }
                if (crc(f) != e.getValue().path("crc32c").asLong()) {
                    return e.getKey() + " fails its CRC-32C check";
                }
            }
            TrainerStateFile.fromJson(n, stateFile.toString());
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = keep; i < all.size(); i++) {
            AtomicFiles.deleteTree(all.get(i));
        }
    }

    static long crc(Path f) throws IOException {
        CRC32C c = new CRC32C();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                c.update(buf, 0, n);
            }
        }
        return c.getValue();
    }

}
