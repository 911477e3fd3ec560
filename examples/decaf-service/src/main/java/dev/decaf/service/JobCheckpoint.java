package dev.decaf.service;

import dev.decaf.core.io.AtomicFiles;
import dev.decaf.core.json.Json;
import dev.decaf.core.safetensors.DType;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.data.EpochCursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A job's checkpoints, {@code JOB/checkpoints/step-NNNNNNNN/}, each everything a restarted
 * service needs to continue the job to the bit:
 *
 * <pre>
 * model/                   the weights in float32 (decaf-models' ModelDirectory: config.json,
 *                          model.safetensors, tokenizer.json), so generation can load it as is
 * optimizer.safetensors    the optimizer's moments, keyed by parameter name (AdamFamily.saveState)
 * optimizer.json           its step counts, groups and hyper-parameters
 * progress.json            {"step", "epoch", "position", "loss"}: where the data stream stands
 * </pre>
 *
 * <p>A checkpoint is built in a hidden temporary directory and renamed into place
 * ({@link AtomicFiles#replaceDirectory}), so a service killed mid-write leaves the previous
 * checkpoint and at worst a hidden leftover, never a half-written {@code step-*}. The newest
 * {@value #KEEP} are kept.
 *
 * @param directory the checkpoint's directory
 * @param step the optimizer steps done
 * @param epoch the epoch the next batch comes from
 * @param position the samples of that epoch already trained on
 * @param loss the loss of the last step
 */
record JobCheckpoint(Path directory, long step, int epoch, long position, double loss) {

    /** How many checkpoints a job keeps. */
    static final int KEEP = 2;

    static final String PROGRESS = "progress.json";
    private static final Pattern NAME = Pattern.compile("step-(\\d{8})");

    /** Returns the model directory inside the checkpoint. */
    Path modelDirectory() {
        return directory.resolve("model");
    }

    /**
     * Writes a checkpoint of a job atomically and removes the oldest beyond {@value #KEEP}.
     *
     * @param jobDir the job's directory
     * @param model the model
     * @param tokenizer the tokenizer.json saved beside the weights
     * @param optimizer the optimizer (its state is saved)
     * @param step the steps done
     * @param cursor where the data stream stands
     * @param loss the last step's loss
     * @return the checkpoint
     * @throws IOException on a write error
     */
    static JobCheckpoint save(Path jobDir, DecoderModel model, Path tokenizer, AdamFamily optimizer, long step,
            EpochCursor cursor, double loss) throws IOException {
        Path target = root(jobDir).resolve(String.format("step-%08d", step));
        Path tmp = AtomicFiles.newTemporaryDirectory(target);
        try {
            ModelDirectory.save(model, DType.F32, tokenizer, tmp.resolve("model"));
            optimizer.saveState(tmp);
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("step", step);
            progress.put("epoch", cursor.epoch());
            progress.put("position", cursor.position());
            progress.put("loss", loss);
            AtomicFiles.writeString(tmp.resolve(PROGRESS), Json.pretty(progress) + "\n");
            AtomicFiles.replaceDirectory(tmp, target);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteTree(tmp);
            throw e;
        }
        List<Path> all = list(jobDir);
        for (Path old : all.subList(0, Math.max(0, all.size() - KEEP))) {
            AtomicFiles.deleteTree(old);
        }
        return new JobCheckpoint(target, step, cursor.epoch(), cursor.position(), loss);
    }

    /**
     * Returns the newest checkpoint of a job, if it has one.
     *
     * @param jobDir the job's directory
     * @return the checkpoint
     * @throws IOException when its progress.json cannot be read
     */
    static Optional<JobCheckpoint> latest(Path jobDir) throws IOException {
        List<Path> all = list(jobDir);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Path dir = all.get(all.size() - 1);
        Map<String, Object> p = Json.parseObject(Files.readString(dir.resolve(PROGRESS)));
        return Optional.of(new JobCheckpoint(dir, ((Number) p.get("step")).longValue(),
                ((Number) p.get("epoch")).intValue(), ((Number) p.get("position")).longValue(),
                ((Number) p.get("loss")).doubleValue()));
    }

    private static Path root(Path jobDir) {
        return jobDir.resolve("checkpoints");
    }

    /** The complete checkpoints, oldest first (hidden temporary directories are not named step-*). */
    private static List<Path> list(Path jobDir) throws IOException {
        Path root = root(jobDir);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(JobCheckpoint::stepOf)).toList();
        }
    }

    private static long stepOf(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
