package dev.decaf.core.scaling;

import java.util.Map;

/**
 * A λ given as a number, so that a run with a plain {@code weight_decay} reports the same
 * timescales as one whose λ a rule chose.
 *
 * @param value λ, ≥ 0
 */
public record FixedRule(double value) implements LambdaRule {

    /** Checks that λ is not negative. */
    public FixedRule {
        ScalingValueException.nonNegative("lambda", value);
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public double lambda(ScalingInputs in) {
        return value;
    }

    @Override
    public String formula(ScalingInputs in) {
        return "λ = " + Numbers.plain(value) + " (fixed)";
    }

    @Override
    public Map<String, Double> options() {
        return Map.of("lambda", value);
    }
}
