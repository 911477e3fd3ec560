package dev.decaf.tensorflow;

import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamMatcher;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.framework.optimizers.Optimizer.GradAndVar;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The golden problem as a TF graph: one variable per golden parameter (named as in the golden file),
 * its gradient a placeholder fed the golden gradient of each step, and decaf's optimizer applied to
 * those pairs. Two groups by name: {@code decay} (λ 0.1) and {@code no_decay} (λ 0, lr ×0.5).
 */
final class GoldenGraph implements AutoCloseable {

    static final Schedule SCHEDULE = Schedule.warmup(0.05, 10, 60, DecayShape.COSINE, 0.1);

    final Graph graph = new Graph();
    final Session session;
    final AdamFamily optimizer;
    final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    final Map<String, Placeholder<TFloat32>> grads = new LinkedHashMap<>();
    final Op update;

    /** A graph whose variables start at the golden initial weights. */
    GoldenGraph(String kase) {
        this(kase, Golden.INSTANCE.init);
    }

    /** A graph whose variables start at the given weights. */
    GoldenGraph(String kase, Map<String, float[]> start) {
        Golden g = Golden.INSTANCE;
        Ops tf = Ops.create(graph);
        List<GradAndVar<? extends TType>> pairs = new ArrayList<>();
        for (var e : g.shapes.entrySet()) {
            Shape shape = Shape.of(e.getValue());
            Variable<TFloat32> v = tf.withName(e.getKey()).variable(tf.constant(shape,
                    DataBuffers.of(start.get(e.getKey()), true, false)));
            Placeholder<TFloat32> grad = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
            variables.put(e.getKey(), v);
            grads.put(e.getKey(), grad);
            pairs.add(new GradAndVar<>(grad.asOutput(), v.asOutput()));
        }
        optimizer = builder(kase)
                .optBeta1(0.8).optBeta2(0.95).optEpsilon(1e-6).optSchedule(SCHEDULE)
                .optGroups(List.of(
                        GroupRule.builder("decay", ParamMatcher.names("encoder.weight", "head.weight"))
                                .weightDecay(g.weightDecay("decay")).lrScale(g.lrScale("decay")).build(),
                        GroupRule.builder("no_decay", ParamMatcher.names("encoder.bias", "norm.weight"))
                                .weightDecay(g.weightDecay("no_decay")).lrScale(g.lrScale("no_decay")).build()))
                .build(graph);
        update = optimizer.applyGradients(pairs, "update");
        session = new Session(graph);
        session.initialize();
    }

    static AdamFamily.BaseBuilder<?> builder(String kase) {
        return switch (kase) {
            case "adamw" -> AdamW.builder();
            case "adamc" -> AdamC.builder();
            case "adam_l2" -> AdamL2.builder();
            case "adams" -> AdamS.builder();
            default -> throw new IllegalArgumentException(kase);
        };
    }

    /** Runs golden steps [from, to]. */
    void run(int from, int to) {
        Golden g = Golden.INSTANCE;
        for (int t = from; t <= to; t++) {
            List<Tensor> fed = new ArrayList<>();
            Session.Runner r = session.runner().addTarget(update);
            for (var e : grads.entrySet()) {
                TFloat32 grad = TFloat32.tensorOf(Shape.of(g.shapes.get(e.getKey())),
                        DataBuffers.of(g.grad(e.getKey(), t), true, false));
                fed.add(grad);
                r.feed(e.getValue(), grad);
            }
            optimizer.run(r).close();
            fed.forEach(Tensor::close);
        }
    }

    /** The current weights by name. */
    Map<String, float[]> weights() {
        Session.Runner r = session.runner();
        variables.values().forEach(r::fetch);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Result res = r.run()) {
            int i = 0;
            for (var e : variables.entrySet()) {
                TFloat32 t = (TFloat32) res.get(i++);
                float[] f = new float[Math.toIntExact(t.shape().size())];
                t.copyTo(DataBuffers.of(f, false, false));
                out.put(e.getKey(), f);
            }
        }
        return out;
    }

    void save(Path dir) throws IOException {
        optimizer.saveState(dir, session);
    }

    void load(Path dir) throws IOException {
        optimizer.loadState(dir, session);
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
