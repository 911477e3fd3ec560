package dev.decaf.core.scaling;

import java.util.List;
import java.util.Map;

/**
 * A rule that chooses the weight decay λ of AdamW from the size of a run ({@link ScalingInputs}).
 * Each rule names its formula and its source; {@link LambdaRules} makes them from a name and
 * options, {@link LambdaCalculation#of} works out what a λ means for the run.
 */
public sealed interface LambdaRule permits EmaRule, PowerLinesRule, NormalizedRule, MupRule, MupSqrtRule, FixedRule {

    /** Returns the rule's name in recipes and on the command line ({@code ema}, {@code power-lines}). */
    String name();

    /**
     * Returns λ for a run.
     *
     * @param in the run's sizes
     * @return λ ≥ 0
     */
    double lambda(ScalingInputs in);

    /**
     * Returns the formula with the numbers put in, on one line: {@code λ = B/(η·N·τ_epoch) =
     * 16/(0.002·9500·0.5) = 0.001684}.
     *
     * @param in the run's sizes
     * @return the line
     */
    String formula(ScalingInputs in);

    /**
     * Returns the rule's own inputs by key ({@code tau_epoch → 0.5}), in the order they are
     * written; empty for a rule that has none.
     *
     * @return the options
     */
    Map<String, Double> options();

    /**
     * Returns warnings about applying the rule to this run (a fit used outside its range).
     *
     * @param in the run's sizes
     * @return the warnings, possibly none
     */
    default List<String> warnings(ScalingInputs in) {
        return List.of();
    }
}
