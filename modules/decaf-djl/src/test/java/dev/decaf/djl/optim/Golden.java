package dev.decaf.djl.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The golden trajectories from {@code golden/gen_adam_golden.py} (torch 1.13). */
final class Golden {

    static final Golden INSTANCE = load();

    final JsonNode root;
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, float[]> init = new LinkedHashMap<>();
    final Map<String, String> groupOf = new LinkedHashMap<>();
    final int steps;

    private Golden(JsonNode root) {
        this.root = root;
        this.steps = root.get("steps").asInt();
        for (JsonNode p : root.get("params")) {
            String name = p.get("name").asText();
            List<Long> shape = new ArrayList<>();
            p.get("shape").forEach(d -> shape.add(d.asLong()));
            shapes.put(name, shape.stream().mapToLong(Long::longValue).toArray());
            init.put(name, floats(p.get("init")));
            groupOf.put(name, p.get("group").asText());
        }
    }

    private static Golden load() {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/adam_trajectories.json")) {
            return new Golden(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    /** The gradient of a parameter at step t (1-based). */
    float[] grad(String name, int step) {
        return floats(root.get("grads").get(name).get(step - 1));
    }

    /** The weights of a parameter after step t (1-based) in a case. */
    float[] expected(String kase, String name, int step) {
        return floats(root.get("cases").get(kase).get("trajectory").get(name).get(step - 1));
    }

    double lr(int step) {
        return root.get("schedule").get("lr").get(step - 1).asDouble();
    }

    double weightDecay(String group) {
        return root.get("groups").get(group).get("weight_decay").asDouble();
    }

    double lrScale(String group) {
        return root.get("groups").get(group).get("lr_scale").asDouble();
    }
}
