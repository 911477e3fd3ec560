package dev.decaf.train.recipe;

import static dev.decaf.train.recipe.RecipeTesting.MINIMAL;
import static dev.decaf.train.recipe.RecipeTesting.parse;
import static dev.decaf.train.recipe.RecipeTesting.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.train.recipe.Recipe.DecayKind;
import dev.decaf.train.recipe.Recipe.GroupPreset;
import dev.decaf.train.recipe.Recipe.OptimizerName;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeOverridesTest {

    @Test
    void scalarsOfEveryType() {
        Recipe r = parse(MINIMAL, "train.steps=250", "optimizer.lr=1e-3", "data.skip_bad_lines=true",
                "optimizer.name=adamc", "data.train=foo.txt", "task=arithmetic", "train.seed=-1");
        assertEquals(250L, r.train().steps());
        assertEquals(1e-3, r.optimizer().lr());
        assertEquals(true, r.data().skipBadLines());
        assertEquals(OptimizerName.of("adamc"), r.optimizer().name());
        assertEquals(Path.of("foo.txt"), r.data().train().path());
        assertEquals("arithmetic", r.task());
        assertEquals(-1, r.train().seed());
    }

    @Test
    void listsAndFlowMappings() {
        Recipe r = parse(MINIMAL, "optimizer.betas=[0.9,0.95]", "generate.prompts=[Hello, \"a, b\"]",
                "optimizer.groups=[{name: nd, match: {kind: [norm, bias]}, weight_decay: 0}]");
        assertEquals(List.of(0.9, 0.95), r.optimizer().betas());
        assertEquals(List.of("Hello", "a, b"), r.generate().prompts());
        var g = r.optimizer().groups().list().get(0);
        assertEquals("nd", g.name());
        assertEquals(List.of(LayerKind.NORM, LayerKind.BIAS), g.match().kinds());
        assertEquals(0.0, g.weightDecay());
    }

    @Test
    void addsKeysAndSectionsTheFileLacks() {
        Recipe r = parse(MINIMAL, "schedule.decay=wsd", "schedule.decay_steps=20", "generate.max_tokens=8",
                "data.validation=v.txt");
        assertEquals(DecayKind.WSD, r.schedule().decay());
        assertEquals(20L, r.schedule().decaySteps());
        assertEquals(8, r.generate().maxTokens());
        assertEquals(Path.of("v.txt"), r.data().validation().path());
    }

    @Test
    void replacesWholeSectionsAndSwitchesStepsForEpochs() {
        String file = MINIMAL + """
                optimizer:
                  name: adamc
                  lr: 0.01
                """;
        Recipe r = parse(file, "optimizer={name: adams}", "train.steps=null", "train.epochs=2");
        assertEquals(OptimizerName.of("adams"), r.optimizer().name());
        assertEquals(3.0e-4, r.optimizer().lr(), "the whole section was replaced: lr is back to its default");
        assertNull(r.train().steps());
        assertEquals(2L, r.train().epochs());
        Recipe empty = parse(file, "optimizer.lr=");
        assertEquals(3.0e-4, empty.optimizer().lr(), "an empty value restores the default");
    }

    @Test
    void laterOverridesWinAndListItemsAreAddressedByIndex() {
        String file = MINIMAL + """
                optimizer:
                  groups:
                    - {name: a, match: {kind: norm}}
                    - {name: b, match: {kind: bias}, rule: l2}
                """;
        Recipe r = parse(file, "train.steps=1", "train.steps=2", "optimizer.groups.1.lr_scale=2",
                "optimizer.groups.0.match.kind=[head]", "optimizer.groups.1.rule=stable");
        assertEquals(2L, r.train().steps());
        assertEquals(2.0, r.optimizer().groups().list().get(1).lrScale());
        assertEquals(DecayRule.STABLE, r.optimizer().groups().list().get(1).rule());
        assertEquals(List.of(LayerKind.HEAD), r.optimizer().groups().list().get(0).match().kinds());
        assertEquals(GroupPreset.of("llm"), parse(file, "optimizer.groups=llm").optimizer().groups().preset());
    }

    @Test
    void overrideProblemsNameTheOverrideAfterTheFilesProblems() {
        assertEquals(List.of(
                        "r.yaml:8: optimizer.lr: expected a number, got 'fast'",
                        "--set train.stpes=3: train.stpes: unknown key 'stpes' (did you mean 'steps'?)",
                        "--set trian.steps=3: trian: unknown key 'trian' (did you mean 'train'?)",
                        "--set train.batch_size=big: train.batch_size: expected an integer, got 'big'",
                        "--set optimizer.betas=[0.9: optimizer.betas: cannot parse the value: expected ',' or ']',"
                                + " but got <stream end> (while parsing a flow sequence)",
                        "--set model.path=x: model.path: cannot set a key inside 'model': it is"
                                + " 'models/gpt2-tiny.json', not a section",
                        "--set optimizer.groups.3.name=x: optimizer.groups: is a list of 1 items; '3' is not an index"
                                + " from 0 to 0",
                        "--set steps: expected key.path=value (e.g. train.steps=100)",
                        "--set =3: expected key.path=value (e.g. train.steps=100)",
                        "--set train..steps=3: train..steps: empty key in the key path (write key.path=value)",
                        "--set schedule.decay=cosin: schedule.decay: 'cosin' is not one of cosine, linear, constant, wsd"
                                + " (did you mean 'cosine'?)"),
                problems(MINIMAL + """
                                optimizer:
                                  lr: fast
                                  groups: [{name: a, match: {kind: norm}}]
                                """,
                        "train.stpes=3", "trian.steps=3", "train.batch_size=big", "optimizer.betas=[0.9",
                        "model.path=x", "optimizer.groups.3.name=x", "steps", "=3", "train..steps=3",
                        "schedule.decay=cosin"));
    }

    @Test
    void anOverrideCanFixTheFile() {
        String broken = MINIMAL + "optimizer:\n  lr: fast\n";
        assertEquals(1, problems(broken).size());
        assertEquals(0.5, parse(broken, "optimizer.lr=0.5").optimizer().lr());
    }

    @Test
    void overridesAreAppliedToAnEmptyFile() {
        Recipe r = parse("", "model=m.json", "data.train=builtin:x", "train.epochs=1", "out=runs/o");
        assertEquals(Path.of("m.json"), r.model().path());
        assertEquals("x", r.data().train().builtin());
        assertEquals(Path.of("runs/o"), r.out());
    }
}
