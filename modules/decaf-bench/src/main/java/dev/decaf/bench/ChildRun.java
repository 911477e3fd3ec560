package dev.decaf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.core.runtime.JvmSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one benchmark case in a fresh process with a controlled environment and reads back its
 * {@code RESULT {json}} line. Each case needs its own process because glibc's allocator settings
 * only take effect when set before a process starts.
 */
final class ChildRun {

    static final String RESULT = "RESULT ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChildRun() {}

    /** The command line of a JVM that runs {@code mainClass} with this JVM's class path. */
    static List<String> java(String mainClass, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx8g"));
        cmd.addAll(JvmSettings.flags());
        for (String p : new String[] {"decaf.optimizer.threads", "ai.djl.pytorch.num_threads"}) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Runs a command and returns its result object.
     *
     * @param cmd the command
     * @param tunedMalloc whether to set jvm.properties' variables (glibc's allocator; else remove them)
     * @param extraEnv more variables
     * @return the parsed JSON after {@code RESULT }
     */
    static JsonNode run(List<String> cmd, boolean tunedMalloc, Map<String, String> extraEnv) {
        return run(cmd, tunedMalloc, extraEnv, List.of());
    }

    /**
     * Runs a command without some inherited variables and returns its result object.
     *
     * @param cmd the command
     * @param tunedMalloc whether to set jvm.properties' allocator variables (else remove them); its
     *     OpenMP variables are always set
     * @param extraEnv more variables
     * @param unset variables to remove (after jvm.properties' are set)
     * @return the parsed JSON after {@code RESULT }
     */
    static JsonNode run(List<String> cmd, boolean tunedMalloc, Map<String, String> extraEnv, List<String> unset) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.putAll(JvmSettings.openMpEnvironment());
        if (tunedMalloc) {
            env.putAll(JvmSettings.mallocEnvironment());
        } else {
            JvmSettings.mallocEnvironment().keySet().forEach(env::remove);
        }
        unset.forEach(env::remove);
        env.putAll(extraEnv);
        try {
            Process p = pb.start();
            JsonNode result = null;
            StringBuilder output = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(RESULT)) {
                        result = JSON.readTree(line.substring(RESULT.length()));
                    } else {
                        output.append(line).append('\n');
                    }
                }
            }
            int code = p.waitFor();
            if (code != 0 || result == null) {
                throw new IllegalStateException("benchmark process failed (exit " + code + "): " + String.join(" ", cmd)
                        + "\n" + output);
            }
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
