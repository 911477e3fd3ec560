package dev.decaf.djl.optim;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Golden trajectories (torch 1.13): {@link #INSTANCE} from {@code golden/gen_adam_golden.py},
 * {@link #CAUTIOUS} from {@code golden/gen_cautious_golden.py}; both files share one layout.
 */
final class Golden {

    static final Golden INSTANCE = load("/golden/adam_trajectories.json");
    static final Golden CAUTIOUS = load("/golden/cautious_trajectories.json");

    final Map<String, Object> root;
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, float[]> init = new LinkedHashMap<>();
    final Map<String, String> groupOf = new LinkedHashMap<>();
    final int steps;

    private Golden(Map<String, Object> root) {
        this.root = root;
        this.steps = ((Number) root.get("steps")).intValue();
        for (Object o : list(root.get("params"))) {
            Map<String, Object> p = map(o);
            String name = (String) p.get("name");
            shapes.put(name, list(p.get("shape")).stream().mapToLong(d -> ((Number) d).longValue()).toArray());
            init.put(name, floats(p.get("init")));
            groupOf.put(name, (String) p.get("group"));
        }
    }

    private static Golden load(String resource) {
        try (InputStream in = Golden.class.getResourceAsStream(resource)) {
            return new Golden(Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    static float[] floats(Object array) {
        List<Object> l = list(array);
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    /** The gradient of a parameter at step t (1-based). */
    float[] grad(String name, int step) {
        return floats(list(map(root.get("grads")).get(name)).get(step - 1));
    }

    /** The weights of a parameter after step t (1-based) in a case. */
    float[] expected(String kase, String name, int step) {
        return floats(list(map(map(map(root.get("cases")).get(kase)).get("trajectory")).get(name)).get(step - 1));
    }

    double lr(int step) {
        return ((Number) list(map(root.get("schedule")).get("lr")).get(step - 1)).doubleValue();
    }

    double weightDecay(String group) {
        return ((Number) map(map(root.get("groups")).get(group)).get("weight_decay")).doubleValue();
    }

    double lrScale(String group) {
        return ((Number) map(map(root.get("groups")).get(group)).get("lr_scale")).doubleValue();
    }
}
