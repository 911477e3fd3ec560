package dev.decaf.train.callbacks;

import dev.decaf.train.loop.TrainerState;
import dev.decaf.train.loop.TrainingCallback;
import dev.decaf.train.metrics.FinalValidation;
import dev.decaf.train.metrics.MetricsLog;
import dev.decaf.train.metrics.StepMetrics;
import java.io.IOException;

/** Writes one {@code metrics.jsonl} line per step, and the final validation loss at the end. */
public final class MetricsWriter implements TrainingCallback {

    private final MetricsLog log;

    /**
     * Creates the writer.
     *
     * @param log the run's metrics log (the caller closes it)
     */
    public MetricsWriter(MetricsLog log) {
        this.log = log;
    }

    @Override
    public void onStepEnd(StepMetrics metrics, TrainerState state) throws IOException {
        log.log(metrics);
    }

    @Override
    public void onTrainEnd(TrainerState end, double finalValLoss, boolean stopped) throws IOException {
        if (!Double.isNaN(finalValLoss)) {
            log.log(new FinalValidation(end.step(), finalValLoss));
        }
    }
}
