package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamMatcher;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad groups surface before the first step, with the first update's own messages: through {@link
 * ParamGroups#validate()}, and through {@link AdamFamily#validationListener()} at {@code
 * model.newTrainer} (a block with shapes) or at the first batch, before {@code trainer.step()} (a
 * block that gets its shapes from {@code trainer.initialize}).
 */
class GroupsValidationTest {

    static final String TWICE = "parameter 'encoder.weight' matches two groups: 'matrices' (ndim>=2) and 'encoder'"
            + " (name~encoder.*)";

    static NamedParameterBlock block(NDManager manager) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("encoder.weight", new long[] {3, 2});
        shapes.put("encoder.bias", new long[] {2});
        NamedParameterBlock block = new NamedParameterBlock(shapes);
        block.initialize(manager, Map.of("encoder.weight", new float[6], "encoder.bias", new float[2]));
        return block;
    }

    static ParamGroups overlapping(ai.djl.nn.Block block) {
        return ParamGroups.builder(block)
                .add(GroupRule.builder("matrices", ParamMatcher.ndimAtLeast(2)).build())
                .add(GroupRule.builder("encoder", ParamMatcher.nameGlob("encoder.*")).weightDecay(0).build())
                .build();
    }

    static ParamGroups empty(ai.djl.nn.Block block) {
        return ParamGroups.builder(block)
                .add(GroupRule.builder("norms", ParamMatcher.nameRegex("norm")).weightDecay(0).build())
                .build();
    }

    static String firstUpdateError(ParamGroups groups, Parameter p) {
        AdamW opt = AdamW.builder().optParamGroups(groups).build();
        NDArray w = p.getArray();
        return assertThrows(IllegalArgumentException.class, () -> opt.update(p.getId(), w, w.onesLike())).getMessage();
    }

    @Test
    void validateRaisesTheFirstUpdatesErrorsBeforeAnyStep() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = block(manager);
            String twice = assertThrows(IllegalArgumentException.class, () -> overlapping(block).validate()).getMessage();
            assertEquals(TWICE, twice);
            assertEquals(firstUpdateError(overlapping(block), block.param("encoder.weight")), twice);

            String none = assertThrows(IllegalArgumentException.class, () -> empty(block).validate()).getMessage();
            assertEquals("group 'norms' (name=/norm/) matches no parameter; closest parameter names contain 'encoder':"
                    + " encoder.weight, encoder.bias (decaf groups --names lists every parameter; in code, ParamGroups.describeParameters())", none);
            assertEquals(firstUpdateError(empty(block), block.param("encoder.weight")), none);

            ParamGroups.standard(block).validate(); // good groups: no error
        }
    }

    @Test
    void theListenerFailsNewTrainerForABlockWithShapes() {
        try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance("groups-check")) {
            NamedParameterBlock block = block(manager);
            model.setBlock(block);
            AdamW bad = AdamW.builder().optParamGroups(overlapping(block)).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(bad)
                    .addTrainingListeners(bad.validationListener());
            assertEquals(TWICE, assertThrows(IllegalArgumentException.class, () -> model.newTrainer(config)).getMessage());

            AdamW good = AdamW.builder().optParamGroups(ParamGroups.standard(block)).build();
            ParamGroupsCheck check = good.validationListener();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(good)
                    .addTrainingListeners(check))) {
                assertTrue(check.checked(), "checked in the Trainer constructor");
            }
        }
    }

    @Test
    void aBlockShapedByInitializeIsCheckedAtTheFirstBatchBeforeTheStep() throws Exception {
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(2).build());
        AdamW opt = AdamW.builder().optParamGroups(empty(block)).build();
        ParamGroupsCheck check = opt.validationListener();
        try (Model model = Model.newInstance("groups-check-late")) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(opt)
                    .addTrainingListeners(check);
            try (Trainer trainer = model.newTrainer(config)) {
                assertFalse(check.checked(), "no shapes in the Trainer constructor: nothing to resolve yet");
                trainer.initialize(new Shape(2, 3));
                Parameter weight = block.getParameters().valueAt(0);
                float[] before = weight.getArray().toFloatArray();
                NDManager manager = trainer.getManager();
                ArrayDataset data = new ArrayDataset.Builder().setData(manager.ones(new Shape(2, 3)))
                        .optLabels(manager.ones(new Shape(2, 2))).setSampling(2, false).build();
                try (Batch batch = trainer.iterateDataset(data).iterator().next()) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> EasyTrain.trainBatch(trainer, batch));
                    assertTrue(e.getMessage().startsWith("group 'norms' (name=/norm/) matches no parameter"), e.getMessage());
                }
                assertArrayEquals(before, weight.getArray().toFloatArray(), 0f, "no step was taken");
            }
        }
    }
}
