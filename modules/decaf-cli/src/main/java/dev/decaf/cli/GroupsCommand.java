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

/** {@code decaf groups}: the weight-decay group table a recipe would use, without loading weights. */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = {"Print the decay-group table (group, tensors, parameters, λ, rule, lr_scale) for a model:",
            "the recipe's optimizer and groups, or a preset. Reads config.json only."},
        footer = {"", "Examples:", "  ./decaf groups --model models/quickstart-base",
            "  ./decaf groups --model models/gpt2-small.json --preset llm",
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

    @Override
    public Integer call() {
        ModelConfig config;
        try {
            config = ModelConfig.load(model);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        DecoderModel m = DecoderModel.of(config);
        AdamFamily opt;
        if (recipe != null) {
            Recipe r = Recipe.load(recipe.toAbsolutePath(), List.of(), false);
            opt = r.optimizer().build(ScheduleTracker.of(Schedule.constant(r.optimizer().lr())), Finetune.groups(r, m));
        } else {
            ParamGroups groups = m.groups().preset(preset).build();
            opt = OptimizerRegistry.build("adamw", b -> b.optParamGroups(groups)); // AdamW's defaults, as torch's
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(opt.describe());
        out.print(opt.groupTable());
        out.flush();
        return 0;
    }
}
