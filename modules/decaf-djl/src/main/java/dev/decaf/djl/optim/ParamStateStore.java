package dev.decaf.djl.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
 *
 * <p>Ownership: the moments live in sub-managers the store opens under each weight's manager
 * (one per manager and device), so they live no longer than the weights, and {@link #close()}
 * frees them at once. Were they attached to the weight's manager itself, as {@code zerosLike()}
 * and DJL's own Adam do, a long-lived model retrained with fresh optimizers would keep every
 * finished job's m and v until the model closed: 8 bytes per float32 parameter per job.
 */
final class ParamStateStore {

    /** A weight's manager and device: where its moments' sub-manager hangs. */
    private record Home(NDManager manager, Device device) {}

    /** Bound state, in the order of first update. */
    private final Map<String, ParamState> byName = new LinkedHashMap<>();
    private final Map<String, ParamState> byId = new HashMap<>();
    /** Loaded state not yet bound. */
    private final Map<String, ParamState> loaded = new HashMap<>();
    /** The sub-managers that own the bound moments (identity of the weight's manager, by record equality). */
    private final Map<Home, NDManager> owners = new HashMap<>();
    /** The manager loaded state was read into, closed with the store. */
    private NDManager loadedManager;

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
                ? new ParamState(name, group, decay, zerosLike(weight), zerosLike(weight), beginStep, viewable)
                : new ParamState(name, group, decay, ownedLike(saved.m, weight), ownedLike(saved.v, weight), saved.step,
                        viewable);
        byName.put(name, st);
        byId.put(parameterId, st);
        return st;
    }

    /** The sub-manager, under the weight's manager, that owns the moments of weights living there. */
    private NDManager ownerFor(NDArray weight) {
        return owners.computeIfAbsent(new Home(weight.getManager(), weight.getDevice()), h -> {
            NDManager sub = h.manager().newSubManager(h.device());
            sub.setName("decaf-optimizer-state");
            return sub;
        });
    }

    /** Zeros of the weight's shape and dtype, owned by the store. */
    private NDArray zerosLike(NDArray weight) {
        return ownerFor(weight).zeros(weight.getShape(), weight.getDataType());
    }

    /**
     * A loaded moment copied onto the weight's device and into the store's manager there (as fresh
     * zeros are), whoever owned the manager it was loaded with.
     */
    private NDArray ownedLike(NDArray loadedMoment, NDArray weight) {
        NDArray m = loadedMoment.toDevice(weight.getDevice(), true);
        m.attach(ownerFor(weight));
        loadedMoment.close();
        return m;
    }

    /**
     * Takes ownership of the manager loaded state was read into; {@link #close()} closes it.
     *
     * @param manager the manager
     */
    void ownLoaded(NDManager manager) {
        if (loadedManager != null && loadedManager != manager) {
            loadedManager.close();
        }
        loadedManager = manager;
    }

    /**
     * Frees every moment the store holds (bound and loaded) and forgets all state. Idempotent.
     * A sub-manager its weight's manager already closed is closed already; closing it again is a
     * no-op in DJL.
     */
    void close() {
        owners.values().forEach(NDManager::close);
        owners.clear();
        loaded.values().forEach(st -> {
            st.m.close();
            st.v.close();
        });
        if (loadedManager != null) {
            loadedManager.close();
            loadedManager = null;
        }
        byName.clear();
        byId.clear();
        loaded.clear();
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
