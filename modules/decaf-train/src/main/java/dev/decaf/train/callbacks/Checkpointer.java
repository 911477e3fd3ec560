package dev.decaf.train.callbacks;

import dev.decaf.models.nn.DecoderModel;
import dev.decaf.train.checkpoint.CheckpointStore;
import dev.decaf.train.loop.NonFiniteGuard;
import dev.decaf.djl.optim.OptimizerState;
import dev.decaf.train.loop.TrainerState;
import dev.decaf.train.loop.TrainingCallback;
import dev.decaf.train.loop.TrainingSettings;
import dev.decaf.train.metrics.StepMetrics;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes checkpoints: every {@code checkpoint_every} steps, and when the run ends (completed or
 * stopped) unless that step is already saved. Weights that are NaN or infinite are never saved
 * ({@link NonFiniteGuard#requireFiniteWeights}): the run stops with the last good checkpoint intact.
 */
public final class Checkpointer implements TrainingCallback {

    private final CheckpointStore store;
    private final DecoderModel model;
    private final OptimizerState optimizer;
    private final Path tokenizerFile;
    private final TrainingSettings settings;
    private long startStep;
    private Path last;

    /**
     * Creates the checkpointer.
     *
     * @param store where checkpoints go
     * @param model the model being trained
     * @param optimizer its optimizer's state
     * @param tokenizerFile the tokenizer.json each checkpoint includes
     * @param settings the cadence
     */
    public Checkpointer(CheckpointStore store, DecoderModel model, OptimizerState optimizer, Path tokenizerFile,
            TrainingSettings settings) {
        this.store = store;
        this.model = model;
        this.optimizer = optimizer;
        this.tokenizerFile = tokenizerFile;
        this.settings = settings;
    }

    /** Returns the last checkpoint this run wrote, or null. */
    public Path lastCheckpoint() {
        return last;
    }

    @Override
    public void onTrainBegin(TrainerState start, double initialValLoss) {
        startStep = start.step();
        last = null;
    }

    @Override
    public void onStepEnd(StepMetrics metrics, TrainerState state) throws IOException {
        if (settings.isCheckpointStep(state.step())) {
            save(state);
        }
    }

    @Override
    public void onTrainEnd(TrainerState end, double finalValLoss, boolean stopped) throws IOException {
        if (end.step() > startStep || last == null) {
            save(end);
        }
    }

    private void save(TrainerState state) throws IOException {
        NonFiniteGuard.requireFiniteWeights(model, state.step());
        last = store.save(model, optimizer, tokenizerFile, state);
    }
}
