package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import dev.decaf.core.groups.GroupPlan;

/**
 * One parameter's optimizer state, keyed by its stable name:
 *
 * <pre>
 * t   its step count (per parameter, as PyTorch keeps it)
 * m   first moment,  m ← β1·m + (1−β1)·g       on the parameter's device
 * v   second moment, v ← β2·v + (1−β2)·g²
 * </pre>
 *
 * plus what the step needs to know about it: its group, the group's {@link DecayStage}, and
 * whether the fused kernel can work on a view of its weight.
 */
final class ParamState {

    final String name;
    final GroupPlan.Group group;
    /** The group's decay stage; null for state loaded from disk and not yet bound to a parameter. */
    final DecayStage decay;
    final NDArray m;
    final NDArray v;
    long step;
    /** Whether {@code toByteBuffer(true)} of the weight is a writable view (contiguous, CPU). */
    final boolean weightIsViewable;

    ParamState(String name, GroupPlan.Group group, DecayStage decay, NDArray m, NDArray v, long step,
            boolean weightIsViewable) {
        this.name = name;
        this.group = group;
        this.decay = decay;
        this.m = m;
        this.v = v;
        this.step = step;
        this.weightIsViewable = weightIsViewable;
    }
}
