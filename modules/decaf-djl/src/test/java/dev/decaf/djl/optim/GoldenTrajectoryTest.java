package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamMatcher;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * decaf's optimizers against 60-step trajectories of {@code torch.optim.AdamW}, {@code
 * torch.optim.Adam} (coupled L2), AdamC and AdamS computed by PyTorch 1.13 (see {@code
 * golden/gen_adam_golden.py}): two groups (λ 0.1 / 0, lr ×1 / ×0.5), β = (0.8, 0.95), ε = 1e-6,
 * warm-up + cosine, gradients spanning 10 orders of magnitude with exact zeros.
 */
class GoldenTrajectoryTest {

    /** Relative tolerance of the issue; the absolute floor covers weights crossing zero. */
    static final double REL = 1e-5;
    static final double ABS = 1e-7;

    enum Path { VECTOR, SCALAR, TENSOR_OPS }

    static List<Arguments> cases() {
        List<Arguments> out = new java.util.ArrayList<>();
        for (String c : List.of("adamw", "adam_l2", "adamc", "adams")) {
            for (Path p : Path.values()) {
                out.add(Arguments.of(c, p));
            }
        }
        return out;
    }

    static AdamFamily build(String kase, NamedParameterBlock block, Path path) {
        Golden g = Golden.INSTANCE;
        ParamGroups groups = ParamGroups.builder(block)
                .add(GroupRule.builder("decay", ParamMatcher.names("encoder.weight", "head.weight"))
                        .weightDecay(g.weightDecay("decay")).lrScale(g.lrScale("decay")).build())
                .add(GroupRule.builder("no_decay", ParamMatcher.names("encoder.bias", "norm.weight"))
                        .weightDecay(g.weightDecay("no_decay")).lrScale(g.lrScale("no_decay")).build())
                .build();
        ScheduleTracker tracker = ScheduleTracker.of(Schedule.warmup(0.05, 10, 60, DecayShape.COSINE, 0.1));
        AdamFamily.BaseBuilder<?> b = switch (kase) {
            case "adamw" -> AdamW.builder();
            case "adam_l2" -> AdamL2.builder();
            case "adamc" -> AdamC.builder();
            case "adams" -> AdamS.builder();
            default -> throw new IllegalArgumentException(kase);
        };
        b.optBeta1(0.8f).optBeta2(0.95f).optEpsilon(1e-6f).optLearningRateTracker(tracker)
                .optParamGroups(groups).optFusedKernel(path != Path.SCALAR);
        b.tensorOpsOnly = path == Path.TENSOR_OPS;
        return b.build();
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("cases")
    void matchesTorchTrajectory(String kase, Path path) {
        Golden g = Golden.INSTANCE;
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(g.shapes);
            block.initialize(manager, g.init);
            AdamFamily opt = build(kase, block, path);
            double worst = 0;
            for (int t = 1; t <= g.steps; t++) {
                for (String name : g.shapes.keySet()) {
                    NDArray w = block.param(name).getArray();
                    try (NDArray grad = manager.create(g.grad(name, t), new Shape(g.shapes.get(name)))) {
                        opt.update(block.param(name).getId(), w, grad);
                    }
                }
                for (String name : g.shapes.keySet()) {
                    float[] actual = block.param(name).getArray().toFloatArray();
                    float[] expected = g.expected(kase, name, t);
                    for (int i = 0; i < actual.length; i++) {
                        double err = Math.abs(actual[i] - expected[i]);
                        worst = Math.max(worst, err / (Math.abs(expected[i]) + ABS / REL));
                        assertTrue(err <= REL * Math.abs(expected[i]) + ABS, String.format(Locale.ROOT,
                                "%s %s step %d [%d]: decaf %.9g, torch %.9g", kase, name, t, i, actual[i], expected[i]));
                    }
                }
            }
            for (String name : g.shapes.keySet()) {
                assertEquals(g.steps, opt.step(name), "per-parameter step count of " + name);
            }
            System.out.printf(Locale.ROOT, "%s via %s: worst relative error %.2e over %d steps%n", kase, path, worst, g.steps);
        }
    }
}
