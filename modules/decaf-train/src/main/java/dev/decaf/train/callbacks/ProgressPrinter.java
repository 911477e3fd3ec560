package dev.decaf.train.callbacks;

import dev.decaf.train.loop.NonFiniteGuard;
import dev.decaf.train.loop.TrainerState;
import dev.decaf.train.loop.TrainingCallback;
import dev.decaf.train.loop.TrainingSettings;
import dev.decaf.train.metrics.StepMetrics;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The console's progress lines: the initial validation loss, then {@code step N/M  loss …  lr …
 * grad_norm …  tok/s …  eta …[  val_loss …]} on logging and evaluation steps (and the last), and a
 * line for each skipped step. On a terminal ({@code live}) every step rewrites one line in place and
 * logging steps keep theirs.
 */
public final class ProgressPrinter implements TrainingCallback {

    private final PrintStream console;
    private final TrainingSettings settings;
    private final boolean live;
    private long started;
    private long stepsThisRun;

    /**
     * Creates the printer.
     *
     * @param console where the lines go
     * @param settings the cadence and the number of steps
     * @param live whether the console is a terminal (lines rewritten with {@code \r})
     */
    public ProgressPrinter(PrintStream console, TrainingSettings settings, boolean live) {
        this.console = console;
        this.settings = settings;
        this.live = live;
    }

    /**
     * A printer that is live when this process has a terminal.
     *
     * @param console where the lines go
     * @param settings the cadence and the number of steps
     * @return the printer
     */
    public static ProgressPrinter forConsole(PrintStream console, TrainingSettings settings) {
        return new ProgressPrinter(console, settings, System.console() != null);
    }

    @Override
    public void onTrainBegin(TrainerState start, double initialValLoss) {
        if (!Double.isNaN(initialValLoss)) {
            console.printf(Locale.ROOT, "validation loss at step %d: %.5f%n", start.step(), initialValLoss);
        }
        started = System.nanoTime();
        stepsThisRun = 0;
    }

    @Override
    public void onStepSkipped(long step, NonFiniteGuard.Cause cause, int inARow) {
        console.printf(Locale.ROOT, "%sstep %d: non-finite %s, step skipped (%d in a row)%n", live ? "\n" : "", step,
                cause, inARow);
    }

    @Override
    public void onStepEnd(StepMetrics m, TrainerState state) {
        long step = m.step();
        stepsThisRun++;
        boolean evalNow = settings.isEvalStep(step);
        double elapsed = (System.nanoTime() - started) / 1e9;
        double eta = elapsed / stepsThisRun * (settings.steps() - step);
        String line = String.format(Locale.ROOT, "step %d/%d  loss %.4f  lr %.2e  grad_norm %.3f  tok/s %,.0f  eta %s%s",
                step, settings.steps(), m.loss(), m.lr(), m.gradNorm(), m.tokensPerSecond(), duration(eta),
                m.hasValLoss() ? String.format(Locale.ROOT, "  val_loss %.4f", m.valLoss()) : "");
        if (live) {
            console.print("\r" + line + "   ");
            if (settings.isLogStep(step) || evalNow) {
                console.println();
            }
        } else if (settings.isLogStep(step) || evalNow || step == settings.steps()) {
            console.println(line);
        }
    }

    @Override
    public void onTrainEnd(TrainerState end, double finalValLoss, boolean stopped) {
        if (live) {
            console.println();
        }
    }

    /** {@code 42s}, {@code 3m07s}, {@code 1h05m}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
