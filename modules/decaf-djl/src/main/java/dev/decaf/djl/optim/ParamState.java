package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import dev.decaf.core.groups.GroupPlan;

/**
 * One parameter's optimizer state, keyed by its stable name: step count t (per parameter, as
 * PyTorch keeps it), first moment m and second moment v on the parameter's device.
 */
final class ParamState {

    final String name;
    final GroupPlan.Group group;
    final NDArray m;
    final NDArray v;
    long step;
    /** Whether {@code toByteBuffer(true)} of the weight is a writable view (contiguous, CPU). */
    boolean weightIsViewable;

    ParamState(String name, GroupPlan.Group group, NDArray m, NDArray v, long step) {
        this.name = name;
        this.group = group;
        this.m = m;
        this.v = v;
        this.step = step;
    }
}
