package dev.decaf.sweep.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How many trials run at once, and on which device each worker trains.
 *
 * <p>On CPU: one worker per core, one compute thread each. Two single-threaded trainings did
 * ~1.6× the work of one two-threaded training on 2 cores (DESIGN.md, "Throughput on 2 cores"):
 * small models do not scale across threads as well as across processes. With GPUs: one worker per
 * visible device, each worker's trials see only its own ({@code CUDA_VISIBLE_DEVICES}).
 *
 * @param workers trials at a time
 * @param gpus the device ids worker k gets ({@code gpus[k % size]}), empty on CPU
 */
public record WorkerCount(int workers, List<String> gpus) {

    /** Checks and copies. */
    public WorkerCount {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
        }
        gpus = List.copyOf(gpus);
    }

    /**
     * Chooses the worker count.
     *
     * @param requested the sweep's or command line's count, or null for automatic
     * @param env the environment ({@code CUDA_VISIBLE_DEVICES})
     * @return the choice
     */
    public static WorkerCount choose(Integer requested, Map<String, String> env) {
        List<String> gpus = visibleGpus(env);
        int auto = gpus.isEmpty() ? Runtime.getRuntime().availableProcessors() : gpus.size();
        return new WorkerCount(requested != null ? requested : auto, gpus);
    }

    /** Returns the device ids worker {@code k}'s trials see, or null on CPU. */
    public String deviceOf(int k) {
        return gpus.isEmpty() ? null : gpus.get(k % gpus.size());
    }

    /** The GPUs this process may use: CUDA_VISIBLE_DEVICES when set, else /dev/nvidiaN. */
    static List<String> visibleGpus(Map<String, String> env) {
        List<String> ids = new ArrayList<>();
        String visible = env.get("CUDA_VISIBLE_DEVICES");
        if (visible != null) {
            for (String s : visible.split(",")) {
                if (!s.isBlank() && !s.strip().equals("-1")) {
                    ids.add(s.strip());
                }
            }
            return ids;
        }
        for (int i = 0; i < 64 && Files.exists(Path.of("/dev/nvidia" + i)); i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }

    /** Returns the choice in words, for the start-up line. */
    public String describe(int threads) {
        String each = threads + " compute thread" + (threads == 1 ? "" : "s") + " each";
        return workers + " worker" + (workers == 1 ? "" : "s") + ", " + each
                + (gpus.isEmpty() ? "" : ", GPUs " + String.join(",", gpus));
    }
}
