package dev.decaf.core.state;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The content of {@code optimizer.json}: which optimizer wrote the state, with which settings,
 * and each parameter's step count t (the moments themselves are in {@code
 * optimizer.safetensors}, see {@link OptimizerStateFormat}).
 *
 * <pre>
 * { "format" : "decaf-optimizer/1", "optimizer" : "AdamW",
 *   "beta1" : 0.9, "beta2" : 0.999, "eps" : 1.0E-8, "weight_decay" : 0.1, "decay_rule" : "decoupled",
 *   "max_lr" : 3.0E-4,                                                  (only when known)
 *   "groups" : [ { "name" : "decay", "weight_decay" : 0.1, "rule" : "decoupled", "lr_scale" : 1.0,
 *                  "params" : [ "wte.weight", ... ] }, ... ],
 *   "params" : { "wte.weight" : { "step" : 1200, "shape" : [ 50257, 768 ] }, ... } }
 * </pre>
 *
 * <p>Written in the layout of Jackson's default pretty printer, which wrote these files before,
 * so the same state gives the same bytes. Read back, only {@code format} and the steps are
 * required; a setting missing from an older or hand-edited file reads as NaN or null.
 *
 * @param optimizer the optimizer's class name ({@code AdamW}, {@code AdamC}, ...)
 * @param beta1 β1
 * @param beta2 β2
 * @param eps ε
 * @param weightDecay λ of groups that do not set their own
 * @param decayRule the default decay rule's recipe name
 * @param maxLearningRate γ_max, NaN when unknown (then not written)
 * @param groups the groups of the parameters that have state, in plan order
 * @param params each parameter with state, in the order of its tensors in the tensor file
 */
public record OptimizerManifest(
        String optimizer,
        double beta1,
        double beta2,
        double eps,
        double weightDecay,
        String decayRule,
        double maxLearningRate,
        List<Group> groups,
        Map<String, Param> params) {

    /**
     * A parameter group as the optimizer resolved it.
     *
     * @param name the group name
     * @param weightDecay its λ
     * @param rule its decay rule's recipe name
     * @param lrScale its learning-rate multiplier
     * @param params its members, in model order
     */
    public record Group(String name, double weightDecay, String rule, double lrScale, List<String> params) {
        /** Copies the member list. */
        public Group {
            params = List.copyOf(params);
        }
    }

    /**
     * One parameter's saved state.
     *
     * @param step its step count t ≥ 0
     * @param shape the shape of its moments (of the parameter)
     */
    public record Param(long step, long[] shape) {
        /** Copies the shape. */
        public Param {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Param p && p.step == step && Arrays.equals(p.shape, shape);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(step) * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "Param[step=" + step + ", shape=" + Arrays.toString(shape) + "]";
        }
    }

    /** Copies the lists, keeping the parameters' order. */
    public OptimizerManifest {
        groups = List.copyOf(groups);
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * Writes the manifest as {@code optimizer.json} holds it.
     *
     * @return the JSON text (no trailing newline)
     */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", OptimizerStateFormat.FORMAT);
        root.put("optimizer", optimizer);
        root.put("beta1", beta1);
        root.put("beta2", beta2);
        root.put("eps", eps);
        root.put("weight_decay", weightDecay);
        root.put("decay_rule", decayRule);
        if (!Double.isNaN(maxLearningRate)) {
            root.put("max_lr", maxLearningRate);
        }
        List<Object> groupList = new ArrayList<>();
        for (Group g : groups) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", g.name());
            o.put("weight_decay", g.weightDecay());
            o.put("rule", g.rule());
            o.put("lr_scale", g.lrScale());
            o.put("params", g.params());
            groupList.add(o);
        }
        root.put("groups", groupList);
        Map<String, Object> paramMap = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("step", p.step());
            o.put("shape", p.shape);
            paramMap.put(name, o);
        });
        root.put("params", paramMap);
        return Json.pretty(root);
    }

    /**
     * Reads a manifest.
     *
     * @param text the content of {@code optimizer.json}
     * @param source the file, for messages
     * @return the manifest
     * @throws IOException when the text is not JSON, its {@code format} is not {@value
     *     OptimizerStateFormat#FORMAT}, or a parameter's step is missing or negative
     */
    public static OptimizerManifest parse(String text, Path source) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        Map<?, ?> root = parsed instanceof Map<?, ?> m ? m : Map.of();
        Object format = root.get("format");
        if (!OptimizerStateFormat.FORMAT.equals(format)) {
            throw new IOException(source + ": field 'format' is '" + (format == null ? "" : format)
                    + "', expected '" + OptimizerStateFormat.FORMAT + "'");
        }
        List<Group> groups = new ArrayList<>();
        for (Object g : list(root.get("groups"))) {
            Map<?, ?> o = object(g);
            groups.add(new Group(text(o.get("name")), number(o.get("weight_decay")), text(o.get("rule")),
                    number(o.get("lr_scale")), list(o.get("params")).stream().map(OptimizerManifest::text).filter(Objects::nonNull).toList()));
        }
        Map<String, Param> params = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : object(root.get("params")).entrySet()) {
            String name = (String) e.getKey();
            Map<?, ?> p = object(e.getValue());
            long step = p.get("step") instanceof Number n ? n.longValue() : -1;
            if (step < 0) {
                throw new IOException(source + ": params." + name + ".step is missing or negative");
            }
            params.put(name, new Param(step, list(p.get("shape")).stream()
                    .mapToLong(d -> d instanceof Number n ? n.longValue() : -1).toArray()));
        }
        return new OptimizerManifest(text(root.get("optimizer")), number(root.get("beta1")), number(root.get("beta2")),
                number(root.get("eps")), number(root.get("weight_decay")), text(root.get("decay_rule")),
                number(root.get("max_lr")), groups, params);
    }

    private static Map<?, ?> object(Object v) {
        return v instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object v) {
        return v instanceof List<?> l ? l : List.of();
    }

    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String text(Object v) {
        return v == null ? null : Objects.toString(v);
    }
}
