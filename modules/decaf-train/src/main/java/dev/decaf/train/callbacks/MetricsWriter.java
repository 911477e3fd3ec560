package dev.decaf.train.callbacks;

import dev.decaf.train.loop.EarlyStopping;
import dev.decaf.train.loop.TrainerState;
import dev.decaf.train.loop.TrainingCallback;
import dev.decaf.train.metrics.FinalValidation;
import dev.decaf.train.metrics.InitialValidation;
import dev.decaf.train.metrics.MetricsLog;
import dev.decaf.train.metrics.StepMetrics;
import java.io.IOException;

/**
 * Writes the metrics log: a fresh run's starting validation loss (at step 0), one {@code
 * metrics.jsonl} line per step, and the final validation loss with the run's best at the end.
 */
public final class MetricsWriter implements TrainingCallback {

    private final MetricsLog log;
    private final EarlyStopping earlyStop;

    /**
     * Creates the writer for a run without early stopping.
     *
     * @param log the run's metrics log (the caller closes it)
     */
    public MetricsWriter(MetricsLog log) {
        this(log, EarlyStopping.OFF);
    }

    /**
     * Creates the writer.
     *
     * @param log the run's metrics log (the caller closes it)
     * @param earlyStop the loop's early stopping (the final line says whether it ended the run)
     */
    public MetricsWriter(MetricsLog log, EarlyStopping earlyStop) {
        this.log = log;
        this.earlyStop = earlyStop;
    }

    @Override
    public void onTrainBegin(TrainerState start, double initialValLoss) throws IOException {
        // a resumed run's log has it already (MetricsLog.resume keeps it unless resuming at step 0)
        if (start.step() == 0 && !Double.isNaN(initialValLoss)) {
            log.log(new InitialValidation(initialValLoss));
        }
    }

    @Override
    public void onStepEnd(StepMetrics metrics, TrainerState state) throws IOException {
        log.log(metrics);
    }

    @Override
    public void onTrainEnd(TrainerState end, double finalValLoss, boolean stopped) throws IOException {
        if (!Double.isNaN(finalValLoss)) {
            boolean early = !stopped && earlyStop.exhausted(end.best());
            log.log(new FinalValidation(end.step(), finalValLoss, end.best().step(), end.best().valLoss(), early));
        }
    }
}
