package dev.decaf.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamMatcher;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The golden problem in decaf-djl: a block holding the golden parameters, updated by decaf-djl's
 * AdamW / AdamC / AdamL2 (scalar kernel) with the same groups and schedule as {@link GoldenGraph}.
 */
final class DjlGoldenRun implements AutoCloseable {

    final NDManager manager = NDManager.newBaseManager();
    final Params block;
    final AdamFamily optimizer;

    DjlGoldenRun(String kase, Map<String, float[]> start) {
        Golden g = Golden.INSTANCE;
        block = new Params(g.shapes);
        block.initialize(manager, start);
        ParamGroups groups = ParamGroups.builder(block)
                .add(GroupRule.builder("decay", ParamMatcher.names("encoder.weight", "head.weight"))
                        .weightDecay(g.weightDecay("decay")).lrScale(g.lrScale("decay")).build())
                .add(GroupRule.builder("no_decay", ParamMatcher.names("encoder.bias", "norm.weight"))
                        .weightDecay(g.weightDecay("no_decay")).lrScale(g.lrScale("no_decay")).build())
                .build();
        AdamFamily.BaseBuilder<?> b = switch (kase) {
            case "adamw" -> dev.decaf.djl.optim.AdamW.builder();
            case "adamc" -> dev.decaf.djl.optim.AdamC.builder();
            case "adam_l2" -> dev.decaf.djl.optim.AdamL2.builder();
            case "adams" -> dev.decaf.djl.optim.AdamS.builder();
            default -> throw new IllegalArgumentException(kase);
        };
        optimizer = b.optBeta1(0.8f).optBeta2(0.95f).optEpsilon(1e-6f)
                .optLearningRateTracker(ScheduleTracker.of(GoldenGraph.SCHEDULE))
                .optParamGroups(groups).optFusedKernel(false).optKernelThreads(1).build();
    }

    void run(int from, int to) {
        Golden g = Golden.INSTANCE;
        for (int t = from; t <= to; t++) {
            for (String name : g.shapes.keySet()) {
                Parameter p = block.params.get(name);
                try (NDArray grad = manager.create(g.grad(name, t), new Shape(g.shapes.get(name)))) {
                    optimizer.update(p.getId(), p.getArray(), grad);
                }
            }
        }
    }

    Map<String, float[]> weights() {
        Map<String, float[]> out = new LinkedHashMap<>();
        block.params.forEach((n, p) -> out.put(n, p.getArray().toFloatArray()));
        return out;
    }

    void save(Path dir) throws IOException {
        optimizer.saveState(dir);
    }

    void load(Path dir) throws IOException {
        optimizer.loadState(dir, manager);
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }

    /** A block that only holds named parameters with given values. */
    static final class Params extends AbstractBlock {
        final Map<String, Parameter> params = new LinkedHashMap<>();

        Params(Map<String, long[]> shapes) {
            shapes.forEach((name, shape) -> params.put(name, addParameter(Parameter.builder().setName(name)
                    .setType(name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT)
                    .optShape(new Shape(shape)).optInitializer(Initializer.ZEROS).build())));
        }

        void initialize(NDManager manager, Map<String, float[]> values) {
            params.forEach((name, p) -> {
                p.initialize(manager, DataType.FLOAT32);
                p.getArray().set(values.get(name));
            });
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            throw new UnsupportedOperationException("parameters only");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }
}
