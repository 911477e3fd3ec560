package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Saving the optimizer state mid-run, loading it into a fresh optimizer and continuing gives
 * bit-for-bit the weights of a run that never stopped.
 */
class StateSaveLoadTest {

    @TempDir
    Path dir;

    static final int STOP = 25;

    /** Runs steps [from, to] of the golden gradient sequence. */
    static void run(AdamFamily opt, NamedParameterBlock block, NDManager manager, int from, int to) {
        Golden g = Golden.INSTANCE;
        for (int t = from; t <= to; t++) {
            for (String name : g.shapes.keySet()) {
                try (NDArray grad = manager.create(g.grad(name, t), new Shape(g.shapes.get(name)))) {
                    opt.update(block.param(name).getId(), block.param(name).getArray(), grad);
                }
            }
        }
    }

    static Map<String, float[]> weights(NamedParameterBlock block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        Golden.INSTANCE.shapes.keySet().forEach(n -> out.put(n, block.param(n).getArray().toFloatArray()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "adamc", "adam_l2", "adams"})
    void resumedRunEqualsUninterruptedRun(String kase) throws IOException {
        Golden g = Golden.INSTANCE;
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock straight = new NamedParameterBlock(g.shapes);
            straight.initialize(manager, g.init);
            run(GoldenTrajectoryTest.build(kase, straight, GoldenTrajectoryTest.Path.VECTOR), straight, manager, 1, g.steps);

            NamedParameterBlock first = new NamedParameterBlock(g.shapes);
            first.initialize(manager, g.init);
            AdamFamily before = GoldenTrajectoryTest.build(kase, first, GoldenTrajectoryTest.Path.VECTOR);
            run(before, first, manager, 1, STOP);
            before.saveState(dir);
            assertTrue(Files.isRegularFile(dir.resolve("optimizer.safetensors")));
            assertTrue(Files.readString(dir.resolve("optimizer.json")).contains("\"step\" : " + STOP));

            // a fresh process: new block holding the checkpointed weights, new optimizer
            NamedParameterBlock resumed = new NamedParameterBlock(g.shapes);
            resumed.initialize(manager, weights(first));
            AdamFamily after = GoldenTrajectoryTest.build(kase, resumed, GoldenTrajectoryTest.Path.VECTOR);
            try (NDManager scratch = NDManager.newBaseManager()) {
                after.loadState(dir, scratch); // the optimizer owns what it loaded: scratch may close at once
            }
            assertEquals(STOP, after.step("encoder.weight"));
            run(after, resumed, manager, STOP + 1, g.steps);

            Map<String, float[]> a = weights(straight);
            Map<String, float[]> b = weights(resumed);
            for (String name : a.keySet()) {
                assertArrayEquals(a.get(name), b.get(name), 0f, name);
            }
        }
    }

    @Test
    void loadRejectsMissingTruncatedAndForeignState() throws IOException {
        Golden g = Golden.INSTANCE;
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(g.shapes);
            block.initialize(manager, g.init);
            AdamFamily opt = GoldenTrajectoryTest.build("adamw", block, GoldenTrajectoryTest.Path.VECTOR);
            IOException missing = assertThrows(IOException.class, () -> opt.loadState(dir, manager));
            assertTrue(missing.getMessage().contains("optimizer.json: missing optimizer state"), missing.getMessage());

            run(opt, block, manager, 1, 3);
            opt.saveState(dir);

            // a model without head.weight: the saved state names a parameter it does not have
            Map<String, long[]> fewer = new LinkedHashMap<>(g.shapes);
            fewer.remove("head.weight");
            NamedParameterBlock other = new NamedParameterBlock(fewer);
            Map<String, float[]> init = new LinkedHashMap<>(g.init);
            init.remove("head.weight");
            other.initialize(manager, init);
            AdamW foreign = AdamW.builder().optParamGroups(ParamGroups.standard(other)).build();
            IOException extra = assertThrows(IOException.class, () -> foreign.loadState(dir, manager));
            assertTrue(extra.getMessage().contains("parameter 'head.weight' is not in this model"), extra.getMessage());

            // a truncated tensor file is detected, never loaded
            Path tensors = dir.resolve("optimizer.safetensors");
            try (FileChannel ch = FileChannel.open(tensors, StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() - 12);
            }
            AdamFamily fresh = GoldenTrajectoryTest.build("adamw", block, GoldenTrajectoryTest.Path.VECTOR);
            IOException truncated = assertThrows(IOException.class, () -> fresh.loadState(dir, manager));
            assertTrue(truncated.getMessage().contains("optimizer.safetensors"), truncated.getMessage());
            assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        }
    }

    @Test
    void stateOfAnotherOptimizerOrOtherBetasIsRefusedAChangedLambdaIsNot() throws IOException {
        Golden g = Golden.INSTANCE;
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(g.shapes);
            block.initialize(manager, g.init);
            AdamW saved = AdamW.builder().optBeta2(0.95f).optWeightDecays(0.1f).optParamGroups(ParamGroups.standard(block))
                    .build();
            run(saved, block, manager, 1, 3);
            saved.saveState(dir);

            AdamC other = AdamC.builder().optBeta2(0.95f).optWeightDecays(0.1f).optParamGroups(ParamGroups.standard(block))
                    .build();
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> other.loadState(dir, manager));
            assertTrue(type.getMessage().endsWith("optimizer.json holds the state of AdamW, not of AdamC: load it into AdamW"
                    + " (its moments follow that optimizer's update)"), type.getMessage());

            AdamW betas = AdamW.builder().optBeta2(0.999f).optWeightDecays(0.1f).optParamGroups(ParamGroups.standard(block))
                    .build();
            IllegalArgumentException beta = assertThrows(IllegalArgumentException.class, () -> betas.loadState(dir, manager));
            assertTrue(beta.getMessage().endsWith("optimizer.json was saved with beta2 = 0.95, this AdamW has beta2 = 0.999:"
                    + " the moments would not continue the run"), beta.getMessage());

            AdamW lambda = AdamW.builder().optBeta2(0.95f).optWeightDecays(0.5f).optParamGroups(ParamGroups.standard(block))
                    .build();
            lambda.loadState(dir, manager); // a run may change its decay: loaded, with a note in the log
            assertEquals(3, lambda.step("encoder.weight"));
        }
    }
}
