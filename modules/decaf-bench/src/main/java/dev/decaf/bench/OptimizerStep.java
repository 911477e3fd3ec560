package dev.decaf.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One optimizer step over a {@link ParameterSet}, for each implementation the benchmarks compare.
 * All do the same work per element: read θ, g, m, v; write θ, m, v; zero the parameter's
 * accumulated gradient. The gradient handed to the optimizer is a separate tensor, as DJL's
 * {@code Trainer.step()} hands it a copy.
 */
public abstract class OptimizerStep implements AutoCloseable {

    /** The implementations. */
    public enum Impl {
        /** decaf's AdamW (fused kernel on zero-copy views). */
        DECAF("decaf AdamW"),
        /** DJL's built-in {@code ai.djl.training.optimizer.AdamW} (libtorch ops per parameter). */
        DJL("DJL AdamW"),
        /** A fused single-pass Vector API loop over Java float arrays: the memory-bound floor. */
        FLOOR("float[] floor");

        private final String label;

        Impl(String label) {
            this.label = label;
        }

        /** Returns the table label. */
        public String label() {
            return label;
        }

        /**
         * Parses {@code decaf}, {@code djl} or {@code floor}.
         *
         * @param s the name
         * @return the implementation
         */
        public static Impl parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Creates the step for an implementation, with parameters, gradients and state allocated.
     *
     * @param impl the implementation
     * @param set the tensors
     * @return the step
     */
    public static OptimizerStep create(Impl impl, ParameterSet set) {
        return switch (impl) {
            case DECAF -> {
                AdamW decaf = AdamW.builder().optWeightDecays(0.01f).build();
                yield new Engines(set, decaf, decaf::close);
            }
            case DJL -> new Engines(set,
                    Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).optWeightDecays(0.01f).build(), () -> {});
            case FLOOR -> new Floor(set);
        };
    }

    /** Runs one step over every tensor. */
    public abstract void step();

    @Override
    public abstract void close();

    /** A DJL optimizer updating PyTorch tensors. */
    static final class Engines extends OptimizerStep {
        private final NDManager manager = NDManager.newBaseManager();
        private final Optimizer optimizer;
        private final Runnable closeOptimizer;
        private final List<NDArray> weights = new ArrayList<>();
        private final List<NDArray> grads = new ArrayList<>();

        Engines(ParameterSet set, Optimizer optimizer, Runnable closeOptimizer) {
            this.optimizer = optimizer;
            this.closeOptimizer = closeOptimizer;
            manager.getEngine().setRandomSeed(1);
            for (ParameterSet.Tensor t : set.tensors()) {
                NDArray w = manager.randomUniform(-0.05f, 0.05f, new Shape(t.shape()));
                w.setRequiresGradient(true);
                weights.add(w);
                grads.add(manager.randomNormal(0f, 1e-2f, new Shape(t.shape()), w.getDataType()));
            }
            // give every weight a real accumulated gradient, which the optimizers must zero
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                for (NDArray w : weights) {
                    gc.backward(w.sum());
                }
            }
        }

        @Override
        public void step() {
            for (int i = 0; i < weights.size(); i++) {
                optimizer.update("p" + i, weights.get(i), grads.get(i));
            }
        }

        @Override
        public void close() {
            closeOptimizer.run();
            manager.close();
        }
    }

    /** The floor: AdamW's arithmetic in one pass over heap float arrays, threads as decaf uses. */
    static final class Floor extends OptimizerStep {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private final List<float[][]> tensors = new ArrayList<>();
        private final ParallelRange threads = ParallelRange.create("decaf-floor-kernel", ParallelRange.defaultThreads());
        private long t;

        Floor(ParameterSet set) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(1);
            for (ParameterSet.Tensor ts : set.tensors()) {
                int n = Math.toIntExact(ts.numel());
                float[] p = new float[n];
                float[] g = new float[n];
                float[] z = new float[n];
                for (int i = 0; i < n; i++) {
                    p[i] = (float) (r.nextDouble() * 0.1 - 0.05);
                    g[i] = (float) (r.nextDouble() * 0.02 - 0.01);
                    z[i] = 1f;
                }
                tensors.add(new float[][] {p, g, new float[n], new float[n], z});
            }
        }

        @Override
        public void step() {
            t++;
            float b1 = 0.9f;
            float b2 = 0.999f;
            float decay = (float) (1 - 1e-3 * 0.01);
            float bc2 = (float) Math.sqrt(1 - Math.pow(0.999, t));
            float alpha = (float) (1e-3 / (1 - Math.pow(0.9, t)));
            float eps = 1e-8f;
            for (float[][] a : tensors) {
                float[] p = a[0];
                float[] g = a[1];
                float[] m = a[2];
                float[] v = a[3];
                float[] z = a[4];
                threads.run(p.length, (from, to) -> {
                    int i = from;
                    int upper = from + (to - from) / S.length() * S.length();
                    FloatVector zero = FloatVector.zero(S);
                    for (; i < upper; i += S.length()) {
                        FloatVector gi = FloatVector.fromArray(S, g, i);
                        zero.intoArray(z, i);
                        FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(1 - b1));
                        FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(1 - b2).mul(gi));
                        mi.intoArray(m, i);
                        vi.intoArray(v, i);
                        FloatVector denom = vi.sqrt().div(bc2).add(eps);
                        FloatVector.fromArray(S, p, i).mul(decay).sub(mi.mul(alpha).div(denom)).intoArray(p, i);
                    }
                    for (; i < to; i++) {
                        z[i] = 0;
                        m[i] = m[i] * b1 + (1 - b1) * g[i];
                        v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i];
                        p[i] = p[i] * decay - (alpha * m[i]) / ((float) Math.sqrt(v[i]) / bc2 + eps);
                    }
                });
            }
        }

        @Override
        public void close() {
            tensors.clear();
            threads.close();
        }
    }
}
