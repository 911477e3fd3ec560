package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.core.state.OptimizerManifest;
import dev.decaf.core.state.OptimizerStateFiles;
import dev.decaf.core.state.OptimizerStateFormat;
import dev.decaf.djl.internal.TensorViews;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The NDArray side of decaf-core's optimizer-state files ({@link OptimizerStateFiles}): the
 * manifest from an optimizer's settings and {@link ParamState}s, the moments as zero-copy byte
 * views for writing, and fresh arrays on a manager, written through their views, for reading.
 */
final class OptimizerStateArrays {

    /** A parameter's loaded state, not yet bound to a parameter. */
    record Loaded(NDArray m, NDArray v, long step) {}

    private OptimizerStateArrays() {}

    /**
     * Writes the state of the given parameters.
     *
     * @param dir the directory
     * @param optimizer the optimizer's name ({@code AdamW}, ...)
     * @param settings its settings
     * @param states the parameters' state, in file order
     * @throws IOException on a write error
     */
    static void save(Path dir, String optimizer, AdamSettings settings, Map<String, ParamState> states)
            throws IOException {
        List<OptimizerManifest.Group> groups = new ArrayList<>();
        Set<GroupPlan.Group> seen = new LinkedHashSet<>();
        Map<String, OptimizerManifest.Param> params = new LinkedHashMap<>();
        Map<String, NDArray> moments = new HashMap<>();
        for (ParamState st : states.values()) {
            if (st.group != null && seen.add(st.group)) {
                groups.add(new OptimizerManifest.Group(st.group.name(), st.group.weightDecay(),
                        st.group.decayRule().recipeName(), st.group.lrScale(),
                        st.group.members().stream().map(ParamInfo::name).toList()));
            }
            params.put(st.name, new OptimizerManifest.Param(st.step, st.m.getShape().getShape()));
            moments.put(OptimizerStateFormat.firstMomentKey(st.name), st.m);
            moments.put(OptimizerStateFormat.secondMomentKey(st.name), st.v);
        }
        OptimizerManifest manifest = new OptimizerManifest(optimizer, settings.beta1(), settings.beta2(), settings.eps(),
                settings.weightDecay(), settings.decayRule().recipeName(), settings.maxLearningRate(), groups, params);
        OptimizerStateFiles.write(dir, manifest, key -> moments.get(key).toByteBuffer(true));
    }

    /**
     * Reads saved state into fresh float32 arrays on a manager.
     *
     * @param dir the directory
     * @param expected the model's parameter shapes (empty: accept any)
     * @param manager the manager the arrays are created on
     * @return the manifest, and each parameter's state by name, in file order
     * @throws IOException when the files are missing, damaged or do not fit {@code expected}
     */
    static Read load(Path dir, Map<String, long[]> expected, NDManager manager) throws IOException {
        Map<String, NDArray> arrays = new HashMap<>();
        OptimizerManifest manifest = OptimizerStateFiles.read(dir, expected, (key, shape) -> {
            NDArray a = manager.zeros(new Shape(shape), DataType.FLOAT32);
            ByteBuffer view = a.toByteBuffer(true);
            if (a.size() > 0 && !TensorViews.writesThrough(a, view)) {
                throw new IOException("cannot write into a tensor on " + manager.getDevice());
            }
            arrays.put(key, a);
            return view;
        });
        Map<String, Loaded> out = new LinkedHashMap<>();
        manifest.params().forEach((name, p) -> out.put(name, new Loaded(arrays.get(OptimizerStateFormat.firstMomentKey(name)),
                arrays.get(OptimizerStateFormat.secondMomentKey(name)), p.step())));
        return new Read(manifest, out);
    }

    /**
     * What {@link #load} read.
     *
     * @param manifest optimizer.json (the saving optimizer and its settings)
     * @param params each parameter's state, by name, in file order
     */
    record Read(OptimizerManifest manifest, Map<String, Loaded> params) {}
}
