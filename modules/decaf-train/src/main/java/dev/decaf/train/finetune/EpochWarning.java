package dev.decaf.train.finetune;

import dev.decaf.train.recipe.Recipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The start-up warning of a run that will pass over a small training set many times, where the
 * validation loss usually turns up long before the end (the Devil's Dictionary run: 3.50 → 3.79).
 * Epochs = steps × batch_size × grad_accum / training samples; the warning is given above {@link
 * #MAX_EPOCHS} epochs when the set has fewer than {@link #SMALL_SET} samples, with a hint for what
 * the recipe does not already use.
 */
final class EpochWarning {

    /** More epochs than this are "many". */
    static final double MAX_EPOCHS = 10;
    /** Fewer training samples (sequences) than this are a small set. */
    static final long SMALL_SET = 100_000;

    private EpochWarning() {}

    /**
     * Returns the warning for a run, if it needs one.
     *
     * @param recipe the recipe (what it already does about it)
     * @param samplesSeen training sequences the run will consume
     * @param trainSamples sequences in the training split
     * @return the warning line (without "warning: ")
     */
    static Optional<String> of(Recipe recipe, long samplesSeen, long trainSamples) {
        if (trainSamples <= 0 || trainSamples >= SMALL_SET) {
            return Optional.empty();
        }
        double epochs = samplesSeen / (double) trainSamples;
        if (epochs <= MAX_EPOCHS) {
            return Optional.empty();
        }
        List<String> hints = new ArrayList<>();
        if (recipe.train().keepBest() != Recipe.KeepBest.VAL_LOSS) {
            hints.add("train.keep_best: val_loss");
        }
        if (!recipe.train().earlyStop().enabled()) {
            hints.add("train.early_stop: {patience: N}");
        }
        hints.add("fewer steps");
        return Optional.of(String.format(Locale.ROOT, "this run makes %.1f epochs over %,d training samples: the"
                + " validation loss may rise long before the end (consider %s)", epochs, trainSamples,
                String.join(", ", hints)));
    }
}
