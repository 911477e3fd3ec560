package dev.decaf.sweep.cluster;

import dev.decaf.core.runtime.JvmSettings;
import dev.decaf.sweep.plan.SweepFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A sweep as a Slurm job array: {@code --array=0-(n-1)%K} runs n tasks, at most K at once; task i
 * runs {@code decaf sweep SWEEP --shard i/n} on the shared output directory. Trials are claimed
 * atomically there, so a task started twice for one index, or a requeued one, never runs a trial
 * that another runs or finished; {@code decaf sweep report} merges whatever has finished.
 *
 * @param sweep the sweep
 * @param tasks n, the array's size
 * @param maxRunning K, tasks at once (0: no limit)
 * @param workersPerTask trials each task runs at once
 * @param threads compute threads per trial
 * @param decaf the command that runs decaf on the cluster's nodes (java, its flags, the class path
 *     and the main class)
 * @param sets {@code --set} overrides passed on to every task
 * @param extraDirectives more {@code #SBATCH} options (e.g. {@code --partition=gpu}, {@code --time=4:00:00})
 */
public record SlurmArray(SweepFile sweep, int tasks, int maxRunning, int workersPerTask, int threads, List<String> decaf,
        List<String> sets, List<String> extraDirectives) {

    /** Checks and copies. */
    public SlurmArray {
        if (tasks < 1) {
            throw new IllegalArgumentException("--tasks must be >= 1, got " + tasks);
        }
        if (maxRunning < 0) {
            throw new IllegalArgumentException("--max-running must be >= 0, got " + maxRunning);
        }
        decaf = List.copyOf(decaf);
        sets = List.copyOf(sets);
        extraDirectives = List.copyOf(extraDirectives);
    }

    /** Returns where the script and the tasks' logs go. */
    public Path directory() {
        return sweep.out().resolve("cluster");
    }

    /** Returns the {@code --array} value: {@code 0-(n-1)} with {@code %K} when K > 0. */
    public String arraySpec() {
        return "0-" + (tasks - 1) + (maxRunning > 0 ? "%" + maxRunning : "");
    }

    /** Returns the batch script. */
    public String script() {
        StringBuilder s = new StringBuilder("#!/usr/bin/env bash\n");
        s.append("# decaf sweep ").append(sweep.name()).append(": ").append(tasks).append(" array tasks, task i runs the")
                .append(" trials whose index is i mod ").append(tasks).append(".\n");
        s.append("# Written by decaf sweep submit --slurm; submit again with: sbatch ").append(directory().resolve("sweep.sbatch"))
                .append('\n');
        s.append("#SBATCH --job-name=decaf-").append(sweep.name().replaceAll("[^A-Za-z0-9._-]", "_")).append('\n');
        s.append("#SBATCH --array=").append(arraySpec()).append('\n');
        s.append("#SBATCH --output=").append(directory().resolve("slurm-%A_%a.log")).append('\n');
        s.append("#SBATCH --cpus-per-task=").append(workersPerTask * threads).append('\n');
        for (String d : extraDirectives) {
            s.append("#SBATCH ").append(d).append('\n');
        }
        s.append("set -euo pipefail\n");
        JvmSettings.environment().forEach((k, v) -> s.append("export ").append(k).append("=\"${").append(k).append(":-")
                .append(v).append("}\"\n"));
        List<String> cmd = new ArrayList<>(decaf);
        cmd.addAll(List.of("sweep", sweep.source().toString(), "--shard", "${SLURM_ARRAY_TASK_ID}/" + tasks, "--workers",
                Integer.toString(workersPerTask), "--threads", Integer.toString(threads)));
        for (String set : sets) {
            cmd.add("--set");
            cmd.add(set);
        }
        s.append("exec ").append(cmd.stream().map(SlurmArray::quote).collect(Collectors.joining(" "))).append('\n');
        return s.toString();
    }

    /** Quotes a word for bash, leaving {@code ${SLURM_ARRAY_TASK_ID}} to expand. */
    static String quote(String word) {
        if (word.matches("[A-Za-z0-9_./:=+,@%-]+")) {
            return word;
        }
        if (word.contains("${SLURM_ARRAY_TASK_ID}")) {
            return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Returns the sbatch command line for the written script. */
    public List<String> sbatch() {
        return List.of("sbatch", "--parsable", directory().resolve("sweep.sbatch").toString());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "slurm array %s of %s", arraySpec(), sweep.name());
    }
}
