package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decaf sweep submit --slurm} against a real Slurm (the one-node cluster .ci/slurm.sh starts,
 * named by SLURM_CONF): the sweep goes in as a job array, each array task runs its shard, and
 * {@code decaf sweep report} merges what they wrote into one results table. CI sets
 * DECAF_REQUIRE_SLURM=1, so there the test fails instead of skipping when no Slurm answers.
 */
class SlurmSweepTest {

    @TempDir
    Path tmp;

    @Test
    void aSweepSubmittedAsAnArrayJobRunsEveryShardAndTheReportMergesThem() throws Exception {
        boolean required = "1".equals(System.getenv("DECAF_REQUIRE_SLURM"));
        boolean present = System.getenv("SLURM_CONF") != null && run("sinfo", "-h") == 0;
        if (!present) {
            if (required) {
                fail("DECAF_REQUIRE_SLURM=1 but no Slurm answers (SLURM_CONF=" + System.getenv("SLURM_CONF") + ")");
            }
            Assumptions.abort("no Slurm here: start one with .ci/slurm.sh start DIR and export SLURM_CONF");
        }
        Path model = Path.of("../../models/gpt2-tiny.json").toAbsolutePath().normalize();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append(i % 3 == 0 ? "alpha beta.\n" : i % 3 == 1 ? "gamma delta.\n" : "omega sigma.\n");
        }
        Files.writeString(tmp.resolve("train.txt"), text);
        Files.writeString(tmp.resolve("tiny.yaml"), """
                model: %s
                data:
                  train: train.txt
                optimizer:
                  lr: 3.0e-3
                train:
                  steps: 6
                  batch_size: 4
                  seq_len: 16
                  eval_every: 0
                  eval_batches: 1
                out: runs/unused
                """.formatted(model));
        Path sweep = tmp.resolve("s.yaml");
        Files.writeString(sweep, """
                base: tiny.yaml
                grid:
                  optimizer.weight_decay: [0.0, 0.1, 0.2]
                out: out
                """);
        DecafCliTest.Run submit = FinetuneCommandTest.runCapturing("sweep", "submit", "--slurm", sweep.toString(),
                "--tasks", "2", "--max-running", "2");
        assertEquals(0, submit.code(), submit.out() + submit.err());
        String job = submit.out().replaceAll("(?s).*submitted job array (\\d+).*", "$1").strip();
        assertTrue(job.matches("\\d+"), submit.out());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && !output("squeue", "-h", "-j", job).isBlank()) {
            Thread.sleep(500);
        }
        Path cluster = tmp.resolve("out/cluster");
        List<String> logs;
        try (Stream<Path> s = Files.list(cluster)) {
            logs = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("slurm-" + job + "_")).sorted().toList();
        }
        assertEquals(List.of("slurm-" + job + "_0.log", "slurm-" + job + "_1.log"), logs, "one log per array task");
        String task1 = Files.readString(cluster.resolve(logs.get(1)));
        assertTrue(task1.contains("1 trials (shard 1/2 of 3)"), task1);
        DecafCliTest.Run report = FinetuneCommandTest.runCapturing("sweep", "report", sweep.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains("3 of 3 trials done, 0 failed"), report.out()
                + Files.readString(cluster.resolve(logs.get(0))) + task1);
        List<String> csv = Files.readAllLines(tmp.resolve("out/results.csv"));
        assertEquals(4, csv.size(), String.join("\n", csv));
        assertEquals(3, csv.stream().filter(l -> l.contains(",done,")).count());
    }

    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
