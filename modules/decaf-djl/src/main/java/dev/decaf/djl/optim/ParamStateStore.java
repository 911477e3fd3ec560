package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import dev.decaf.core.groups.GroupPlan;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every parameter's {@link ParamState}, keyed by parameter name (what the state files use) and
 * indexed by DJL's id (what {@code update} receives).
 *
 * <p>State read from disk waits here under its name until the parameter's first update binds
 * it: then its moments move to the weight's device and its step count continues. A parameter
 * without saved state starts from zeros at the builder's {@code beginNumUpdate}, as in PyTorch.
 */
final class ParamStateStore {

    /** Bound state, in the order of first update. */
    private final Map<String, ParamState> byName = new LinkedHashMap<>();
    private final Map<String, ParamState> byId = new HashMap<>();
    /** Loaded state not yet bound. */
    private final Map<String, ParamState> loaded = new HashMap<>();

    /**
     * Returns the state bound to a DJL id.
     *
     * @param parameterId the id
     * @return the state, or null before the parameter's first update
     */
    ParamState get(String parameterId) {
        return byId.get(parameterId);
    }

    /**
     * Binds state to a parameter at its first update: the loaded state of that name, else zeros.
     *
     * @param parameterId DJL's id
     * @param name the parameter's name
     * @param group its group
     * @param decay the group's decay stage
     * @param weight the parameter (device and shape of the moments)
     * @param beginStep the step count of fresh state
     * @param viewable whether the fused kernel may work on a view of {@code weight}
     * @return the bound state
     */
    ParamState bind(String parameterId, String name, GroupPlan.Group group, DecayStage decay, NDArray weight,
            long beginStep, boolean viewable) {
        ParamState saved = loaded.remove(name);
        ParamState st = saved == null
                ? new ParamState(name, group, decay, weight.zerosLike(), weight.zerosLike(), beginStep, viewable)
                : new ParamState(name, group, decay, ownedLike(saved.m, weight), ownedLike(saved.v, weight), saved.step,
                        viewable);
        byName.put(name, st);
        byId.put(parameterId, st);
        return st;
    }

    /**
     * A loaded moment copied onto the weight's device and into the weight's manager (as fresh zeros
     * are), so it lives as long as the parameter does, whoever owned the manager it was loaded with.
     */
    private static NDArray ownedLike(NDArray loadedMoment, NDArray weight) {
        NDArray m = loadedMoment.toDevice(weight.getDevice(), true);
        m.attach(weight.getManager());
        loadedMoment.close();
        return m;
    }

    /**
     * Keeps loaded state until its parameter is first updated.
     *
     * @param name the parameter's name
     * @param group its group (null without groups)
     * @param m the first moment
     * @param v the second moment
     * @param step t
     */
    void restore(String name, GroupPlan.Group group, NDArray m, NDArray v, long step) {
        loaded.put(name, new ParamState(name, group, null, m, v, step, false));
    }

    /**
     * Returns a parameter's step count.
     *
     * @param name the parameter's name
     * @param ifAbsent the count of a parameter with no state
     * @return t
     */
    long step(String name, long ifAbsent) {
        ParamState st = byName.get(name);
        if (st == null) {
            st = loaded.get(name);
        }
        return st == null ? ifAbsent : st.step;
    }

    /** Returns whether no parameter has been updated yet. */
    boolean noneBound() {
        return byName.isEmpty();
    }

    /** Returns the bound state by name, in update order. */
    Map<String, ParamState> bound() {
        return Collections.unmodifiableMap(byName);
    }

    /** Returns all state, bound (in update order) then loaded-but-unbound: what a save writes. */
    Map<String, ParamState> all() {
        Map<String, ParamState> all = new LinkedHashMap<>(byName);
        loaded.forEach(all::putIfAbsent);
        return all;
    }
}
