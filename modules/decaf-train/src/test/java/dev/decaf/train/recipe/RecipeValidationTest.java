package dev.decaf.train.recipe;

import static dev.decaf.train.recipe.RecipeTesting.MINIMAL;
import static dev.decaf.train.recipe.RecipeTesting.problems;
import static dev.decaf.train.recipe.RecipeTesting.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeValidationTest {

    @Test
    void aFileWithManyProblemsReportsAllOfThemInLineOrder() {
        RecipeException e = assertThrows(RecipeException.class,
                () -> Recipe.parse(resource("many-problems.yaml"), "many-problems.yaml", List.of(), false));
        List<String> expected = List.of(
                "many-problems.yaml:4: data.train: builtin: needs a name (builtin:NAME)",
                "many-problems.yaml:5: data.format: 'jsonl' is not one of auto, text, prompt-completion, messages, tokens",
                "many-problems.yaml:6: data.validation_fraction: must be in [0, 0.5], got 0.7",
                "many-problems.yaml:8: optimizer.name: 'adamx' is not one of adamw, adamc, adam-l2, adams, adamw-cautious (did you mean 'adamw'?)",
                "many-problems.yaml:9: optimizer.lr: expected a number, got 'fast'",
                "many-problems.yaml:10: optimizer.betas[1]: must be in [0, 1), got 1.0",
                "many-problems.yaml:11: optimizer.weight_decay: must be >= 0, got -0.1",
                "many-problems.yaml:14: optimizer.groups[0].match.kind[1]: 'biass' is not one of weight, bias, norm, embedding, head (did you mean 'bias'?)",
                "many-problems.yaml:16: optimizer.groups[1]: a group needs a name",
                "many-problems.yaml:16: optimizer.groups[1].match: a match needs at least one of kind, name_glob, name_regex, names, ndim_below, ndim_at_least",
                "many-problems.yaml:17: optimizer.groups[1].rule: 'coupled' is not one of decoupled, corrected, independent, l2, stable, cautious (did you mean 'decoupled'?)",
                "many-problems.yaml:18: optimizer.groups[2].name: duplicate group name 'no_decay' (first used at line 13)",
                "many-problems.yaml:19: optimizer.groups[2].match.glob: unknown key 'glob' (did you mean 'name_glob'?)",
                "many-problems.yaml:20: optimizer.groups[3].name: 'default' is reserved for the parameters no group matches",
                "many-problems.yaml:21: optimizer.groups[3].match.name_regex: invalid regular expression: Unclosed group",
                "many-problems.yaml:21: optimizer.groups[3].match.ndim_below: must be >= 1, got 0",
                "many-problems.yaml:22: optimizer.groups[3].lr_scale: must be >= 0, got -1",
                "many-problems.yaml:23: optimizer.groups[4]: expected a group (a mapping with name and match), got 'just a string'",
                "many-problems.yaml:26: schedule.decay_steps: required when decay is wsd (the length of the final decay, in steps)",
                "many-problems.yaml:27: schedule.min_lr_ratio: must be in [0, 1], got 2",
                "many-problems.yaml:29: train.stpes: unknown key 'stpes' (did you mean 'steps'?)",
                "many-problems.yaml:30: train.epochs: set either train.steps or train.epochs, not both (steps is set at line 31)",
                "many-problems.yaml:32: train.batch_size: must be >= 1, got 0",
                "many-problems.yaml:33: train.seq_len: expected an integer, got '1.5'",
                "many-problems.yaml:34: train.learning_rate: unknown key 'learning_rate' (did you mean 'optimizer.lr'?)",
                "many-problems.yaml:35: train.skip_bad_lines: unknown key 'skip_bad_lines' (did you mean 'data.skip_bad_lines'?)",
                "many-problems.yaml:36: train.clip_norm: expected a finite number, got '.inf'",
                "many-problems.yaml:38: generate.prompts: expected a list of strings, got 'hello' (write prompts: [\"hello\"])",
                "many-problems.yaml:39: generate.temperature: must be >= 0, got -1",
                "many-problems.yaml:40: optimiser: unknown key 'optimiser' (did you mean 'optimizer'?)");
        assertEquals(expected, e.problems().stream().map(Problem::toString).toList());
        assertEquals(String.join("\n", expected), e.getMessage());
        Problem first = e.problems().get(0);
        assertEquals(new Problem("many-problems.yaml", 4, "data.train", "builtin: needs a name (builtin:NAME)"), first);
    }

    @Test
    void missingRequiredKeys() {
        assertEquals(List.of(
                        "r.yaml: model: required: a model directory, a models/*.json config or builtin:NAME",
                        "r.yaml: data.train: required: a training data file or builtin:NAME",
                        "r.yaml: train: set train.steps or train.epochs (exactly one)",
                        "r.yaml: out: required: the output directory (e.g. runs/NAME)"),
                problems(""));
        assertEquals(List.of(
                        "r.yaml:2: data.train: required: a training data file or builtin:NAME",
                        "r.yaml:4: train: set train.steps or train.epochs (exactly one)"),
                problems("""
                        model: m.json
                        data:
                          format: text
                        train:
                          batch_size: 4
                        out: o
                        """));
    }

    @Test
    void yamlSyntaxErrorIsOneProblemWithTheParsersLine() {
        assertEquals(List.of("r.yaml:3: YAML syntax error: mapping values are not allowed here"),
                problems("""
                        model: m.json
                        data:
                          train: builtin:x: y
                        """));
        assertEquals(List.of("r.yaml:3: YAML syntax error: expected ',' or ']', but got :"
                        + " (while parsing a flow sequence)"),
                problems("""
                        optimizer:
                          betas: [0.9, 0.99
                          lr: 1
                        out: x
                        """));
    }

    @Test
    void theRecipeMustBeAMapping() {
        assertEquals(List.of("r.yaml:1: a recipe is a mapping of keys (model:, data:, optimizer:, train:, out:, ...),"
                + " got a list"), problems("- model: x\n"));
    }

    @Test
    void duplicateKeys() {
        assertEquals(List.of("r.yaml:8: train.steps: duplicate key 'steps' (first at line 5)"),
                problems(MINIMAL.replace("out: runs/x", "") + """
                          batch_size: 2
                          steps: 200
                        out: x
                        """));
    }

    @Test
    void dataFractionMustBeInZeroToOne() {
        assertEquals(List.of("r.yaml:4: data.fraction: must be in (0, 1], got 0"),
                problems(MINIMAL.replace("  train: builtin:shakespeare\n", "  train: builtin:shakespeare\n  fraction: 0\n")));
        assertEquals(List.of("--set data.fraction=1.5: data.fraction: must be in (0, 1], got 1.5"),
                problems(MINIMAL, "data.fraction=1.5"));
    }

    @Test
    void wrongTypes() {
        assertEquals(List.of(
                        "r.yaml:5: optimizer: expected a section (a mapping with keys name, lr, betas, eps, weight_decay,"
                                + " groups), got 'adamw'",
                        "r.yaml:6: data: expected a section (a mapping with keys train, validation, validation_fraction,"
                                + " fraction, format, template, skip_bad_lines, overlong, packing), got a list",
                        "r.yaml:8: generate.max_tokens: expected an integer, got a list",
                        "r.yaml:9: generate.prompts[1]: expected a string, got a mapping",
                        "r.yaml:10: task: expected a string, got a mapping"),
                problems(MINIMAL.replace("data:\n  train: builtin:shakespeare\n", "") + """
                        optimizer: adamw
                        data: [a, b]
                        generate:
                          max_tokens: [1]
                          prompts: [a, {b: c}]
                        task: {x: 1}
                        """));
        assertEquals(List.of(
                        "r.yaml:4: data.skip_bad_lines: expected true or false, got 'yes'",
                        "r.yaml:9: optimizer.betas: expected a list of two numbers [beta1, beta2], got a list of 3",
                        "r.yaml:10: optimizer.eps: expected a number, got 'true'",
                        "r.yaml:11: optimizer.weight_decay: expected a number, got '0.1'"),
                problems(MINIMAL.replace("shakespeare\n", "shakespeare\n  skip_bad_lines: yes\n") + """
                        optimizer:
                          betas: [0.9, 0.95, 0.99]
                          eps: true
                          weight_decay: "0.1"
                        """));
    }

    @Test
    void outOfRangeValues() {
        assertEquals(List.of(
                        "r.yaml:2: optimizer.lr: must be > 0, got 0",
                        "r.yaml:3: optimizer.eps: must be > 0, got -1e-8",
                        "r.yaml:4: optimizer.betas[0]: must be in [0, 1), got -0.1",
                        "r.yaml:6: schedule.warmup_steps: must be >= 0, got -5",
                        "r.yaml:8: train.steps: must be >= 1, got 0",
                        "r.yaml:9: train.seq_len: must be >= 2, got 1",
                        "r.yaml:10: train.grad_accum: must be >= 1, got 0",
                        "r.yaml:11: train.clip_norm: must be >= 0, got -1",
                        "r.yaml:12: train.log_every: must be >= 1, got 0",
                        "r.yaml:13: train.eval_every: must be >= 0, got -1",
                        "r.yaml:14: train.eval_batches: must be >= 0, got -2",
                        "r.yaml:15: train.checkpoint_every: must be >= 0, got -3",
                        "r.yaml:16: train.keep_checkpoints: must be >= 1, got 0",
                        "r.yaml:17: train.max_bad_steps: must be >= 1, got 0",
                        "r.yaml:18: train.threads: must be >= 0, got -1",
                        "r.yaml:19: train.batch_size: must be <= 2147483647, got 99999999999",
                        "r.yaml:20: train.seed: must be an integer from -9223372036854775808 to 9223372036854775807,"
                                + " got 99999999999999999999",
                        "r.yaml:22: generate.max_tokens: must be >= 1, got 0",
                        "r.yaml: model: required: a model directory, a models/*.json config or builtin:NAME",
                        "r.yaml: data.train: required: a training data file or builtin:NAME",
                        "r.yaml: out: required: the output directory (e.g. runs/NAME)"),
                problems("""
                        optimizer:
                          lr: 0
                          eps: -1e-8
                          betas: [-0.1, 0.9]
                        schedule:
                          warmup_steps: -5
                        train:
                          steps: 0
                          seq_len: 1
                          grad_accum: 0
                          clip_norm: -1
                          log_every: 0
                          eval_every: -1
                          eval_batches: -2
                          checkpoint_every: -3
                          keep_checkpoints: 0
                          max_bad_steps: 0
                          threads: -1
                          batch_size: 99999999999
                          seed: 99999999999999999999
                        generate:
                          max_tokens: 0
                        """));
    }

    @Test
    void stepsAndEpochsTogether() {
        assertEquals(List.of("r.yaml:6: train.epochs: set either train.steps or train.epochs, not both"
                        + " (steps is set at line 5)"),
                problems(MINIMAL.replace("steps: 100", "steps: 100\n  epochs: 2")));
    }

    @Test
    void scheduleConsistency() {
        assertEquals(List.of("r.yaml:9: schedule.decay_steps: applies only to decay: wsd (decay is cosine)"),
                problems(MINIMAL + "schedule:\n  decay: cosine\n  decay_steps: 10\n"));
        assertEquals(List.of("r.yaml:8: schedule.warmup_steps: warmup_steps (100) must be less than train.steps (100)"),
                problems(MINIMAL + "schedule:\n  warmup_steps: 100\n"));
        assertEquals(List.of("r.yaml:10: schedule.decay_steps: warmup_steps + decay_steps (50 + 60) must not exceed"
                        + " train.steps (100)"),
                problems(MINIMAL + "schedule:\n  warmup_steps: 50\n  decay: wsd\n  decay_steps: 60\n"));
        assertEquals(List.of("r.yaml:9: schedule.decay_steps: must be >= 1, got 0"),
                problems(MINIMAL + "schedule:\n  decay: wsd\n  decay_steps: 0\n"));
        // constant needs no decay phase: warm-up may take the whole run
        RecipeTesting.parse(MINIMAL + "schedule:\n  warmup_steps: 100\n  decay: constant\n");
    }

    @Test
    void groupProblems() {
        assertEquals(List.of("r.yaml:8: optimizer.groups: empty list of groups (list at least one group, or use"
                        + " standard or llm)"),
                problems(MINIMAL + "optimizer:\n  groups: []\n"));
        assertEquals(List.of("r.yaml:8: optimizer.groups: 'lm' is not one of standard, llm or a list of groups"
                        + " (did you mean 'llm'?)"),
                problems(MINIMAL + "optimizer:\n  groups: lm\n"));
        assertEquals(List.of("r.yaml:8: optimizer.groups: expected standard, llm or a list of groups, got a mapping"),
                problems(MINIMAL + "optimizer:\n  groups: {name: x}\n"));
        assertEquals(List.of(
                        "r.yaml:9: optimizer.groups[0]: a group needs a match (e.g. match: {kind: [norm, bias]})",
                        "r.yaml:10: optimizer.groups[1].match.kinds: unknown key 'kinds' (did you mean 'kind'?)",
                        "r.yaml:11: optimizer.groups[1].wieght_decay: unknown key 'wieght_decay' (did you mean"
                                + " 'weight_decay'?)",
                        "r.yaml:13: optimizer.groups[2].match.kind: expected a non-empty list, got an empty list",
                        "r.yaml:14: optimizer.groups[3].name: duplicate group name 'a' (first used at line 9)",
                        "r.yaml:15: optimizer.groups[3].match: expected a mapping of conditions (kind, name_glob,"
                                + " name_regex, names, ndim_below, ndim_at_least), got 'norm'",
                        "r.yaml:16: optimizer.groups[4].match.names[1]: expected a string, got null",
                        "r.yaml:16: optimizer.groups[4].match.ndim_at_least: expected an integer, got 'two'",
                        "r.yaml:17: optimizer.groups[5].match.name_glob: must not be empty"),
                problems(MINIMAL + """
                        optimizer:
                          groups:
                            - name: a
                            - match: {kinds: [norm]}
                              wieght_decay: 0
                              name: b
                            - {name: c, match: {kind: []}}
                            - name: a
                              match: norm
                            - {name: e, match: {names: [x, null], ndim_at_least: two}}
                            - {name: f, match: {name_glob: ""}}
                        """));
    }

    @Test
    void aMatchWhoseConditionsAreAllNullIsAProblem() {
        // (it used to fall back to the standard preset without a word)
        assertEquals(List.of("r.yaml:10: optimizer.groups[0].match: a match needs at least one of kind, name_glob,"
                        + " name_regex, names, ndim_below, ndim_at_least"),
                problems(MINIMAL + """
                        optimizer:
                          groups:
                            - name: a
                              match: {kind: null, names: ~}
                        """));
    }

    @Test
    void unknownKeySuggestions() {
        assertEquals(List.of(
                        "r.yaml:7: tokeniser: unknown key 'tokeniser' (did you mean 'tokenizer'?)",
                        "r.yaml:8: lr: unknown key 'lr' (did you mean 'optimizer.lr'?)",
                        "r.yaml:9: max_steps: unknown key 'max_steps' (did you mean 'train.steps'?)",
                        "r.yaml:10: zzz: unknown key 'zzz' (expected one of: model, tokenizer, data, optimizer,"
                                + " schedule, train, task, generate, out)",
                        "r.yaml:12: schedule.warmup: unknown key 'warmup' (did you mean 'warmup_steps'?)",
                        "r.yaml:13: schedule.decay_step: unknown key 'decay_step' (did you mean 'decay_steps'?)",
                        "r.yaml:14: schedule.out: unknown key 'out' (did you mean the top-level key 'out'?)",
                        "r.yaml:15: schedule.warmup_step: unknown key 'warmup_step' (did you mean 'warmup_steps'?)",
                        "r.yaml:17: generate.batch_sise: unknown key 'batch_sise' (did you mean 'train.batch_size'?)"),
                problems(MINIMAL + """
                        tokeniser: t.json
                        lr: 1
                        max_steps: 10
                        zzz: 1
                        schedule:
                          warmup: 10
                          decay_step: 5
                          out: x
                          warmup_step: 1
                        generate:
                          batch_sise: 3
                        """));
    }

    @Test
    void unsupportedTagsAndRecursiveAliases() {
        assertEquals(List.of("r.yaml:7: task: unsupported tag 'tag:yaml.org,2002:binary'"),
                problems(MINIMAL + "task: !!binary aGVsbG8=\n"));
        assertEquals(List.of("r.yaml:8: generate.prompts[0]: nesting too deep (a recursive alias?)",
                        "r.yaml:8: generate.prompts[0]: expected a string, got null"),
                problems(MINIMAL + "generate:\n  prompts: &p [*p]\n"));
    }

    @Test
    void problemFormatting() {
        assertEquals("f.yaml:3: a.b: bad (hint)", new Problem("f.yaml", 3, "a.b", "bad (hint)").toString());
        assertEquals("--set x=1: x: bad", new Problem("--set x=1", 0, "x", "bad").toString());
        assertEquals("f.yaml: bad", new Problem("f.yaml", 0, "", "bad").toString());
    }

    @Test
    void keepBestAndEarlyStopNeedValidationDataAndEvaluations() {
        String own = """
                model: models/gpt2-tiny.json
                data:
                  train: train.txt
                  validation_fraction: 0
                train:
                  steps: 100
                  keep_best: val_loss
                  early_stop: {patience: 2}
                out: runs/x
                """;
        assertEquals(List.of(
                        "r.yaml:7: train.keep_best: needs validation data: set data.validation or data.validation_fraction > 0",
                        "r.yaml:8: train.early_stop: needs validation data: set data.validation or data.validation_fraction > 0"),
                problems(own));
        assertEquals(List.of("--set train.early_stop.patience=3: train.early_stop: needs evaluations during the run: set"
                        + " train.eval_every > 0"),
                problems(MINIMAL, "train.early_stop.patience=3", "train.eval_every=0"));
        assertEquals(List.of("--set train.keep_best=best: train.keep_best: 'best' is not one of none, val_loss"),
                problems(MINIMAL, "train.keep_best=best"));
        assertEquals(List.of("--set train.early_stop.patience=0: train.early_stop.patience: must be >= 1, got 0"),
                problems(MINIMAL, "train.early_stop.patience=0"));
        // built-in data brings its validation file; a fraction is validation data too
        Recipe ok = RecipeTesting.parse(MINIMAL, "train.keep_best=val_loss", "train.early_stop={patience: 2, min_delta: 0.01}");
        assertEquals(new Recipe.EarlyStop(2, 0.01), ok.train().earlyStop());
        assertEquals(Recipe.KeepBest.VAL_LOSS, ok.train().keepBest());
        RecipeTesting.parse(own.replace("validation_fraction: 0", "validation_fraction: 0.1"));
    }
}
