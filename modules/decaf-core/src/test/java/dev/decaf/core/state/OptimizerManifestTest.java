package dev.decaf.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code optimizer.json}: the bytes Jackson wrote before, read back, and each rejection named. */
class OptimizerManifestTest {

    static final Path FILE = Path.of("ckpt", "optimizer.json");

    /** What decaf wrote with Jackson's default pretty printer (AdamC, two groups, 3 steps). */
    static final String JACKSON_WRITTEN = """
            {
              "format" : "decaf-optimizer/1",
              "optimizer" : "AdamC",
              "beta1" : 0.8,
              "beta2" : 0.95,
              "eps" : 1.0E-6,
              "weight_decay" : 0.01,
              "decay_rule" : "corrected",
              "max_lr" : 0.05,
              "groups" : [ {
                "name" : "decay",
                "weight_decay" : 0.1,
                "rule" : "corrected",
                "lr_scale" : 1.0,
                "params" : [ "encoder.weight", "head.weight" ]
              }, {
                "name" : "no_decay",
                "weight_decay" : 0.0,
                "rule" : "corrected",
                "lr_scale" : 0.5,
                "params" : [ "encoder.bias" ]
              } ],
              "params" : {
                "encoder.weight" : {
                  "step" : 3,
                  "shape" : [ 4, 6 ]
                },
                "encoder.bias" : {
                  "step" : 3,
                  "shape" : [ 6 ]
                }
              }
            }""";

    static OptimizerManifest sample() {
        Map<String, OptimizerManifest.Param> params = new LinkedHashMap<>();
        params.put("encoder.weight", new OptimizerManifest.Param(3, new long[] {4, 6}));
        params.put("encoder.bias", new OptimizerManifest.Param(3, new long[] {6}));
        return new OptimizerManifest("AdamC", 0.8, 0.95, 1e-6, 0.01, "corrected", 0.05, List.of(
                new OptimizerManifest.Group("decay", 0.1, "corrected", 1.0, List.of("encoder.weight", "head.weight")),
                new OptimizerManifest.Group("no_decay", 0.0, "corrected", 0.5, List.of("encoder.bias"))), params);
    }

    @Test
    void writesTheBytesJacksonWrote() {
        assertEquals(JACKSON_WRITTEN, sample().toJson());
    }

    @Test
    void readsBackWhatItWrites() throws IOException {
        assertEquals(sample(), OptimizerManifest.parse(sample().toJson(), FILE));
        assertEquals(sample(), OptimizerManifest.parse(JACKSON_WRITTEN.replace(" : ", ":").replace("\n", ""), FILE));
    }

    @Test
    void anUnknownPeakIsNotWrittenAndReadsAsNaN() throws IOException {
        OptimizerManifest m = new OptimizerManifest("AdamW", 0.9, 0.999, 1e-8, 0.1, "decoupled", Double.NaN,
                List.of(), Map.of());
        String json = m.toJson();
        assertTrue(!json.contains("max_lr") && json.contains("\"groups\" : [ ]") && json.contains("\"params\" : { }"), json);
        assertTrue(Double.isNaN(OptimizerManifest.parse(json, FILE).maxLearningRate()));
        OptimizerManifest bare = OptimizerManifest.parse("{\"format\": \"decaf-optimizer/1\"}", FILE);
        assertTrue(Double.isNaN(bare.beta1()) && bare.params().isEmpty() && bare.groups().isEmpty());
    }

    @Test
    void rejectionsNameTheFileAndTheField() {
        assertRejects("optimizer.json: not valid JSON (", "{\"format\": ");
        assertRejects("optimizer.json: field 'format' is 'pt', expected 'decaf-optimizer/1'", "{\"format\": \"pt\"}");
        assertRejects("optimizer.json: field 'format' is '', expected 'decaf-optimizer/1'", "[1, 2]");
        assertRejects("optimizer.json: params.w.step is missing or negative",
                "{\"format\": \"decaf-optimizer/1\", \"params\": {\"w\": {\"shape\": [2]}}}");
        assertRejects("optimizer.json: params.w.step is missing or negative",
                "{\"format\": \"decaf-optimizer/1\", \"params\": {\"w\": {\"step\": -1}}}");
    }

    static void assertRejects(String fragment, String json) {
        IOException e = assertThrows(IOException.class, () -> OptimizerManifest.parse(json, FILE));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
