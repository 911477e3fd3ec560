package dev.decaf.train.recipe;

import static dev.decaf.train.recipe.RecipeTesting.parse;
import static dev.decaf.train.recipe.RecipeTesting.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.train.recipe.Recipe.DecayKind;
import dev.decaf.train.recipe.Recipe.GroupPreset;
import dev.decaf.train.recipe.Recipe.OptimizerName;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.Overlong;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeDefaultsTest {

    @Test
    void everyDefaultIsFilledIn() {
        Recipe r = parse(resource("minimal.yaml"));
        assertEquals(Path.of("models/gpt2-tiny.json"), r.model().path());
        assertNull(r.tokenizer(), "a models/*.json config has no tokenizer of its own");
        assertTrue(r.data().train().isBuiltin());
        assertEquals("shakespeare", r.data().train().builtin());
        assertNull(r.data().validation());
        assertEquals(0.05, r.data().validationFraction());
        assertEquals(DataFormat.AUTO, r.data().format());
        assertEquals(dev.decaf.text.template.PromptTemplate.defaultTemplate(), r.data().template());
        assertFalse(r.data().skipBadLines());
        assertEquals(Overlong.TRUNCATE, r.data().overlong());
        assertTrue(r.data().packing());

        var o = r.optimizer();
        assertEquals(OptimizerName.of("adamw"), o.name());
        assertEquals(3.0e-4, o.lr());
        assertEquals(List.of(0.9, 0.999), o.betas());
        assertEquals(1.0e-8, o.eps());
        assertEquals(0.1, o.weightDecay().lambda());
        assertEquals(GroupPreset.of("standard"), o.groups().preset());
        assertEquals(DecayRule.DECOUPLED, o.defaultRule());

        var s = r.schedule();
        assertEquals(0, s.warmupSteps());
        assertEquals(DecayKind.COSINE, s.decay());
        assertEquals(0.1, s.minLrRatio());
        assertNull(s.decaySteps());

        var t = r.train();
        assertEquals(100L, t.steps());
        assertNull(t.epochs());
        assertTrue(t.bySteps());
        assertEquals(8, t.batchSize());
        assertNull(t.seqLen(), "chosen by the run from the model and the data");
        assertEquals(1, t.gradAccum());
        assertEquals(1.0, t.clipNorm());
        assertEquals(0, t.seed());
        assertEquals(10, t.logEvery());
        assertEquals(100, t.evalEvery());
        assertEquals(0, t.evalBatches());
        assertEquals(500, t.checkpointEvery());
        assertEquals(3, t.keepCheckpoints());
        assertEquals(5, t.maxBadSteps());
        assertEquals(0, t.threads());
        assertEquals(Recipe.KeepBest.NONE, t.keepBest());
        assertEquals(Recipe.EarlyStop.OFF, t.earlyStop());
        assertFalse(t.earlyStop().enabled());

        assertNull(r.task());
        assertEquals(List.of(), r.generate().prompts());
        assertEquals(32, r.generate().maxTokens());
        assertEquals(0.0, r.generate().temperature());
        assertEquals(Path.of("runs/minimal"), r.out());
    }

    @Test
    void resolvedYamlOfTheMinimalRecipe() {
        assertEquals("""
                model: models/gpt2-tiny.json
                tokenizer: null
                data:
                  train: builtin:shakespeare
                  validation: null
                  validation_fraction: 0.05
                  fraction: 1.0
                  format: auto
                  template: "{prompt}"
                  skip_bad_lines: false
                  overlong: truncate
                  packing: true
                optimizer:
                  name: adamw
                  lr: 3.0e-4
                  betas: [0.9, 0.999]
                  eps: 1.0e-8
                  weight_decay: 0.1
                  groups: standard
                schedule:
                  warmup_steps: 0
                  decay: cosine
                  min_lr_ratio: 0.1
                  decay_steps: null
                train:
                  steps: 100
                  epochs: null
                  batch_size: 8
                  seq_len: null
                  grad_accum: 1
                  clip_norm: 1.0
                  seed: 0
                  log_every: 10
                  eval_every: 100
                  eval_batches: 0
                  checkpoint_every: 500
                  keep_checkpoints: 3
                  max_bad_steps: 5
                  threads: 0
                  keep_best: none
                  early_stop:
                    patience: null
                    min_delta: 0.0
                task: null
                generate:
                  prompts: []
                  max_tokens: 32
                  temperature: 0.0
                out: runs/minimal
                """, parse(resource("minimal.yaml")).toYaml());
    }

    @Test
    void explicitNullMeansTheDefault() {
        Recipe r = parse(RecipeTesting.MINIMAL + """
                optimizer:
                  lr: null
                  betas: ~
                schedule:
                tokenizer:
                """);
        assertEquals(3.0e-4, r.optimizer().lr());
        assertEquals(0.999, r.optimizer().beta2());
        assertEquals(DecayKind.COSINE, r.schedule().decay());
        assertNull(r.tokenizer());
    }

    @Test
    void tokenizerDefaultsToTheModelDirectorysTokenizerJson() {
        Recipe r = parse(RecipeTesting.MINIMAL.replace("models/gpt2-tiny.json", "checkpoints/gpt2"));
        assertEquals(Path.of("checkpoints/gpt2/tokenizer.json"), r.tokenizer().path());
        assertNull(parse(RecipeTesting.MINIMAL.replace("models/gpt2-tiny.json", "builtin:tiny")).tokenizer());
    }

    @Test
    void eachOptimizerImpliesItsDecayRuleForGroupsThatDoNotSetOne() {
        String groups = """
                optimizer:
                  name: %s
                  weight_decay: 0.2
                  groups:
                    - name: hidden
                      match: {kind: weight}
                    - name: head
                      match: {kind: [head]}
                      rule: decoupled
                      weight_decay: 0.01
                """;
        for (OptimizerName name : OptimizerName.values()) {
            Recipe r = parse(RecipeTesting.MINIMAL + groups.formatted(name.recipeName()));
            var hidden = r.optimizer().groups().list().get(0);
            assertEquals(name.defaultRule(), hidden.rule());
            assertEquals(0.2, hidden.weightDecay());
            assertEquals(1.0, hidden.lrScale());
            assertEquals(DecayRule.DECOUPLED, r.optimizer().groups().list().get(1).rule());
            assertEquals(0.01, r.optimizer().groups().list().get(1).weightDecay());
        }
        assertEquals(DecayRule.CORRECTED, OptimizerName.of("adamc").defaultRule());
        assertEquals(DecayRule.COUPLED_L2, OptimizerName.of("adam-l2").defaultRule());
        assertEquals(DecayRule.STABLE, OptimizerName.of("adams").defaultRule());
    }

    @Test
    void groupsBecomeGroupRulesWhoseMatchKeysAreAnded() {
        Recipe r = parse(RecipeTesting.MINIMAL + """
                optimizer:
                  groups:
                    - name: attn_matrices
                      match: {name_glob: "*.attn.*", ndim_at_least: 2}
                      lr_scale: 0.5
                    - name: norms_and_biases
                      match: {kind: [norm, bias]}
                      weight_decay: 0
                """);
        GroupRule attn = r.optimizer().groups().list().get(0).toGroupRule();
        assertTrue(attn.matcher().matches(ParamInfo.of("h.0.attn.c_attn.weight", 8, 24)));
        assertFalse(attn.matcher().matches(ParamInfo.of("h.0.attn.c_attn.bias", 24)), "AND: ndim fails");
        assertFalse(attn.matcher().matches(ParamInfo.of("h.0.mlp.c_fc.weight", 8, 32)), "AND: glob fails");
        assertEquals(0.5, attn.lrScale());
        GroupRule nd = r.optimizer().groups().list().get(1).toGroupRule();
        assertTrue(nd.matcher().matches(new ParamInfo("ln_f.weight", new long[] {8}, LayerKind.NORM)));
        assertTrue(nd.matcher().matches(ParamInfo.of("h.0.attn.c_attn.bias", 24)));
        assertEquals(0.0, nd.weightDecay().getAsDouble());
    }

    @Test
    void scheduleSpecBuildsTheSchedule() {
        Recipe cosine = parse(RecipeTesting.MINIMAL + "schedule: {warmup_steps: 10}\n");
        Schedule s = cosine.schedule().toSchedule(1e-3, 100);
        assertEquals(1e-4, s.lr(1), 1e-12);
        assertEquals(1e-3, s.lr(10), 0);
        assertEquals(1e-4, s.lr(100), 1e-12);
        Recipe wsd = parse(RecipeTesting.MINIMAL + "schedule: {decay: wsd, decay_steps: 20, min_lr_ratio: 0}\n");
        Schedule w = wsd.schedule().toSchedule(1e-3, 100);
        assertEquals(1e-3, w.lr(80), 0);
        assertEquals(0.5e-3, w.lr(90), 1e-12);
        assertEquals(0, w.lr(100), 1e-12);
        Recipe constant = parse(RecipeTesting.MINIMAL + "schedule: {decay: constant}\n");
        assertEquals(1e-3, constant.schedule().toSchedule(1e-3, 100).lr(100), 0);
    }

    @Test
    void numbersAcceptYamlSpellings() {
        Recipe r = parse(RecipeTesting.MINIMAL.replace("steps: 100", "steps: 1e4") + """
                optimizer: {lr: 1e-3, eps: 1E-6, weight_decay: 0}
                generate: {max_tokens: 0x10, temperature: .5}
                """);
        assertEquals(10_000L, r.train().steps());
        assertEquals(1e-3, r.optimizer().lr());
        assertEquals(1e-6, r.optimizer().eps());
        assertEquals(0.0, r.optimizer().weightDecay().lambda());
        assertEquals(16, r.generate().maxTokens());
        assertEquals(0.5, r.generate().temperature());
    }

    @Test
    void enumsAreCaseInsensitive() {
        Recipe r = parse(RecipeTesting.MINIMAL + "optimizer: {name: AdamC, groups: LLM}\nschedule: {decay: Linear}\n");
        assertEquals(OptimizerName.of("adamc"), r.optimizer().name());
        assertEquals(GroupPreset.of("llm"), r.optimizer().groups().preset());
        assertEquals(DecayKind.LINEAR, r.schedule().decay());
    }

    @Test
    void epochsInsteadOfSteps() {
        Recipe r = parse(RecipeTesting.MINIMAL.replace("steps: 100", "epochs: 3"));
        assertNull(r.train().steps());
        assertEquals(3L, r.train().epochs());
        assertFalse(r.train().bySteps());
    }
}
