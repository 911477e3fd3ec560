package dev.decaf.train.loop;

import dev.decaf.djl.optim.OptimizerState;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.train.metrics.GroupUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures each parameter group's ‖θ‖ and ‖Δθ‖/‖θ‖ across one optimizer update: a copy of the
 * weights before it, compared with the weights after. Costs a copy of the model, so the loop takes
 * it on logging steps only.
 */
final class GroupNormProbe {

    private final DecoderModel model;
    private final OptimizerState optimizer;

    GroupNormProbe(DecoderModel model, OptimizerState optimizer) {
        this.model = model;
        this.optimizer = optimizer;
    }

    /** Per group, in plan order: its weights before the update, flattened. */
    Map<String, double[]> before() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (GroupPlan.Group g : optimizer.groupPlan().groups()) {
            List<float[]> copies = new ArrayList<>();
            for (ParamInfo p : g.members()) {
                copies.add(model.parameters().get(p.name()).getArray().toFloatArray());
            }
            int n = copies.stream().mapToInt(a -> a.length).sum();
            double[] flat = new double[n];
            int k = 0;
            for (float[] a : copies) {
                for (float f : a) {
                    flat[k++] = f;
                }
            }
            out.put(g.name(), flat);
        }
        return out;
    }

    /** Per group, in plan order: the weights now against {@code before}. */
    Map<String, GroupUpdate> after(Map<String, double[]> before) {
        Map<String, GroupUpdate> out = new LinkedHashMap<>();
        for (GroupPlan.Group g : optimizer.groupPlan().groups()) {
            double[] old = before.get(g.name());
            double w2 = 0;
            double d2 = 0;
            int k = 0;
            for (ParamInfo p : g.members()) {
                for (float f : model.parameters().get(p.name()).getArray().toFloatArray()) {
                    double d = f - old[k++];
                    w2 += (double) f * f;
                    d2 += d * d;
                }
            }
            out.put(g.name(), new GroupUpdate(Math.sqrt(w2), w2 == 0 ? 0 : Math.sqrt(d2 / w2)));
        }
        return out;
    }
}
