package dev.decaf.sweep.run;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.requestStop();
            try {
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "decaf-trial-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = run.run();
        } finally {
            finished.countDown();
        }
        System.out.flush();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: a signal ended the run; its code says so
        }
        System.exit(code);
    }
}
