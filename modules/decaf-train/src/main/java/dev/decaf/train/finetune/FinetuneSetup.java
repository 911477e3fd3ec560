package dev.decaf.train.finetune;

import ai.djl.ndarray.NDManager;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.scaling.FixedRule;
import dev.decaf.core.scaling.LambdaCalculation;
import dev.decaf.core.scaling.ScalingInputs;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.ScheduleTracker;
import dev.decaf.djl.runtime.ComputeThreads;
import dev.decaf.models.checkpoint.TokenIds;
import dev.decaf.models.infer.Generator;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.DataStats;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.tokenizer.TextTokenizer;
import dev.decaf.train.checkpoint.CheckpointStore;
import dev.decaf.train.loop.TrainingSettings;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The setup phase of a fine-tune: compute threads, data, model, tokenizer, dataset, schedule,
 * groups and optimizer, checked against each other, then the start-up summary on the console. Bad input is an {@link
 * IllegalArgumentException} naming it. A recipe without {@code train.seq_len} gets the one {@link
 * SeqLenChoice} describes, reported on one line and set in the prepared run's recipe; a weight
 * decay rule is resolved to its λ here too ({@link #weightDecay}), once the data's counts are known.
 */
final class FinetuneSetup {

    private FinetuneSetup() {}

    /**
     * Prepares a run.
     *
     * @param recipe the resolved recipe
     * @param from the checkpoint to resume from, if any
     * @param manager the run's manager
     * @param console where the summary goes
     * @return the prepared run (close it)
     * @throws IOException on an I/O error
     */
    static PreparedRun prepare(Recipe recipe, Optional<CheckpointStore.Loaded> from, NDManager manager,
            PrintStream console) throws IOException {
        // libtorch's count is per calling thread: set it on the thread that loads and trains
        ComputeThreads threads = ComputeThreads.choose(recipe.train().threads()).apply();
        Path out = recipe.out();
        DataFiles files = DataFiles.of(recipe, out);
        StartingModel start = StartingModel.load(recipe, from, manager);
        DecoderModel model = start.model();
        ModelConfig config = model.config();
        Path tokenizerFile = TokenizerFiles.resolve(recipe, start, files.train(), out, console);
        TextTokenizer tok = TextTokenizer.load(tokenizerFile);
        AdamFamily opt = null;
        try {
            if (tok.vocabSize() > config.vocabSize()) {
                throw new IllegalArgumentException("tokenizer " + tokenizerFile + " has " + tok.vocabSize()
                        + " tokens but the model's vocab_size is " + config.vocabSize());
            }
            Integer requested = recipe.train().seqLen();
            if (requested != null && requested > config.maxPositions()) {
                throw new IllegalArgumentException("train.seq_len " + requested + " exceeds the model's "
                        + config.maxPositions() + " positions");
            }
            if (from.isEmpty()) { // a resumed run's checkpoint already carries the tokenizer's ids
                String ids = TokenIds.mismatch(config, tok, start.fromConfig() ? start.source().toString()
                        : start.source().resolve("config.json").toString());
                if (ids != null) {
                    console.println("warning: " + ids);
                }
            }
            LmDataset data = dataset(recipe, files, tok, tokenizerFile, requested, config.maxPositions());
            int seqLen = data.seqLen();
            Recipe resolved = recipe;
            if (requested == null) { // chosen from the model and the data: the run's recipe.yaml says which
                resolved = recipe.withSeqLen(seqLen);
                boolean longer = data.stats().truncatedExamples() + data.stats().droppedExamples() > 0;
                console.println(SeqLenChoice.describe(seqLen, data.format(),
                        longer ? config.maxPositions() + 2L : data.longestExample(), config.maxPositions(),
                        recipe.data().overlong().name()));
            }
            data.warnings().forEach(w -> console.println("warning: " + w));
            DataStats stats = data.stats();
            int accum = recipe.train().gradAccum();
            int batch = recipe.train().batchSize();
            long steps = steps(recipe, data);
            requireValidation(recipe, data);
            LambdaCalculation decay = weightDecay(resolved, model.numParameters(), stats, (long) batch * accum, seqLen,
                    steps, from.isPresent(), console);
            resolved = resolved.withWeightDecay(decay.lambda());
            Schedule schedule = recipe.schedule().toSchedule(recipe.optimizer().lr(), steps);
            opt = resolved.optimizer().build(ScheduleTracker.of(schedule), Finetune.groups(resolved, model),
                    threads.kernel());
            if (from.isPresent()) {
                opt.loadState(from.get().directory(), manager);
            }

            console.printf(Locale.ROOT, "decaf finetune: %s (%s, %,d parameters) on %s -> %s%n", start.source(),
                    config.modelType(), model.numParameters(), recipe.data().train(), out);
            console.println(threads.describe(opt));
            console.println("data: " + stats + fractionNote(recipe, data));
            console.println(opt.describe());
            console.println("schedule: " + schedule + ", " + steps + " steps of " + batch + " x " + accum + " x "
                    + seqLen + " tokens");
            console.print(opt.groupTable());
            console.println(decay.summary() + maskNote(opt.decayRule()));
            decay.warnings().forEach(w -> console.println("warning: weight decay: " + w));
            EpochWarning.of(recipe, steps * batch * accum, stats.trainSamples()).ifPresent(w -> console.println("warning: " + w));

            TrainingSettings settings = new TrainingSettings(steps, batch, accum, recipe.train().clipNorm(),
                    recipe.train().seed(), recipe.train().logEvery(), recipe.train().evalEvery(),
                    recipe.train().evalBatches(), recipe.train().checkpointEvery(), recipe.train().maxBadSteps());
            TaskScore task = TaskScore.of(recipe, files.validation(), data, tok);
            return new PreparedRun(resolved, model, start.dtype(), tokenizerFile, tok, data, schedule, opt, settings, task,
                    new Generator(model, tok, manager), decay);
        } catch (IOException | RuntimeException e) {
            if (opt != null) {
                opt.close();
            }
            tok.close();
            throw e;
        }
    }

    /** The run's optimizer steps: the recipe's, or its epochs of ⌈batches/grad_accum⌉ steps each. */
    static long steps(Recipe recipe, LmDataset data) {
        Recipe.Train t = recipe.train();
        return t.bySteps() ? t.steps()
                : t.epochs() * (long) Math.ceil(data.train().batchCount(t.batchSize()) / (double) t.gradAccum());
    }

    /**
     * The λ of {@code optimizer.weight_decay} and what it means for this run: a rule is applied to
     * the model's parameter count and the training split's samples N and tokens D after
     * tokenisation and packing, with B = batch_size·grad_accum samples per step, the run's steps S
     * and its epochs E (the recipe's, or S·B/N for a run given in steps). A resumed run's recipe
     * holds the λ its start resolved; it is kept (with a warning should the rule now give another).
     * A fresh run whose recipe pins another λ beside its rule is refused: that λ would silently
     * override the rule (a run's recipe.yaml used as a sweep's base would give every trial one λ).
     */
    static LambdaCalculation weightDecay(Recipe recipe, long params, DataStats stats, long batch, int seqLen, long steps,
            boolean resuming, PrintStream console) {
        Recipe.Train train = recipe.train();
        double epochs = train.bySteps() ? (double) steps * batch / stats.trainSamples() : train.epochs();
        ScalingInputs in = new ScalingInputs(params, stats.trainSamples(), stats.trainTokens(), batch, seqLen,
                recipe.optimizer().lr(), epochs, steps);
        Recipe.WeightDecay wd = recipe.optimizer().weightDecay();
        LambdaCalculation c = LambdaCalculation.of(wd.rule(), in);
        if (wd.isResolved() && Math.abs(c.lambda() - wd.lambda()) > 1e-12 * Math.abs(wd.lambda())) {
            if (!resuming) {
                throw new IllegalArgumentException(pinnedConflict(wd, c));
            }
            console.println("warning: weight decay: the rule " + wd.rule().name() + " now gives λ = " + c.lambda()
                    + "; the run keeps the λ = " + wd.lambda() + " it started with");
            c = LambdaCalculation.of(new FixedRule(wd.lambda()), in);
        }
        return c;
    }

    /** The one-line problem of a λ pinned beside a rule that gives another. */
    static String pinnedConflict(Recipe.WeightDecay wd, LambdaCalculation fromRule) {
        return "optimizer.weight_decay.lambda: " + wd.lambda() + " is pinned beside the rule " + wd.rule().name()
                + ", which gives λ = " + fromRule.lambda() + " for this run: drop lambda (finetune writes it into a run's"
                + " recipe.yaml, so that --resume keeps the λ the run started with)";
    }

    /**
     * Under a masked rule (cautious) a coordinate decays only on the steps its mask is 1, so its
     * timescale is τ_iter divided by that fraction: τ_iter is the shortest it can be.
     */
    private static String maskNote(DecayRule rule) {
        return rule.masked() ? "; " + rule + ": only where m_t·θ ≥ 0, so τ is a lower bound" : "";
    }

    /** keep_best and early_stop compare validation losses: refuse a run that has none to compare. */
    private static void requireValidation(Recipe recipe, LmDataset data) {
        if (data.validation() != null && data.validation().size() > 0) {
            return;
        }
        String key = recipe.train().earlyStop().enabled() ? "train.early_stop"
                : recipe.train().keepBest() == Recipe.KeepBest.VAL_LOSS ? "train.keep_best" : null;
        if (key != null) {
            throw new IllegalArgumentException(key + " needs validation data, and the validation split is empty: set"
                    + " data.validation or a larger data.validation_fraction");
        }
    }

    /** {@code "; train 475 of 950 examples (data.fraction 0.5)"}, or nothing at fraction 1. */
    static String fractionNote(Recipe recipe, LmDataset data) {
        double f = recipe.data().fraction();
        if (f == 1.0) {
            return "";
        }
        String unit = data.format() == DataFormat.TEXT ? "blocks" : "examples";
        return String.format(Locale.ROOT, "; train %,d of %,d %s (data.fraction %s)", data.train().examples(),
                data.trainPool(), unit, f);
    }

    /** The data at the recipe's seq_len, or, without one, at the length {@link SeqLenChoice} describes. */
    private static LmDataset dataset(Recipe recipe, DataFiles files, TextTokenizer tok, Path tokenizerFile,
            Integer seqLen, int maxPositions) throws IOException {
        return TrainingData.load(recipe.data(), recipe.train().seed(), files.train(), files.validation(), tok,
                tokenizerFile, seqLen, maxPositions);
    }
}
