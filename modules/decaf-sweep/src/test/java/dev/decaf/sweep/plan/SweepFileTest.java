package dev.decaf.sweep.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.sweep.TinySweep;
import dev.decaf.train.recipe.Problem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep files: what they mean, and one line naming the key for each thing wrong with them. */
class SweepFileTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void base() throws Exception {
        TinySweep.writeBase(tmp, 4);
    }

    private List<String> problems(String body) throws Exception {
        Path f = TinySweep.writeSweep(tmp, "s.yaml", body);
        SweepException e = assertThrows(SweepException.class, () -> SweepPlan.of(SweepFile.read(f, List.of())));
        return e.problems().stream().map(Problem::toString).map(s -> s.replace(tmp.toString(), "DIR")).toList();
    }

    @Test
    void readsAxesSeedsAndDefaults() throws Exception {
        Path f = TinySweep.writeSweep(tmp, "wd.yaml", """
                base: tiny.yaml
                grid:
                  optimizer.weight_decay: [0.0, 0.1, {rule: fixed, value: 0.2}]
                  optimizer.name: [adamw, adamc]
                seeds: [0, 1]
                set: [train.steps=2]
                out: out
                """);
        SweepFile s = SweepFile.read(f, List.of("train.log_every=2"));
        assertEquals("wd", s.name());
        assertEquals(List.of("optimizer.weight_decay", "optimizer.name", "seed"), s.axisKeys());
        assertEquals(List.of("0.0", "0.1", "{rule: fixed, value: 0.2}"), s.axes().get(0).values());
        assertEquals(List.of("train.steps=2", "train.log_every=2"), s.sets());
        assertEquals(null, s.workers());
        assertEquals(1, s.threads());
        assertEquals(tmp.resolve("out"), s.out());
        assertEquals(tmp.resolve("tiny.yaml"), s.base());
    }

    @Test
    void productInGridOrderWithSeedsInnermostAndStableIds() throws Exception {
        Path f = TinySweep.writeSweep(tmp, "s.yaml", """
                base: tiny.yaml
                grid:
                  optimizer.weight_decay: [0.0, 0.1]
                  optimizer.name: [adamw, adamc, adam-l2]
                seeds: [7, 8]
                out: out
                """);
        SweepPlan p = SweepPlan.of(SweepFile.read(f, List.of()));
        assertEquals(2 * 3 * 2, p.trials().size());
        Trial t5 = p.trials().get(5); // index 5 = wd 0 (5 / 6 = 0), name adam-l2 ((5 / 2) % 3 = 2), seed 8 (5 % 2 = 1)
        assertEquals(java.util.Map.of("optimizer.weight_decay", "0.0", "optimizer.name", "adam-l2", "seed", "8"), t5.values());
        assertEquals(List.of("optimizer.weight_decay=0.0", "optimizer.name=adam-l2", "train.seed=8"), t5.overrides());
        // the same settings give the same id in another sweep, whatever its other axes and order
        Path g = TinySweep.writeSweep(tmp, "g.yaml", """
                base: tiny.yaml
                grid:
                  optimizer.name: [adam-l2]
                  optimizer.weight_decay: [0.0]
                seeds: [8]
                out: out
                """);
        assertEquals(t5.id(), SweepPlan.of(SweepFile.read(g, List.of())).trials().get(0).id());
        assertEquals(12, p.trials().stream().map(Trial::id).distinct().count());
        // a shard is every n-th trial: the slices partition the grid
        List<Trial> a = p.slice(new Shard(0, 5));
        List<Trial> b = p.slice(new Shard(4, 5));
        assertEquals(List.of(0, 5, 10), a.stream().map(Trial::index).toList());
        assertEquals(List.of(4, 9), b.stream().map(Trial::index).toList());
    }

    @Test
    void badSweepFilesNameTheirKeysOneLineEach() throws Exception {
        assertEquals(List.of("DIR/s.yaml:3: grid.optimizer.wieght_decay: not a recipe key (did you mean"
                + " 'optimizer.weight_decay'?)"), problems("""
                base: tiny.yaml
                grid:
                  optimizer.wieght_decay: [0.0, 0.1]
                out: out
                """));
        assertEquals(List.of("DIR/s.yaml:3: grid.optimizer.weight_decay: is empty: an axis needs at least one value"),
                problems("""
                base: tiny.yaml
                grid:
                  optimizer.weight_decay: []
                out: out
                """));
        assertEquals(List.of("DIR/s.yaml:2: grid: is empty: give at least one key and its values"), problems("""
                base: tiny.yaml
                grid: {}
                out: out
                """));
        assertEquals(List.of("DIR/s.yaml:2: grid.optimizer.lr: also fixed by set optimizer.lr=0.1: a key is either an"
                + " axis or set"), problems("""
                base: tiny.yaml
                grid:
                  optimizer.lr: [0.001, 0.01]
                set: [optimizer.lr=0.1]
                out: out
                """));
        assertEquals(List.of("DIR/s.yaml:3: grid.train.seed: cannot be an axis: list seeds under seeds:, which"
                + " summaries average over"), problems("""
                base: tiny.yaml
                grid:
                  train.seed: [1, 2]
                out: out
                """));
        assertEquals(List.of("DIR/s.yaml:3: grid.optimizer.lr: lists 0.1 twice: two trials would be the same"), problems("""
                base: tiny.yaml
                grid:
                  optimizer.lr: [0.1, 0.1]
                out: out
                """));
        List<String> badName = problems("""
                base: tiny.yaml
                grid:
                  optimizer.name: [adamw, adamx]
                out: out
                """);
        assertEquals(1, badName.size(), badName.toString());
        assertTrue(badName.get(0).startsWith("DIR/s.yaml: grid.optimizer.name: adamx: 'adamx' is not one of adamw, adamc"),
                badName.get(0));
        List<String> ruleWithoutInput = problems("""
                base: tiny.yaml
                grid:
                  optimizer.weight_decay: [0.1, {rule: ema}, {rule: ema, tau_epoch: 0.5}]
                out: out
                """);
        assertEquals(1, ruleWithoutInput.size(), ruleWithoutInput.toString());
        assertTrue(ruleWithoutInput.get(0).startsWith("DIR/s.yaml: grid.optimizer.weight_decay: {rule: ema}: "
                + "optimizer.weight_decay"), ruleWithoutInput.get(0));
        assertTrue(ruleWithoutInput.get(0).contains("tau_epoch"), ruleWithoutInput.get(0));
        assertEquals(List.of("DIR/s.yaml:1: base: no such file: nope.yaml (relative to the sweep file)",
                "DIR/s.yaml:4: wokers: unknown key (did you mean 'workers'?)",
                "DIR/s.yaml: out: required: where trials and results go"), problems("""
                base: nope.yaml
                grid:
                  optimizer.lr: [0.1]
                wokers: 2
                """));
        assertEquals(List.of("DIR/s.yaml:4: seeds: must be integers, got one"), problems("""
                base: tiny.yaml
                grid:
                  optimizer.lr: [0.1]
                seeds: [0, one]
                out: out
                """));
        assertEquals(List.of("DIR/s.yaml:4: workers: must be an integer >= 1 or auto, got 0"), problems("""
                base: tiny.yaml
                grid:
                  optimizer.lr: [0.1]
                workers: 0
                out: out
                """));
    }

    @Test
    void aBaseThatPinsTheLambdaOfItsRuleIsRefused() throws Exception {
        // a run's recipe.yaml as the base: its resolved lambda would override every trial's rule
        java.nio.file.Files.writeString(tmp.resolve("pinned.yaml"), java.nio.file.Files.readString(tmp.resolve("tiny.yaml"))
                .replace("weight_decay: 0.1", "weight_decay: {rule: ema, tau_epoch: 0.5, lambda: 3.0}"));
        List<String> p = problems("""
                base: pinned.yaml
                grid:
                  optimizer.weight_decay.tau_epoch: [0.25, 2.0]
                out: out
                """);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("DIR/pinned.yaml: optimizer.weight_decay.lambda: pins λ = 3.0 beside the rule ema"),
                p.get(0));
    }

    @Test
    void shardsComeFromTheClusterIndexWhenOnlyTheirCountIsGiven() {
        assertEquals(new Shard(2, 4), Shard.parse("2/4", java.util.Map.of()));
        assertEquals(new Shard(3, 4), Shard.parse("4", java.util.Map.of("SLURM_ARRAY_TASK_ID", "3")));
        assertEquals(new Shard(1, 4), Shard.parse("4", java.util.Map.of("JOB_COMPLETION_INDEX", "1")));
        assertEquals("--shard must be i/n with 0 <= i < n, got 4/4",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/4", java.util.Map.of())).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("4", java.util.Map.of()));
    }
}
