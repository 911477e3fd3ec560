package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code decaf finetune} and {@code decaf eval} put token caches, in child processes with
 * their own environment: next to data they cannot write (here: the cache's name is taken by a file,
 * which no user, root included, can write a directory over; the folder is also made read-only for
 * a non-root user) they fall back to {@code $XDG_CACHE_HOME/decaf}, and {@code DECAF_CACHE} sends
 * them wherever it says.
 */
class TokenCacheLocationTest {

    @TempDir
    Path tmp;

    private record Child(int code, String output) {}

    private Child decaf(Map<String, String> env, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Decaf.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile());
        pb.environment().remove("DECAF_CACHE");
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return new Child(p.exitValue(), Files.readString(tmp.resolve("child.log")));
    }

    private static long entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tokens")).count();
        }
    }

    /** A data folder decaf cannot put its cache in. */
    private Path readOnlyData(String name) throws IOException {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Path data = Files.writeString(shared.resolve(name), FinetuneEvalAgreementTest.text(3, 200));
        Files.writeString(shared.resolve(name + ".decaf-cache"), "a file where the cache directory would go");
        shared.toFile().setWritable(false, false);
        return data;
    }

    @Test
    void aReadOnlyDataFolderFallsBackToTheUserCacheAndDecafCacheWins() throws Exception {
        Path model = DecafCliTest.initTinyModel(tmp.resolve("model"), 4);
        Path data = readOnlyData("eval.txt");
        Path xdg = tmp.resolve("xdg");
        try {
            Child fallback = decaf(Map.of("XDG_CACHE_HOME", xdg.toString()), "eval", "--model", model.toString(),
                    "--data", data.toString(), "--seq-len", "16");
            assertEquals(0, fallback.code(), fallback.output());
            assertTrue(fallback.output().contains("token cache: " + xdg.resolve("decaf")), fallback.output());
            assertEquals(1, entries(xdg.resolve("decaf")), "the entry is in the user cache");

            Path mine = tmp.resolve("mine");
            Child chosen = decaf(Map.of("XDG_CACHE_HOME", xdg.toString(), "DECAF_CACHE", mine.toString()), "eval",
                    "--model", model.toString(), "--data", data.toString(), "--seq-len", "16");
            assertEquals(0, chosen.code(), chosen.output());
            assertTrue(chosen.output().contains("token cache: " + mine + " (set by DECAF_CACHE)"), chosen.output());
            assertEquals(1, entries(mine));

            // finetune, on a training file in the same read-only folder
            tmp.resolve("shared").toFile().setWritable(true, false);
            Path trainData = Files.writeString(tmp.resolve("shared/train.txt"), FinetuneEvalAgreementTest.text(4, 300));
            Files.writeString(tmp.resolve("shared/train.txt.decaf-cache"), "taken");
            tmp.resolve("shared").toFile().setWritable(false, false);
            Path recipe = Files.writeString(tmp.resolve("ft.yaml"), """
                    model: %s
                    data:
                      train: %s
                      validation_fraction: 0.1
                    train:
                      steps: 2
                      batch_size: 2
                      seq_len: 16
                      eval_every: 0
                      eval_batches: 1
                    out: run
                    """.formatted(model, trainData));
            Child ft = decaf(Map.of("XDG_CACHE_HOME", xdg.toString()), "finetune", recipe.toString());
            assertEquals(0, ft.code(), ft.output());
            assertTrue(ft.output().contains("token cache: " + xdg.resolve("decaf")), ft.output());
            assertEquals(2, entries(xdg.resolve("decaf")), "eval's entry and finetune's");
            assertFalse(Files.isDirectory(tmp.resolve("shared/train.txt.decaf-cache")));
            assertTrue(Files.isDirectory(tmp.resolve("run/model")), "out: run is relative to the recipe's folder");
        } finally {
            tmp.resolve("shared").toFile().setWritable(true, false);
        }
    }
}
