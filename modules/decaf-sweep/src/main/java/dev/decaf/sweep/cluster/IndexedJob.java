package dev.decaf.sweep.cluster;

import dev.decaf.sweep.plan.SweepFile;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep as a Kubernetes Indexed Job ({@code completionMode: Indexed}): {@code completions} = n
 * pods, {@code parallelism} = K at once; pod i gets {@code JOB_COMPLETION_INDEX} = i and runs
 * {@code decaf sweep SWEEP --shard n}, which reads i from it. Every pod mounts the same volume at
 * the sweep's out directory, where trials are claimed atomically (so a retried pod never runs a
 * trial twice) and {@code decaf sweep report} merges the results.
 *
 * @param sweep the sweep
 * @param tasks n, the pods
 * @param parallelism K, pods at once
 * @param workersPerTask trials each pod runs at once
 * @param threads compute threads per trial
 * @param image the container image with decaf (the project's docker/ images)
 * @param claimName the PersistentVolumeClaim holding the project and the sweep's out directory
 * @param workDir where the claim is mounted, the pods' working directory
 */
public record IndexedJob(SweepFile sweep, int tasks, int parallelism, int workersPerTask, int threads, String image,
        String claimName, String workDir) {

    /** Returns the manifest (YAML). The sweep file and its out must lie under workDir, which every pod mounts. */
    public String manifest() {
        String name = "decaf-sweep-" + sweep.name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (name.length() > 52) {
            name = name.substring(0, 52);
        }
        // the sweep file as the pods see it: relative to the mounted working directory
        String file = java.nio.file.Path.of(workDir).relativize(sweep.source().toAbsolutePath().normalize()).toString();
        List<String> args = new ArrayList<>(List.of("sweep", file, "--shard", Integer.toString(tasks),
                "--workers", Integer.toString(workersPerTask), "--threads", Integer.toString(threads)));
        StringBuilder argList = new StringBuilder();
        for (String a : args) {
            argList.append("            - ").append(yamlString(a)).append('\n');
        }
        return """
                # decaf sweep %s as a Kubernetes Indexed Job: %d pods, %d at once; pod i runs the trials whose
                # index is i mod %d. Written by decaf sweep submit --k8s; start it with kubectl apply -f FILE.
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: %s
                  labels:
                    app.kubernetes.io/name: decaf-sweep
                spec:
                  completionMode: Indexed
                  completions: %d
                  parallelism: %d
                  backoffLimitPerIndex: 2
                  template:
                    metadata:
                      labels:
                        app.kubernetes.io/name: decaf-sweep
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: decaf
                          image: %s
                          workingDir: %s
                          command: ["decaf"]
                          args:
                %s          resources:
                            requests:
                              cpu: "%d"
                          volumeMounts:
                            - name: work
                              mountPath: %s
                      volumes:
                        - name: work
                          persistentVolumeClaim:
                            claimName: %s
                """.formatted(sweep.name(), tasks, parallelism, tasks, name, tasks, parallelism, yamlString(image),
                yamlString(workDir), argList, workersPerTask * threads, yamlString(workDir), yamlString(claimName));
    }

    private static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
