package dev.decaf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.bench.OptimizerBenchmark.Result;
import dev.decaf.bench.OptimizerStep.Impl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's shapes and its goal arithmetic (no timing here: timings are benchmarks). */
class OptimizerBenchmarkTableTest {

    @Test
    void gpt2SmallHas148TensorsAnd124MParameters() {
        assertEquals(148, ParameterSet.GPT2_SMALL.tensors().size());
        assertEquals(124_439_808L, ParameterSet.GPT2_SMALL.numel());
        assertEquals(10_000_000L, ParameterSet.TEN_M.numel());
    }

    @Test
    void ratiosAndVerdictsComeFromTheSameRun() {
        ParameterSet s = ParameterSet.TEN_M;
        List<Result> results = List.of(
                new Result(Impl.DECAF, s, true, 5.0, 4.0, 10, "vector x2"),
                new Result(Impl.DJL, s, false, 500.0, 450.0, 10, "libtorch ops"),
                new Result(Impl.DJL, s, true, 20.0, 18.0, 10, "libtorch ops"),
                new Result(Impl.FLOOR, s, true, 4.0, 3.5, 10, "vector x2"));
        String table = OptimizerBenchmark.table(results);
        assertTrue(table.contains("| decaf AdamW (vector x2) | tuned | 5.0 | 4.0 | 100.0× | 1.25× |"), table);
        assertTrue(table.contains("| DJL AdamW (libtorch ops) | tuned | 20.0 | 18.0 | 25.0× | 5.00× |"), table);
        assertTrue(table.contains("10m, decaf with tuned malloc: 100.0× faster than DJL AdamW with default malloc"
                + " (goal ≥ 20×: met), 1.25× the floor (goal ≤ 2×: met)"), table);

        List<Result> slow = List.of(
                new Result(Impl.DECAF, s, true, 50.0, 40.0, 10, "scalar x1"),
                new Result(Impl.DJL, s, false, 500.0, 450.0, 10, "libtorch ops"),
                new Result(Impl.FLOOR, s, true, 4.0, 3.5, 10, "vector x2"));
        String missed = OptimizerBenchmark.table(slow);
        assertTrue(missed.contains("10.0× faster than DJL AdamW with default malloc (goal ≥ 20×: MISSED), 12.50× the floor"
                + " (goal ≤ 2×: MISSED)"), missed);
    }
}
