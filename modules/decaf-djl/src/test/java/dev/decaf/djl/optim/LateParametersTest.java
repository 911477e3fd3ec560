package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamMatcher;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A parameter added to the block after the optimizer's first step (a new head) is placed by the
 * group rules when first seen, and steps with its group's λ: checked against one AdamW step by
 * hand, θ₁ = θ₀·(1 − γλ) − γ·g/(|g| + ε) (m̂ = g, v̂ = g² at t = 1).
 */
class LateParametersTest {

    static final float LR = 0.1f;

    static float[] firstStep(float[] w0, float[] g, double lambda) {
        float[] out = new float[w0.length];
        for (int i = 0; i < w0.length; i++) {
            out[i] = (float) (w0[i] * (1 - LR * lambda) - LR * g[i] / (Math.abs(g[i]) + 1e-8));
        }
        return out;
    }

    /** Updates every parameter of the block, as Trainer.step() does, with gradient g. */
    static void step(AdamW opt, NamedParameterBlock block, NDManager manager, float[] g) {
        for (Parameter p : block.getParameters().values()) {
            NDArray w = p.getArray();
            try (NDArray grad = manager.create(java.util.Arrays.copyOf(g, (int) w.size()), w.getShape())) {
                opt.update(p.getId(), w, grad);
            }
        }
    }

    @Test
    void parametersAddedAfterTheFirstStepStepWithTheirGroupsDecay() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("encoder.weight", new long[] {2, 2});
        shapes.put("head.weight", new long[] {2, 2});
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(shapes);
            block.initialize(manager, Map.of("encoder.weight", new float[] {1, 2, 3, 4}, "head.weight", new float[] {4, 3, 2, 1}));
            ParamGroups groups = ParamGroups.builder(block)
                    .add(GroupRule.builder("head", ParamMatcher.nameRegex("^head")).weightDecay(0.5).build())
                    .add(GroupRule.builder("encoder", ParamMatcher.nameGlob("encoder.*")).build())
                    // a group for parameters still to come must say so: an empty group is an error otherwise
                    .add(GroupRule.builder("adapter", ParamMatcher.nameGlob("adapter.*")).weightDecay(0.2).allowEmpty().build())
                    .build();
            AdamW opt = AdamW.builder().optLearningRateTracker(Tracker.fixed(LR)).optWeightDecays(0.1f)
                    .optParamGroups(groups).build();
            float[] g = {0.5f, -1f, 2f, -4f};
            step(opt, block, manager, g);

            Map<String, float[]> late = new LinkedHashMap<>();
            late.put("head.proj.weight", new float[] {1, -1, 0.5f, 2});
            late.put("adapter.weight", new float[] {-3, 1, 0.25f, 2});
            late.put("extra.weight", new float[] {2, -2, 1, -1});
            late.put("extra.bias", new float[] {0.25f, -0.75f});
            late.forEach((name, w0) -> block.addLate(name,
                    name.endsWith("bias") ? new long[] {w0.length} : new long[] {w0.length / 2, 2}, manager, w0));
            step(opt, block, manager, g);

            Map<String, Double> lambda = Map.of("head.proj.weight", 0.5, "adapter.weight", 0.2, "extra.weight", 0.1,
                    "extra.bias", 0.0);
            late.forEach((name, w0) -> {
                assertArrayEquals(firstStep(w0, java.util.Arrays.copyOf(g, w0.length), lambda.get(name)),
                        block.param(name).getArray().toFloatArray(), 1e-6f, name);
                assertEquals(1, opt.step(name), name);
            });
            assertEquals(2, opt.step("encoder.weight"));
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> opt.step("encoder.wieght"));
            assertEquals("no parameter named 'encoder.wieght' in the block of this optimizer: step(name) takes decaf's"
                    + " parameter names (groupPlan().namesTable() lists them), not DJL's parameter ids", unknown.getMessage());
            assertEquals(String.join(System.lineSeparator(),
                    "group             tensors  parameters  weight_decay  rule       lr_scale  selects",
                    "head                    2           8  0.5           decoupled  1         name=/^head/",
                    "encoder                 1           4  0.1           decoupled  1         name~encoder.*",
                    "adapter                 1           4  0.2           decoupled  1         name~adapter.*",
                    "default                 1           4  0.1           decoupled  1         unmatched: not (kind=bias|norm or ndim<2)",
                    "default_no_decay        1           2  0 (none)      -          1         unmatched: kind=bias|norm or ndim<2",
                    "total                   6          22", ""), opt.groupTable());
        }
    }

    @Test
    void anIdOfAnotherBlockIsRefusedSayingWhy() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("w", new long[] {2});
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(shapes);
            block.initialize(manager, Map.of("w", new float[] {1, 2}));
            AdamW opt = AdamW.builder().optParamGroups(ParamGroups.all(block)).build();
            NDArray w = manager.create(new float[] {1, 2});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.update("elsewhere", w, w.onesLike()));
            assertEquals("parameter id elsewhere is not one of the 1 parameters the block given to ParamGroups holds"
                    + " now (re-read at this update): build the ParamGroups from the block the Trainer trains"
                    + " (model.getBlock())", e.getMessage());
        }
    }
}
