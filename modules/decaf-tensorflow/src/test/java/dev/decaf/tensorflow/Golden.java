package dev.decaf.tensorflow;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * decaf-djl's golden trajectories (torch 1.13, {@code modules/decaf-djl/src/test/resources/golden/
 * gen_adam_golden.py}), which this module's build copies onto its test class path: four float32
 * parameters in two groups, 60 gradients, warm-up + cosine, and the weights after every step of
 * {@code torch.optim.AdamW}, {@code torch.optim.Adam} (L2), AdamC and AdamS.
 */
final class Golden {

    static final Golden INSTANCE = load("/golden/adam_trajectories.json");

    final Map<String, Object> root;
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, float[]> init = new LinkedHashMap<>();
    final int steps;

    private Golden(Map<String, Object> root) {
        this.root = root;
        this.steps = ((Number) root.get("steps")).intValue();
        for (Object o : list(root.get("params"))) {
            Map<String, Object> p = map(o);
            String name = (String) p.get("name");
            shapes.put(name, list(p.get("shape")).stream().mapToLong(d -> ((Number) d).longValue()).toArray());
            init.put(name, floats(p.get("init")));
        }
    }

    private static Golden load(String resource) {
        try (InputStream in = Golden.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path (see this module's pom)");
            }
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

    double weightDecay(String group) {
        return ((Number) map(map(root.get("groups")).get(group)).get("weight_decay")).doubleValue();
    }

    double lrScale(String group) {
        return ((Number) map(map(root.get("groups")).get(group)).get("lr_scale")).doubleValue();
    }
}
