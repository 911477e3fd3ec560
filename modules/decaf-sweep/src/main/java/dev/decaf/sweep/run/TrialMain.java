package dev.decaf.sweep.run;

import java.nio.file.Path;
import java.time.Instant;
import dev.decaf.train.loop.GracefulShutdown;
import java.time.Duration;

/**
 * The process one trial runs in: {@code TrialMain TRIAL_DIR [--threads N] [--retry-failed-before
 * INSTANT]}. Exits with {@link TrialRun}'s codes. SIGTERM/SIGINT checkpoint the run and release
 * the claim, so the trial resumes.
 */
public final class TrialMain {

    private TrialMain() {}

    /**
     * Runs one trial.
     *
     * @param args the trial directory and options
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = 1;
        Instant retry = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--retry-failed-before" -> retry = Instant.parse(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        TrialRun run = new TrialRun(new TrialDir(dir), threads, retry, System.out);
        int code;
        try (GracefulShutdown stop = GracefulShutdown.install("decaf-trial-stop", run::requestStop, () -> true,
                Duration.ofMinutes(2))) {
            code = run.run();
        }
        System.out.flush();
        System.exit(code);
    }
}
