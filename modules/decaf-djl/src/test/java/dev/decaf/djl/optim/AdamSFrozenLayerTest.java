package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdamS with a layer frozen after step 2: steps 3–5 update the other two parameters, v̄ is their
 * mean alone, and each step completes by itself. Checked against AdamS written out here in double
 * precision from the formula (official swd_optim/adams.py):
 *
 * <pre>
 * m ← β1·m + (1−β1)·g ; v ← β2·v + (1−β2)·g² ; v̂ = v/(1−β2^t) ; v̄ = mean of v̂ over the trainable elements
 * θ ← θ·(1 − γλ/√v̄) ;  θ ← θ − γ/(1−β1^t) · m/(√v̂ + ε)
 * </pre>
 */
class AdamSFrozenLayerTest {

    static final double LR = 0.01;
    static final double LAMBDA = 0.5;
    static final double B1 = 0.9;
    static final double B2 = 0.999;
    static final double EPS = 1e-8;

    static float grad(String name, int t, int i) {
        return (float) Math.sin(1.3 * t + 0.7 * i + name.length());
    }

    @Test
    void freezingALayerBetweenStepsKeepsEveryLaterStepWhole(@TempDir Path dir) throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("a.weight", new long[] {2, 3});
        shapes.put("b.weight", new long[] {2, 2});
        shapes.put("c.weight", new long[] {3, 1});
        Map<String, float[]> init = Map.of("a.weight", new float[] {1, -2, 0.5f, 3, -1, 2},
                "b.weight", new float[] {0.3f, -0.6f, 0.9f, -1.2f}, "c.weight", new float[] {-0.4f, 0.8f, 1.6f});
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(shapes);
            block.initialize(manager, init);
            AdamS opt = AdamS.builder().optLearningRateTracker(Tracker.fixed((float) LR)).optWeightDecays((float) LAMBDA)
                    .optParamGroups(ParamGroups.all(block)).build();

            Map<String, double[]> theta = new HashMap<>();
            Map<String, double[]> m = new HashMap<>();
            Map<String, double[]> v = new HashMap<>();
            Map<String, Integer> steps = new HashMap<>();
            init.forEach((k, w) -> {
                double[] d = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    d[i] = w[i];
                }
                theta.put(k, d);
                m.put(k, new double[w.length]);
                v.put(k, new double[w.length]);
                steps.put(k, 0);
            });

            for (int t = 1; t <= 5; t++) {
                if (t == 3) {
                    block.param("b.weight").freeze(true);
                }
                // decaf, as Trainer.step() calls it: every parameter that requires a gradient
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (!p.getValue().requiresGradient()) {
                        continue;
                    }
                    NDArray w = p.getValue().getArray();
                    float[] g = new float[(int) w.size()];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = grad(p.getKey(), t, i);
                    }
                    try (NDArray ga = manager.create(g, w.getShape())) {
                        opt.update(p.getValue().getId(), w, ga);
                    }
                }
                // the reference
                List<String> trainable = t < 3 ? List.of("a.weight", "b.weight", "c.weight") : List.of("a.weight", "c.weight");
                double sumVHat = 0;
                long n = 0;
                for (String k : trainable) {
                    int s = steps.merge(k, 1, Integer::sum);
                    double[] mk = m.get(k);
                    double[] vk = v.get(k);
                    for (int i = 0; i < mk.length; i++) {
                        double g = grad(k, t, i);
                        mk[i] = B1 * mk[i] + (1 - B1) * g;
                        vk[i] = B2 * vk[i] + (1 - B2) * g * g;
                        sumVHat += vk[i] / (1 - Math.pow(B2, s));
                        n++;
                    }
                }
                double meanVHat = sumVHat / n;
                for (String k : trainable) {
                    int s = steps.get(k);
                    double[] th = theta.get(k);
                    for (int i = 0; i < th.length; i++) {
                        double vHat = v.get(k)[i] / (1 - Math.pow(B2, s));
                        th[i] = th[i] * (1 - LR * LAMBDA / Math.sqrt(meanVHat))
                                - LR / (1 - Math.pow(B1, s)) * m.get(k)[i] / (Math.sqrt(vHat) + EPS);
                    }
                }
                for (String k : init.keySet()) {
                    float[] actual = block.param(k).getArray().toFloatArray();
                    double[] expected = theta.get(k);
                    for (int i = 0; i < actual.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-6 * Math.abs(expected[i]) + 1e-7, k + "[" + i + "] after step " + t);
                    }
                }
            }
            assertArrayEquals(new long[] {5, 2, 5}, new long[] {opt.step("a.weight"), opt.step("b.weight"), opt.step("c.weight")});
            opt.saveState(dir);
            assertTrue(Files.size(dir.resolve("optimizer.safetensors")) > 0);
        }
    }
}
