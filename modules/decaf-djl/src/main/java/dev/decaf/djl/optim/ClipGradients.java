package dev.decaf.djl.optim;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DJL training listener that clips the global gradient norm between backward and step, and skips
 * the step when the norm is not finite:
 *
 * <pre>
 * n = √(Σ_p ‖g_p‖²)       over the block's trainable parameters
 * n finite, n &gt; c       g_p ← g_p · c/(n + 1e-6)              ({@link GradientClipping})
 * n NaN or ±∞            optimizer.skipNextStep(): weights, moments and step counts stay,
 *                        the gradients are zeroed; logged and counted ({@link #skippedSteps()})
 * n = 0                  logged once: no backward reached the parameters (often a model loaded
 *                        after the trainer was made)
 * </pre>
 *
 * <p>It runs in {@code onTrainingBatch}, which DJL 0.36's {@code EasyTrain.trainBatch} calls after
 * backward (the gradient collector closed) and before {@code EasyTrain.fit} calls {@code
 * trainer.step()}. Made by {@link GradientClipping#listener(Optimizer, double)}; skipping needs a
 * decaf optimizer ({@link AdamFamily#skipNextStep()}): zeroing the gradients of DJL's own Adam
 * would not skip its step (it would still move by momentum and count the step), so another
 * optimizer is refused.
 */
public final class ClipGradients extends TrainingListenerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClipGradients.class);

    private final AdamFamily optimizer;
    private final double maxNorm;
    private int skipped;
    private double lastNorm = Double.NaN;
    private boolean warnedZero;

    ClipGradients(Optimizer optimizer, double maxNorm) {
        Objects.requireNonNull(optimizer, "optimizer");
        if (!(optimizer instanceof AdamFamily decaf)) {
            throw new IllegalArgumentException("ClipGradients skips a step with a non-finite gradient norm through a"
                    + " decaf optimizer (AdamFamily.skipNextStep()); " + optimizer.getClass().getName() + " has no way"
                    + " to skip one: use a decaf optimizer, or call GradientClipping.clipGlobalNorm between backward"
                    + " and step and leave out trainer.step() yourself");
        }
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        }
        this.optimizer = decaf;
        this.maxNorm = maxNorm;
    }

    /**
     * Clips the batch's gradients, or makes the coming step a no-op when their norm is not finite.
     */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        double norm = GradientClipping.clipGlobalNorm(trainer.getModel().getBlock(), maxNorm, optimizer.kernelThreads());
        lastNorm = norm;
        if (norm == 0 && !warnedZero) {
            warnedZero = true; // once: a real gradient is almost never exactly 0 everywhere
            LOG.warn("decaf: gradient norm is exactly 0: no backward reached the block's trainable parameters. A model"
                    + " loaded (model.load) after model.newTrainer(...) leaves the trainer training arrays the block no"
                    + " longer holds: load first, then create the trainer.");
        }
        if (!Double.isFinite(norm)) {
            optimizer.skipNextStep();
            skipped++;
            LOG.warn("decaf: gradient norm {} is not finite: step skipped (weights, moments and step counts unchanged,"
                    + " gradients zeroed); {} skipped so far", norm, skipped);
        }
    }

    /** Returns how many steps were skipped for a non-finite gradient norm. */
    public int skippedSteps() {
        return skipped;
    }

    /** Returns the global norm of the last batch, before clipping (NaN before the first). */
    public double lastNorm() {
        return lastNorm;
    }

    /** Returns c, the norm the gradients are clipped to. */
    public double maxNorm() {
        return maxNorm;
    }
}
