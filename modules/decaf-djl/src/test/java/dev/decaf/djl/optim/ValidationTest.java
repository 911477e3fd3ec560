package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamMatcher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Invalid settings fail with an {@link IllegalArgumentException} whose message names the value. */
class ValidationTest {

    static void assertRejects(String expectedInMessage, Supplier<?> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().contains(expectedInMessage),
                "message '" + e.getMessage() + "' should contain '" + expectedInMessage + "'");
    }

    @Test
    void hyperParameters() {
        assertRejects("beta1 must be in [0, 1), got 1.0", () -> AdamW.builder().optBeta1(1f).build());
        assertRejects("beta1 must be in [0, 1), got -0.1", () -> AdamW.builder().optBeta1(-0.1f).build());
        assertRejects("beta2 must be in [0, 1), got 1.5", () -> AdamC.builder().optBeta2(1.5f).build());
        assertRejects("beta2 must be in [0, 1), got NaN", () -> AdamW.builder().optBeta2(Float.NaN).build());
        assertRejects("epsilon must be finite and > 0, got 0.0", () -> AdamW.builder().optEpsilon(0f).build());
        assertRejects("epsilon must be finite and > 0, got -1.0E-8", () -> AdamL2.builder().optEpsilon(-1e-8f).build());
        assertRejects("weight decay must be finite and >= 0, got -0.01", () -> AdamW.builder().optWeightDecays(-0.01f).build());
        assertRejects("weight decay must be finite and >= 0, got NaN", () -> AdamW.builder().optWeightDecays(Float.NaN).build());
        assertRejects("max learning rate must be finite and > 0, got -1.0",
                () -> AdamC.builder().optMaxLearningRate(-1).build());
    }

    @Test
    void learningRate() {
        assertRejects("learning rate must be finite and >= 0, got -0.10000000149011612",
                () -> AdamW.builder().optLearningRateTracker(Tracker.fixed(-0.1f)).build());
        assertRejects("learning rate must be finite and >= 0, got NaN",
                () -> AdamW.builder().optLearningRateTracker(Tracker.fixed(Float.NaN)).build());
        // A schedule that turns negative later is caught at that step, naming step and parameter.
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("w", new long[] {2, 2});
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(shapes);
            block.initialize(manager, Map.of("w", new float[] {1, 2, 3, 4}));
            AdamW opt = AdamW.builder()
                    .optLearningRateTracker((Tracker) step -> step <= 2 ? 1e-3f : -1f)
                    .optParamGroups(ParamGroups.all(block)).build();
            NDArray w = block.param("w").getArray();
            try (NDArray g = manager.ones(w.getShape())) {
                opt.update(block.param("w").getId(), w, g);
                opt.update(block.param("w").getId(), w, g);
                float[] before = w.toFloatArray();
                assertRejects("got -1.0 at step 3 for parameter w", () -> {
                    opt.update(block.param("w").getId(), w, g);
                    return null;
                });
                // the refused step moved nothing: not the weight, not the step count
                assertEquals(2, opt.step("w"));
                org.junit.jupiter.api.Assertions.assertArrayEquals(before, w.toFloatArray());
            }
        }
    }

    @Test
    void describeNamesADjlTrackerAndAFloatPeakInItsOwnDigits() {
        AdamC opt = AdamC.builder().optLearningRateTracker(Tracker.warmUp().optWarmUpBeginValue(0f).optWarmUpSteps(10)
                .setMainTracker(Tracker.fixed(3e-3f)).build()).optMaxLearningRate(3e-3f).build();
        String d = opt.describe();
        assertTrue(d.contains("lr WarmUpTracker, γ_max=0.003;"), d);
    }

    @Test
    void adamcNeedsAPeak() {
        assertRejects("needs the schedule's peak learning rate",
                () -> AdamC.builder().optLearningRateTracker(Tracker.fixed(0.1f)).build());
        // with an explicit peak, or λ = 0, it builds
        AdamC.builder().optLearningRateTracker(Tracker.fixed(0.1f)).optMaxLearningRate(0.1).build();
        AdamC.builder().optLearningRateTracker(Tracker.fixed(0.1f)).optWeightDecays(0f).build();
    }

    @Test
    void groups() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("encoder.weight", new long[] {3, 2});
        shapes.put("encoder.bias", new long[] {2});
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(shapes);
            block.initialize(manager, Map.of("encoder.weight", new float[6], "encoder.bias", new float[2]));
            ParamGroups overlapping = ParamGroups.builder(block)
                    .add(GroupRule.builder("matrices", ParamMatcher.ndimAtLeast(2)).build())
                    .add(GroupRule.builder("encoder", ParamMatcher.nameGlob("encoder.*")).weightDecay(0).build())
                    .build();
            AdamW a = AdamW.builder().optParamGroups(overlapping).build();
            assertRejects("parameter 'encoder.weight' matches two groups: 'matrices'", () -> a.groupTable());
            assertRejects("and 'encoder' (name~encoder.*)", () -> a.groupTable());

            ParamGroups empty = ParamGroups.builder(block)
                    .add(GroupRule.builder("norms", ParamMatcher.nameRegex("norm")).weightDecay(0).build())
                    .build();
            AdamW b = AdamW.builder().optParamGroups(empty).build();
            assertRejects("group 'norms' (name=/norm/) matches no parameter", () -> b.groupTable());

            assertRejects("weight decay of group 'g' must be finite and >= 0, got -1.0",
                    () -> GroupRule.builder("g", ParamMatcher.all()).weightDecay(-1));
            assertRejects("'stable' decay rule needs every parameter", () -> AdamS.builder().build());
        }
    }
}
