package dev.decaf.sweep.plan;

import java.util.Map;

/**
 * One slice of a sweep's trials, for running a sweep as n cluster tasks: slice i of n holds the
 * trials whose grid index ≡ i (mod n), so slices interleave and stay balanced.
 *
 * @param index i, from 0
 * @param count n ≥ 1
 */
public record Shard(int index, int count) {

    /** The whole sweep. */
    public static final Shard ALL = new Shard(0, 1);

    /** The environment variables a cluster sets to a task's index (Slurm arrays, Kubernetes Indexed Jobs). */
    public static final String[] INDEX_VARIABLES = {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"};

    /** Checks the range. */
    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("--shard must be i/n with 0 <= i < n, got " + index + "/" + count);
        }
    }

    /**
     * Parses {@code i/n}, or {@code n} alone with i taken from {@code SLURM_ARRAY_TASK_ID} or
     * {@code JOB_COMPLETION_INDEX}.
     *
     * @param text the option's value
     * @param env the environment
     * @return the shard
     */
    public static Shard parse(String text, Map<String, String> env) {
        String t = text.strip();
        int slash = t.indexOf('/');
        try {
            if (slash >= 0) {
                return new Shard(Integer.parseInt(t.substring(0, slash).strip()), Integer.parseInt(t.substring(slash + 1).strip()));
            }
            int n = Integer.parseInt(t);
            for (String v : INDEX_VARIABLES) {
                String i = env.get(v);
                if (i != null && !i.isBlank()) {
                    return new Shard(Integer.parseInt(i.strip()), n);
                }
            }
            throw new IllegalArgumentException("--shard " + t + ": no task index (set SLURM_ARRAY_TASK_ID or"
                    + " JOB_COMPLETION_INDEX, or write --shard i/" + t + ")");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard must be i/n or n (integers), got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
