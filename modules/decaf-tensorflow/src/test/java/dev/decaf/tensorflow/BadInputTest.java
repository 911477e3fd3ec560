package dev.decaf.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamMatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/** Bad input to the TF optimizers: one IllegalArgumentException naming the value. */
class BadInputTest {

    @TempDir
    Path dir;

    @Test
    void variableMatchedByTwoGroupsNamesBoth() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Variable<TFloat32> w = tf.withName("h.0.attn.q_proj.weight").variable(tf.constant(new float[][] {{1f, 2f}, {3f, 4f}}));
            AdamC opt = AdamC.builder().optLearningRate(1e-3).optGroups(List.of(
                    GroupRule.builder("attention", ParamMatcher.nameGlob("*.attn.*")).build(),
                    GroupRule.builder("matrices", ParamMatcher.ndimAtLeast(2)).weightDecay(0.5).build())).build(graph);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.minimize(tf.math.mul(tf.sum(tf.identity(w), tf.constant(new int[] {0, 1})), tf.constant(2f))));
            assertTrue(e.getMessage().contains("'h.0.attn.q_proj.weight'") && e.getMessage().contains("'attention'")
                    && e.getMessage().contains("'matrices'"), e.getMessage());
        }
    }

    @Test
    void groupThatMatchesNoVariableNamesTheClosest() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Variable<TFloat32> w = tf.withName("dense.kernel").variable(tf.constant(new float[][] {{1f}}));
            AdamW opt = AdamW.builder().optGroups(List.of(
                    GroupRule.builder("head", ParamMatcher.names("dense.kernal")).build())).build(graph);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.minimize(tf.sum(tf.identity(w), tf.constant(new int[] {0, 1}))));
            assertTrue(e.getMessage().contains("'head'") && e.getMessage().contains("dense.kernel"), e.getMessage());
        }
    }

    @Test
    void float64VariableIsRefusedByName() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Variable<TFloat64> w = tf.withName("w64").variable(tf.constant(new double[] {1.0, 2.0}));
            AdamW opt = AdamW.builder().build(graph);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.minimize(tf.sum(tf.identity(w), tf.constant(0))));
            assertTrue(e.getMessage().contains("'w64'") && e.getMessage().contains("float32"), e.getMessage());
        }
    }

    @Test
    void settingsOutOfRangeAreNamed() {
        try (Graph graph = new Graph()) {
            assertEquals("beta2 must be in [0, 1), got 1.0",
                    assertThrows(IllegalArgumentException.class, () -> AdamW.builder().optBeta2(1).build(graph)).getMessage());
            assertEquals("learning rate must be finite and >= 0, got NaN at step 1",
                    assertThrows(IllegalArgumentException.class, () -> {
                        try (GoldenGraph g = new GoldenGraph("adamw")) {
                            g.optimizer.run(g.session.runner(), Double.NaN);
                        }
                    }).getMessage());
        }
    }

    @Test
    void stateOfAnotherOptimizerIsRefusedNamingBoth() throws IOException {
        try (GoldenGraph w = new GoldenGraph("adamw")) {
            w.run(1, 3);
            w.save(dir);
        }
        try (GoldenGraph c = new GoldenGraph("adamc")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.load(dir));
            assertTrue(e.getMessage().contains("holds the state of AdamW, not of AdamC"), e.getMessage());
        }
    }

    @Test
    void unequalStepCountsAreRefusedNamingTheVariables() throws IOException {
        try (GoldenGraph w = new GoldenGraph("adamw")) {
            w.run(1, 3);
            w.save(dir);
        }
        Path manifest = dir.resolve("optimizer.json");
        String json = Files.readString(manifest);
        int at = json.indexOf("\"step\"", json.indexOf("\"head.weight\" : {"));
        Files.writeString(manifest, json.substring(0, at) + json.substring(at).replaceFirst("\"step\" : 3", "\"step\" : 2"));
        try (GoldenGraph again = new GoldenGraph("adamw")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> again.load(dir));
            assertTrue(e.getMessage().contains("'encoder.weight' is at step 3 but 'head.weight' at step 2"), e.getMessage());
        }
    }
}
