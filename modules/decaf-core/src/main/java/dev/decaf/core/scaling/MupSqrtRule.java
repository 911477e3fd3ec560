package dev.decaf.core.scaling;

import java.util.Map;

/**
 * λ for a wider model by the square-root rule of Fan et al. 2025 (arXiv 2510.15262): {@code λ =
 * L·√(W/W0)} from a base model of width W0 tuned at λ = L. It disagrees with {@link MupRule}'s
 * linear rule on purpose: a sweep can tell which holds.
 *
 * @param width W, the model's width, > 0
 * @param baseWidth W0, the width λ was tuned at, > 0
 * @param baseLambda L, the λ tuned at W0, ≥ 0
 */
public record MupSqrtRule(double width, double baseWidth, double baseLambda) implements LambdaRule {

    /** Checks the widths and the base λ. */
    public MupSqrtRule {
        ScalingValueException.positive("width", width);
        ScalingValueException.positive("base_width", baseWidth);
        ScalingValueException.nonNegative("base_lambda", baseLambda);
    }

    @Override
    public String name() {
        return "mup-sqrt";
    }

    @Override
    public double lambda(ScalingInputs in) {
        return baseLambda * Math.sqrt(width / baseWidth);
    }

    @Override
    public String formula(ScalingInputs in) {
        return "λ = L·√(W/W0) = " + Numbers.plain(baseLambda) + "·√(" + Numbers.plain(width) + "/"
                + Numbers.plain(baseWidth) + ") = " + Numbers.fmt(lambda(in));
    }

    @Override
    public Map<String, Double> options() {
        return MupRule.widths(width, baseWidth, baseLambda);
    }
}
