package dev.decaf.train.metrics;

/**
 * How large one parameter group's weights are after a step, and how far the step moved them.
 *
 * @param weightNorm ‖θ‖ over the group's tensors
 * @param updateRatio ‖Δθ‖/‖θ‖ of the step (0 when ‖θ‖ = 0)
 */
public record GroupUpdate(double weightNorm, double updateRatio) {}
