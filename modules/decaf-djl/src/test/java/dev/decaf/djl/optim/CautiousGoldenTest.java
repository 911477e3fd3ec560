package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamMatcher;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CautiousAdamW} against the 30-step trajectory {@code golden/gen_cautious_golden.py}
 * writes from the paper's formula with float32 torch ops (not torch.optim): three tensors with
 * mixed signs in two groups (λ 0.5 / 0.2, lr ×1 / ×0.5), β = (0.9, 0.99), ε = 1e-8, warm-up +
 * cosine, 24–71% of the coordinates left undecayed by the mask at each step. Each path of the
 * arithmetic (vector kernel, scalar kernel, tensor ops) is checked twice: in a one-phase step, and
 * in the two-phase step an optimizer takes when another group decays with AdamS's {@code stable}
 * rule (there the mask is applied in the kernels' second pass).
 */
class CautiousGoldenTest {

    enum Phases { ONE, TWO }

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (GoldenTrajectoryTest.Path p : GoldenTrajectoryTest.Path.values()) {
            for (Phases ph : Phases.values()) {
                out.add(Arguments.of(p, ph));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "via {0}, {1} phase(s)")
    @MethodSource("cases")
    void matchesThePapersFormula(GoldenTrajectoryTest.Path path, Phases phases) {
        Golden g = Golden.CAUTIOUS;
        Map<String, long[]> shapes = new LinkedHashMap<>(g.shapes);
        Map<String, float[]> init = new LinkedHashMap<>(g.init);
        SplittableRandom random = new SplittableRandom(7);
        if (phases == Phases.TWO) {
            shapes.put("extra.weight", new long[] {4, 4});
            init.put("extra.weight", BitExactWeightsTest.normals(random, 16, 1));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(shapes);
            block.initialize(manager, init);
            ParamGroups.Builder groups = ParamGroups.builder(block)
                    .add(GroupRule.builder("decay", ParamMatcher.names("layer.weight", "proj.weight"))
                            .weightDecay(g.weightDecay("decay")).lrScale(g.lrScale("decay")).build())
                    .add(GroupRule.builder("half", ParamMatcher.names("head.weight"))
                            .weightDecay(g.weightDecay("half")).lrScale(g.lrScale("half")).build());
            AdamFamily.BaseBuilder<?> b = CautiousAdamW.builder();
            if (phases == Phases.TWO) {
                groups.add(GroupRule.builder("stable", ParamMatcher.names("extra.weight"))
                        .weightDecay(0.1).decayRule(DecayRule.STABLE).build());
            }
            b.optBeta1(0.9f).optBeta2(0.99f).optEpsilon(1e-8f)
                    .optLearningRateTracker(ScheduleTracker.of(Schedule.warmup(0.05, 5, 30, DecayShape.COSINE, 0.1)))
                    .optParamGroups(groups.build()).optFusedKernel(path != GoldenTrajectoryTest.Path.SCALAR);
            b.tensorOpsOnly = path == GoldenTrajectoryTest.Path.TENSOR_OPS;
            double worst = 0;
            try (AdamFamily opt = b.build()) {
                for (int t = 1; t <= g.steps; t++) {
                    for (String name : shapes.keySet()) {
                        float[] grad = name.equals("extra.weight") ? BitExactWeightsTest.normals(random, 16, 0.1)
                                : g.grad(name, t);
                        try (NDArray gr = manager.create(grad, new Shape(shapes.get(name)))) {
                            opt.update(block.param(name).getId(), block.param(name).getArray(), gr);
                        }
                    }
                    for (String name : g.shapes.keySet()) {
                        float[] actual = block.param(name).getArray().toFloatArray();
                        float[] expected = g.expected("cautious", name, t);
                        for (int i = 0; i < actual.length; i++) {
                            double err = Math.abs(actual[i] - expected[i]);
                            worst = Math.max(worst, err / (Math.abs(expected[i])
                                    + GoldenTrajectoryTest.ABS / GoldenTrajectoryTest.REL));
                            assertTrue(err <= GoldenTrajectoryTest.REL * Math.abs(expected[i]) + GoldenTrajectoryTest.ABS,
                                    String.format(Locale.ROOT, "%s step %d [%d]: decaf %.9g, reference %.9g", name, t, i,
                                            actual[i], expected[i]));
                        }
                    }
                }
                assertEquals(g.steps, opt.step("head.weight"));
            }
            System.out.printf(Locale.ROOT, "cautious via %s, %s phase(s): worst relative error %.2e over %d steps%n",
                    path, phases, worst, g.steps);
        }
    }
}
