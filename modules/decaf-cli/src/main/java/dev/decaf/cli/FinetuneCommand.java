package dev.decaf.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.train.finetune.Finetune;
import dev.decaf.train.loop.BestSoFar;
import dev.decaf.train.loop.DivergedException;
import dev.decaf.train.loop.GracefulShutdown;
import dev.decaf.train.recipe.Recipe;
import dev.decaf.train.recipe.RecipeException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code decaf finetune}: run a recipe, or continue a run. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Fine-tune a model as a recipe says (YAML).",
            "Without RECIPE, recipes/quickstart.yaml. The run writes checkpoints, metrics (OUT/metrics.jsonl),",
            "a loss plot (OUT/loss.png) and the final model (OUT/model)."},
        footer = {"", "Examples:", "  ./decaf finetune",
            "  ./decaf finetune recipes/quickstart.yaml --set train.steps=50 --out runs/short",
            "  ./decaf finetune --set train.steps=50 --json | tail -n 1",
            "  ./decaf finetune --resume runs/quickstart",
            "  ./decaf finetune --threads 1 --set train.steps=50 --out runs/one-thread",
            "", "Ctrl-C writes a checkpoint and stops; --resume continues it from its newest intact checkpoint,"
                + " with the same losses. --json ends the output with one JSON object on one line, with the keys"
                + " val_loss_before, val_loss_after, task_accuracy_before, task_accuracy_after, steps, out,"
                + " interrupted, best_step, best_val_loss, model_step and early_stopped (null for what was not"
                + " measured). model_step is the step of the weights in OUT/model: with train.keep_best set to"
                + " val_loss the best ones, else the last."})
final class FinetuneCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RECIPE", description = "The recipe (YAML).")
    Path recipe;

    @Mixin
    RecipeOverrides overrides;

    @Option(names = "--out", description = "Output directory (overrides the recipe's out).")
    Path out;

    @Option(names = "--resume", arity = "0..1", paramLabel = "DIR", fallbackValue = "",
            description = "Continue the run in DIR (or the recipe's out) from its newest intact checkpoint.")
    String resume;

    @Option(names = "--json", description = "End the output with the outcome as one JSON line (see below).")
    boolean json;

    @Option(names = "--threads", paramLabel = "N",
            description = "Compute threads: libtorch's and the optimizer kernel's (sets train.threads; 0: automatic)."
                    + " Also with --resume.")
    Integer threads;

    /** The out directory of a recipe (for {@code --resume} without a directory). */
    private static Path outOf(Path recipe) {
        if (recipe == null) {
            throw new IllegalArgumentException("--resume needs a run directory (or a recipe whose out it continues)");
        }
        return Recipe.load(recipe.toAbsolutePath(), List.of()).out();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        boolean resuming = resume != null;
        Recipe r;
        String runHash;
        try {
            if (resuming) {
                Path dir = resume.isEmpty() ? outOf(recipe) : Path.of(resume);
                Path stored = dir.resolve(Finetune.RECIPE_FILE);
                if (!Files.isRegularFile(stored)) {
                    throw new IllegalArgumentException("--resume " + dir + ": no " + Finetune.RECIPE_FILE + " (not a decaf run)");
                }
                if (!overrides.values().isEmpty() || out != null) {
                    throw new IllegalArgumentException("--resume continues a run exactly as recipe.yaml says: drop --set/--out");
                }
                Recipe saved = Recipe.load(stored.toAbsolutePath(), List.of());
                runHash = saved.hash();
                boolean moved = !saved.out().toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize());
                // train.threads is outside the hash: a run may continue on other threads
                List<String> sets = new ArrayList<>(threadsOverride());
                if (moved) {
                    sets.add("out=" + dir.toAbsolutePath());
                }
                r = sets.isEmpty() ? saved : Recipe.load(stored.toAbsolutePath(), sets);
            } else {
                Path file = recipe != null ? recipe : Launcher.home().resolve("recipes/quickstart.yaml");
                List<String> sets = new ArrayList<>(overrides.values());
                sets.addAll(threadsOverride());
                if (out != null) {
                    sets.add("out=" + out);
                }
                r = Recipe.load(file.toAbsolutePath(), sets);
                runHash = r.hash();
            }
        } catch (RecipeException e) {
            e.getMessage().lines().forEach(l -> err.println("decaf: " + l));
            err.flush();
            return Errors.BAD_INPUT;
        }
        Finetune run = new Finetune(r, runHash, resuming, System.out);
        // Ctrl-C / SIGTERM: during training, wait (up to two minutes) for the checkpoint and the
        // "continue with" line; during setup and cleanup stop at once, as after a crash
        // (checkpoints are written atomically; metrics.jsonl recovers from a torn last line)
        try (GracefulShutdown stop = GracefulShutdown.install("decaf-stop", run::requestStop, run::isTraining,
                Duration.ofMinutes(2))) {
            Finetune.Outcome o = run.run();
            if (json) {
                System.out.println(outcomeJson(o, r.out()));
                System.out.flush();
            }
            return o.interrupted() ? 130 : 0;
        } catch (DivergedException e) {
            err.println("decaf: " + e.getMessage());
            err.flush();
            return Errors.RUNTIME_FAILURE;
        }
    }

    /** {@code --threads N} as a recipe override (validated with the recipe: train.threads >= 0). */
    private List<String> threadsOverride() {
        if (threads != null && threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0 (0: automatic), got " + threads);
        }
        return threads == null ? List.of() : List.of("train.threads=" + threads);
    }

    /**
     * The outcome as one JSON object: {@code val_loss_before}, {@code val_loss_after}, {@code
     * task_accuracy_before}, {@code task_accuracy_after} (null where not measured: no validation
     * split, no task, or a resumed run's task score before), {@code steps} (the last step), {@code
     * out}, {@code interrupted}, {@code best_step} and {@code best_val_loss} (the run's lowest
     * validation loss), {@code model_step} (whose weights OUT/model holds; null when interrupted)
     * and {@code early_stopped}.
     */
    static String outcomeJson(Finetune.Outcome o, Path out) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        number(n, "val_loss_before", o.valBefore());
        number(n, "val_loss_after", o.valAfter());
        number(n, "task_accuracy_before", o.taskBefore());
        number(n, "task_accuracy_after", o.taskAfter());
        n.put("steps", o.state().step());
        n.put("out", out.toString());
        n.put("interrupted", o.interrupted());
        BestSoFar best = o.state().best();
        if (best.isSet()) {
            n.put("best_step", best.step());
        } else {
            n.putNull("best_step");
        }
        number(n, "best_val_loss", best.valLoss());
        if (o.modelStep() >= 0) {
            n.put("model_step", o.modelStep());
        } else {
            n.putNull("model_step");
        }
        n.put("early_stopped", o.earlyStopped());
        return n.toString();
    }

    private static void number(ObjectNode n, String key, double value) {
        if (Double.isFinite(value)) {
            n.put(key, value);
        } else {
            n.putNull(key);
        }
    }

}
