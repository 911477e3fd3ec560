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
 * Writes checkpoints: every {@code checkpoint_every} steps, and when the run ends (completed,
 * stopped or stopped early) unless that step is already saved. Weights that are NaN or infinite
 * are never saved ({@link NonFiniteGuard#requireFiniteWeights}): the run stops with the last good
 * checkpoint intact.
 *
 * <p>With {@code keepBest}, the weights of every evaluation that sets a new {@link
 * dev.decaf.train.loop.BestSoFar} are saved too ({@link CheckpointStore#saveBest}), and each
 * checkpoint removes the best weights it no longer points at.
 */
public final class Checkpointer implements TrainingCallback {

    private final CheckpointStore store;
    private final DecoderModel model;
    private final OptimizerState optimizer;
    private final Path tokenizerFile;
    private final TrainingSettings settings;
    private final boolean keepBest;
    private long startStep;
    private long savedBest = -1;
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
        this(store, model, optimizer, tokenizerFile, settings, false);
    }

    /**
     * Creates the checkpointer.
     *
     * @param store where checkpoints go
     * @param model the model being trained
     * @param optimizer its optimizer's state
     * @param tokenizerFile the tokenizer.json each checkpoint includes
     * @param settings the cadence
     * @param keepBest whether to save the weights of each new best evaluation
     */
    public Checkpointer(CheckpointStore store, DecoderModel model, OptimizerState optimizer, Path tokenizerFile,
            TrainingSettings settings, boolean keepBest) {
        this.keepBest = keepBest;
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
    public void onTrainBegin(TrainerState start, double initialValLoss) throws IOException {
        startStep = start.step();
        last = null;
        // a resumed run's best was saved before it stopped
        savedBest = start.best().isSet() && store.best(start.best().step()).isPresent() ? start.best().step() : -1;
        saveIfBest(start);
    }

    @Override
    public void onStepEnd(StepMetrics metrics, TrainerState state) throws IOException {
        saveIfBest(state);
        if (settings.isCheckpointStep(state.step())) {
            save(state);
        }
    }

    @Override
    public void onTrainEnd(TrainerState end, double finalValLoss, boolean stopped) throws IOException {
        saveIfBest(end);
        if (end.step() > startStep || last == null) {
            save(end);
        }
    }

    /** Saves the weights when this step's evaluation is the new best (and they are not saved yet). */
    private void saveIfBest(TrainerState state) throws IOException {
        if (keepBest && state.best().isSet() && state.best().step() == state.step() && savedBest != state.step()) {
            NonFiniteGuard.requireFiniteWeights(model, state.step());
            store.saveBest(model, tokenizerFile, state.step());
            savedBest = state.step();
        }
    }

    private void save(TrainerState state) throws IOException {
        NonFiniteGuard.requireFiniteWeights(model, state.step());
        last = store.save(model, optimizer, tokenizerFile, state);
        if (keepBest && state.best().isSet()) {
            store.pruneBest(state.best().step());
        }
    }
}
