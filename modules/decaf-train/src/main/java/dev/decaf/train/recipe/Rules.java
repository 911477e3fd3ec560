package dev.decaf.train.recipe;

import dev.decaf.train.recipe.Recipe.DecayKind;
import dev.decaf.train.recipe.Recipe.Source;
import dev.decaf.train.recipe.RecipeParser.Mapping;
import dev.decaf.train.recipe.YamlTree.YNode;
import java.nio.file.Files;
import java.util.Locale;

/**
 * The rules that tie recipe keys together, each checked right after the key it is listed under
 * has been read (so problems keep the order of the keys): a default tokenizer that depends on the
 * model, exactly one of {@code train.steps} and {@code train.epochs}, and a schedule that fits the
 * run. The rules of parameter groups are in {@link GroupsType}.
 */
final class Rules {

    private Rules() {}

    /**
     * Checks the rules that follow a key.
     *
     * @param keyPath the key just read
     * @param p the parser, with every value read so far
     */
    static void after(String keyPath, RecipeParser p) {
        switch (keyPath) {
            case "tokenizer" -> defaultTokenizer(p);
            case "train" -> {
                stepsOrEpochs(p);
                scheduleFitsTheRun(p);
                bestAndEarlyStopNeedValidation(p);
            }
            default -> { }
        }
    }

    /** A model directory's tokenizer is its tokenizer.json; a config or builtin model has none here. */
    private static void defaultTokenizer(RecipeParser p) {
        if (p.value("tokenizer") != null || !(p.value("model") instanceof Source model) || model.isBuiltin()
                || model.path().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            return;
        }
        Source tokenizer = Source.ofPath(model.path().resolve("tokenizer.json"));
        p.set("tokenizer", tokenizer);
        if (p.checkFiles() && Files.isDirectory(model.path()) && !Files.exists(tokenizer.path())) {
            p.problem(p.node("model"), "tokenizer", "no such file or directory: " + tokenizer.path()
                    + " (the default tokenizer is the model directory's tokenizer.json; set tokenizer: PATH)");
        }
    }

    private static void stepsOrEpochs(RecipeParser p) {
        YNode steps = p.node("train.steps");
        YNode epochs = p.node("train.epochs");
        Mapping train = p.section("train");
        if (steps != null && epochs != null) {
            p.problem(epochs, "train.epochs", "set either train.steps or train.epochs, not both"
                    + (steps.line > 0 && steps.origin.equals(epochs.origin) ? " (steps is set at line " + steps.line + ")"
                            : ""));
        } else if (steps == null && epochs == null && !train.broken) {
            p.problem(new Problem(train.origin, train.line, "train", "set train.steps or train.epochs (exactly one)"));
        }
    }

    /**
     * {@code train.keep_best} and {@code train.early_stop} compare validation losses: they need
     * validation data, and early stopping needs evaluations during the run.
     */
    private static void bestAndEarlyStopNeedValidation(RecipeParser p) {
        YNode patience = p.node("train.early_stop.patience");
        YNode keepBest = p.value("train.keep_best") == Recipe.KeepBest.VAL_LOSS ? p.node("train.keep_best") : null;
        Object train = p.value("data.train");
        boolean validation = p.value("data.validation") != null
                || p.value("data.validation_fraction") instanceof Double f && f > 0
                || train instanceof Source s && s.isBuiltin(); // built-in data brings its validation file
        boolean dataKnown = train != null && p.value("data.validation_fraction") != null;
        if (patience != null && Integer.valueOf(0).equals(p.value("train.eval_every"))) {
            p.problem(patience, "train.early_stop", "needs evaluations during the run: set train.eval_every > 0");
        }
        for (YNode n : new YNode[] {patience, keepBest}) {
            if (n != null && dataKnown && !validation) {
                p.problem(n, n == patience ? "train.early_stop" : "train.keep_best",
                        "needs validation data: set data.validation or data.validation_fraction > 0");
            }
        }
    }

    private static void scheduleFitsTheRun(RecipeParser p) {
        DecayKind decay = (DecayKind) p.value("schedule.decay");
        YNode decayStepsNode = p.node("schedule.decay_steps");
        if (decay == DecayKind.WSD && decayStepsNode == null) {
            p.problem(p.node("schedule.decay"), "schedule.decay_steps",
                    "required when decay is wsd (the length of the final decay, in steps)");
        } else if (decay != null && decay != DecayKind.WSD && decayStepsNode != null) {
            p.problem(decayStepsNode, "schedule.decay_steps",
                    "applies only to decay: wsd (decay is " + decay.recipeName() + ")");
        }
        Long steps = (Long) p.value("train.steps");
        Long warmup = (Long) p.value("schedule.warmup_steps");
        Long decaySteps = (Long) p.value("schedule.decay_steps");
        if (steps != null && warmup != null && decay != null && decay != DecayKind.CONSTANT && warmup >= steps) {
            p.problem(p.node("schedule.warmup_steps"), "schedule.warmup_steps",
                    "warmup_steps (" + warmup + ") must be less than train.steps (" + steps + ")");
        } else if (steps != null && warmup != null && decay == DecayKind.WSD && decaySteps != null
                && warmup + decaySteps > steps) {
            p.problem(decayStepsNode, "schedule.decay_steps", "warmup_steps + decay_steps (" + warmup + " + "
                    + decaySteps + ") must not exceed train.steps (" + steps + ")");
        }
    }
}
