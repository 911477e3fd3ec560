package dev.decaf.cli;

import dev.decaf.train.recipe.Recipe;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.OptimizerRegistry;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.train.finetune.Finetune;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code decaf groups}: the weight-decay group table a recipe would use, without loading weights.
 *
 * <p>With {@code --recipe} the optimizer is built as {@code decaf finetune} builds it, schedule
 * included (AdamC's decay follows the learning rate): over the recipe's {@code train.steps}, or
 * {@code --steps}. A recipe that gives {@code train.epochs} needs its data for the step count, which
 * this command does not read: without {@code --steps} it prints the schedule with the total left
 * open ({@code total=?}) and says so.
 */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = {"Print the decay-group table (group, tensors, parameters, λ, rule, lr_scale) for a model:",
            "the recipe's optimizer, schedule and groups, or a preset. Reads only the config, no weights.",
            "Parameters no group matches follow the standard rule: default (the optimizer's λ and rule)",
            "and default_no_decay (norms, biases and anything with < 2 dimensions: no decay)."},
        footer = {"", "Examples:", "  ./decaf groups --model models/quickstart-base",
            "  ./decaf groups --model models/gpt2-small.json --preset llm --names",
            "  ./decaf groups --model models/quickstart-base --recipe recipes/quickstart.yaml"})
final class GroupsCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "A model directory or a models/*.json config.")
    Path model;

    @Option(names = "--recipe", description = "Take optimizer, λ and groups from this recipe.")
    Path recipe;

    @Option(names = "--preset", description = "standard or llm (without --recipe; default: ${DEFAULT-VALUE}).")
    String preset = "standard";

    @Option(names = "--names", description = "Also list every tensor: shape, elements, kind, group, λ, rule, lr_scale.")
    boolean names;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps for the recipe's schedule (default:"
            + " the recipe's train.steps; a recipe that gives train.epochs needs this for an exact schedule).")
    Long steps;

    @Override
    public Integer call() {
        ModelConfig config;
        try {
            config = ModelConfig.load(model);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        DecoderModel m = DecoderModel.of(config);
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        if (steps != null && recipe == null) {
            throw new IllegalArgumentException("--steps " + steps + " needs --recipe (a preset has no schedule)");
        }
        PrintWriter out = spec.commandLine().getOut();
        String scheduleLine = null;
        AdamFamily opt;
        if (recipe != null) {
            Recipe r = Recipe.load(recipe.toAbsolutePath(), List.of(), false);
            Recipe.WeightDecay wd = r.optimizer().weightDecay();
            if (!wd.isResolved()) { // its λ needs the data's counts, which this command does not read
                throw new IllegalArgumentException(recipe + ": optimizer.weight_decay is the rule " + wd.rule().name()
                        + ", resolved from the data when finetune starts; see its λ with ./decaf recipes validate "
                        + recipe);
            }
            RecipeSchedule s = RecipeSchedule.of(r, steps);
            scheduleLine = "steps: " + s.source();
            opt = r.optimizer().build(ScheduleTracker.of(s.schedule()), Finetune.groups(r, m));
        } else {
            ParamGroups groups = m.groups().preset(preset).build();
            opt = OptimizerRegistry.build("adamw", b -> b.optParamGroups(groups)); // AdamW's defaults, as torch's
        }
        try (opt) {
            opt.groupPlan(); // resolve first: a group that matches nothing is the only output
            out.println(opt.describe());
            if (scheduleLine != null) {
                out.println(scheduleLine);
            }
            out.print(opt.groupTable());
            if (names) {
                out.println();
                out.print(opt.groupPlan().namesTable());
            }
        }
        out.flush();
        return 0;
    }

    /**
     * The schedule {@code decaf finetune} would build for a recipe, and where its step count came
     * from.
     *
     * @param schedule the schedule
     * @param source the step count and where it came from, e.g. {@code 1500 (train.steps)}
     */
    record RecipeSchedule(Schedule schedule, String source) {

        /**
         * Builds the schedule over {@code --steps}, else the recipe's {@code train.steps}; for a
         * recipe by epochs without {@code --steps}, the schedule with its total left open.
         *
         * @param r the recipe
         * @param stepsOption {@code --steps}, or null
         * @return the schedule and its source
         */
        static RecipeSchedule of(Recipe r, Long stepsOption) {
            Recipe.ScheduleSpec rs = r.schedule();
            double peak = r.optimizer().lr();
            if (stepsOption != null) {
                return new RecipeSchedule(rs.toSchedule(peak, stepsOption), stepsOption + " (--steps)");
            }
            if (r.train().bySteps()) {
                return new RecipeSchedule(rs.toSchedule(peak, r.train().steps()), r.train().steps() + " (train.steps)");
            }
            // by epochs: the step count is epochs × ceil(batches / grad_accum), known only from the data
            long stand = rs.warmupSteps() + (rs.decaySteps() == null ? 0 : rs.decaySteps()) + 1;
            Schedule shape = rs.toSchedule(peak, stand);
            String text = shape.toString().replace("total=" + stand, "total=?");
            String epochs = "train.epochs: " + r.train().epochs();
            if (text.equals(shape.toString())) { // the total does not enter (constant): exact as it is
                return new RecipeSchedule(shape, "? (" + epochs + "; the schedule does not depend on them)");
            }
            return new RecipeSchedule(new OpenSchedule(shape, text, rs.warmupSteps()), "? (" + epochs + "; the count depends on the data,"
                    + " which decaf groups does not read: pass --steps N for the exact schedule)");
        }
    }

    /**
     * A schedule whose total step count is unknown: its peak (γ_max) and its warm-up are known, the
     * rest is not. Without warm-up, step 1 (which the optimizer checks when it is built) comes from a
     * stand-in total; {@code decaf groups} never steps.
     */
    private record OpenSchedule(Schedule shape, String text, long warmupSteps) implements Schedule {
        @Override
        public double lr(long step) {
            if (step > Math.max(1, warmupSteps)) {
                throw new IllegalStateException("the schedule's total step count is unknown: " + text);
            }
            return shape.lr(step);
        }

        @Override
        public double peak() {
            return shape.peak();
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
