package dev.decaf.tensorflow;

import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.core.state.OptimizerManifest;
import dev.decaf.core.state.OptimizerStateFiles;
import dev.decaf.core.state.OptimizerStateFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The TensorFlow side of decaf-core's optimizer-state files ({@link OptimizerStateFiles}): the
 * manifest from the optimizer's settings and group plan, the m and v slots fetched from a session as
 * little-endian float32 bytes for writing, and for reading, the bytes fed into the slots through
 * assign ops added to the graph at load time.
 */
final class OptimizerStateTensors {

    /**
     * The optimizer's settings as the manifest records them.
     *
     * @param optimizer the class name ({@code AdamW}, {@code AdamC}): decaf-djl's optimizers of the same
     *     name read the state
     * @param beta1 β1
     * @param beta2 β2
     * @param eps ε
     * @param weightDecay the default λ
     * @param decayRule the default rule's recipe name
     * @param maxLearningRate γ_max
     */
    record Header(String optimizer, double beta1, double beta2, double eps, double weightDecay, String decayRule,
            double maxLearningRate) {}

    private OptimizerStateTensors() {}

    static void save(Path dir, Header h, GroupPlan plan, Map<String, Variable<TFloat32>[]> slots, long step,
            Session session) throws IOException {
        List<OptimizerManifest.Group> groups = new ArrayList<>();
        Map<String, OptimizerManifest.Param> params = new LinkedHashMap<>();
        for (GroupPlan.Group g : plan.groups()) {
            groups.add(new OptimizerManifest.Group(g.name(), g.weightDecay(), g.decayRule().recipeName(), g.lrScale(),
                    g.members().stream().map(ParamInfo::name).toList()));
        }
        // file order: the variables in graph order, as decaf-djl writes its parameters in model order
        Session.Runner runner = session.runner();
        List<String> keys = new ArrayList<>();
        for (ParamInfo p : plan.parameters()) {
            params.put(p.name(), new OptimizerManifest.Param(step, p.shape()));
            Variable<TFloat32>[] s = slots.get(p.name());
            runner.fetch(s[0]).fetch(s[1]);
            keys.add(OptimizerStateFormat.firstMomentKey(p.name()));
            keys.add(OptimizerStateFormat.secondMomentKey(p.name()));
        }
        Map<String, ByteBuffer> bytes = new HashMap<>();
        try (Result r = runner.run()) {
            for (int i = 0; i < keys.size(); i++) {
                Tensor t = r.get(i);
                byte[] raw = new byte[Math.toIntExact(t.numBytes())];
                t.asRawTensor().data().copyTo(DataBuffers.of(raw, false, false), raw.length);
                bytes.put(keys.get(i), ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()));
            }
        }
        OptimizerManifest manifest = new OptimizerManifest(h.optimizer(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(),
                h.decayRule(), h.maxLearningRate(), groups, params);
        OptimizerStateFiles.write(dir, manifest, bytes::get);
    }

    /** Returns the saved step count, after writing every variable's m and v into its slots. */
    static long load(Path dir, Header h, GroupPlan plan, Map<String, Variable<TFloat32>[]> slots, Ops ops,
            Session session) throws IOException {
        Map<String, long[]> expected = new LinkedHashMap<>();
        plan.parameters().forEach(p -> expected.put(p.name(), p.shape()));
        Map<String, ByteBuffer> read = new HashMap<>();
        OptimizerManifest manifest = OptimizerStateFiles.read(dir, expected, (key, shape) -> {
            long n = 4;
            for (long d : shape) {
                n *= d;
            }
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
            read.put(key, b);
            return b;
        });
        Path file = dir.resolve(OptimizerStateFormat.MANIFEST_FILE);
        checkSettings(manifest, h, file);
        long step = -1;
        String first = null;
        for (ParamInfo p : plan.parameters()) {
            OptimizerManifest.Param saved = manifest.params().get(p.name());
            if (saved == null) {
                throw new IllegalArgumentException(file + " holds no state for variable '" + p.name() + "'");
            }
            if (first != null && saved.step() != step) {
                throw new IllegalArgumentException(file + ": '" + first + "' is at step " + step + " but '" + p.name()
                        + "' at step " + saved.step() + ": the TensorFlow optimizers keep one step count for all variables");
            }
            first = first == null ? p.name() : first;
            step = saved.step();
        }
        Ops load = ops.withSubScope("load_state");
        Session.Runner runner = session.runner();
        List<Tensor> fed = new ArrayList<>();
        try {
            for (ParamInfo p : plan.parameters()) {
                Variable<TFloat32>[] s = slots.get(p.name());
                String[] keys = {OptimizerStateFormat.firstMomentKey(p.name()), OptimizerStateFormat.secondMomentKey(p.name())};
                for (int i = 0; i < 2; i++) {
                    Placeholder<TFloat32> in = load.placeholder(TFloat32.class);
                    Assign<TFloat32> assign = load.assign(s[i], in);
                    ByteBuffer b = read.get(keys[i]);
                    b.rewind();
                    TFloat32 t = Tensor.of(TFloat32.class, Shape.of(p.shape()), DataBuffers.of(b.array(), true, false));
                    fed.add(t);
                    runner.feed(in, t).addTarget(assign);
                }
            }
            runner.run().close();
        } finally {
            fed.forEach(Tensor::close);
        }
        return Math.max(step, 0);
    }

    /** Refuses state whose moments another optimizer or other β/ε made, as decaf-djl does. */
    private static void checkSettings(OptimizerManifest saved, Header mine, Path file) {
        if (saved.optimizer() != null && !saved.optimizer().equals(mine.optimizer())) {
            throw new IllegalArgumentException(file + " holds the state of " + saved.optimizer() + ", not of "
                    + mine.optimizer() + ": load it into " + saved.optimizer() + " (its moments follow that optimizer's update)");
        }
        String[] names = {"beta1", "beta2", "eps"};
        double[] theirs = {saved.beta1(), saved.beta2(), saved.eps()};
        double[] ours = {mine.beta1(), mine.beta2(), mine.eps()};
        for (int i = 0; i < names.length; i++) {
            if (!Double.isNaN(theirs[i]) && Math.abs(theirs[i] - ours[i]) > 1e-9 * Math.max(Math.abs(theirs[i]), Math.abs(ours[i]))) {
                throw new IllegalArgumentException(file + " was saved with " + names[i] + " = " + theirs[i] + ", this "
                        + mine.optimizer() + " has " + names[i] + " = " + ours[i] + ": the moments would not continue the run");
            }
        }
    }
}
