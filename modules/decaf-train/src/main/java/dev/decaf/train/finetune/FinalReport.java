package dev.decaf.train.finetune;

import dev.decaf.models.infer.Generator;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.train.loop.BestSoFar;
import dev.decaf.train.loop.TrainerState;
import dev.decaf.train.metrics.MetricsLog;
import dev.decaf.train.recipe.Recipe;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The closing report of a completed fine-tune: validation loss and task score before and after,
 * the best evaluation and which step's weights were exported,
 * samples from the prompts of the recipe (or the task's first three), and where the outputs are.
 */
final class FinalReport {

    private FinalReport() {}

    /**
     * Prints the report.
     *
     * @param console where it goes
     * @param recipe the recipe (task, generate settings, seed)
     * @param valBefore the validation loss before this run's first step
     * @param valAfter the final validation loss (NaN without validation)
     * @param end the final state (its best evaluation)
     * @param modelStep the step whose weights OUT/model holds
     * @param task the task, or null
     * @param taskBefore its score before (NaN when not measured)
     * @param taskAfter its score after
     * @param generator generation with the final model
     * @param out the run directory
     */
    static void print(PrintStream console, Recipe recipe, double valBefore, double valAfter, TrainerState end,
            long modelStep, TaskScore task, double taskBefore, double taskAfter, Generator generator, Path out) {
        console.println();
        if (!Double.isNaN(valAfter)) {
            console.printf(Locale.ROOT, "validation loss: %.4f before, %.4f after (step %d)%n", valBefore, valAfter,
                    end.step());
        }
        BestSoFar best = end.best();
        boolean keepBest = recipe.train().keepBest() == Recipe.KeepBest.VAL_LOSS;
        if (best.isSet() && (keepBest || recipe.train().earlyStop().enabled() || best.step() != end.step())) {
            console.printf(Locale.ROOT, "best validation loss: %.4f at step %d; model/ holds step %d%s%n",
                    best.valLoss(), best.step(), modelStep, keepBest ? "" : " (the last; train.keep_best: val_loss"
                            + " keeps the best)");
        }
        if (task != null) {
            console.printf(Locale.ROOT, "task '%s' exact match on %d %s: %.1f%% before, %.1f%% after%n",
                    task.name(), task.examples(), task.source(), 100 * taskBefore, 100 * taskAfter);
        }
        List<String> prompts = new ArrayList<>(recipe.generate().prompts());
        if (prompts.isEmpty() && task != null) {
            prompts.addAll(task.prompts(3));
        }
        Sampler sampler = new Sampler(recipe.generate().temperature(), 0, 1, recipe.train().seed());
        for (String p : prompts) {
            String text = generator.generate(p, recipe.generate().maxTokens(), sampler).text();
            console.printf(Locale.ROOT, "sample: %s|%s%n", p.replace("\n", "\\n"), text.replace("\n", "\\n"));
        }
        console.println("model: " + out.resolve("model") + "  metrics: " + out.resolve(MetricsLog.FILE_NAME) + "  plot: "
                + out.resolve("loss.png"));
    }
}
