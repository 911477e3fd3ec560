package dev.decaf.core.scaling;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * λ for a wider model under μP (Wang &amp; Aitchison, ICML 2025): μP scales AdamW's learning rate
 * as η ∝ 1/fan_in, and keeping the EMA timescale τ_iter = 1/(η·λ) fixed then needs λ ∝ fan_in, so
 * {@code λ = L·W/W0} from a base model of width W0 tuned at λ = L. {@link MupSqrtRule} is the
 * competing √ rule; a sweep can tell them apart.
 *
 * @param width W, the model's width, > 0
 * @param baseWidth W0, the width λ was tuned at, > 0
 * @param baseLambda L, the λ tuned at W0, ≥ 0
 */
public record MupRule(double width, double baseWidth, double baseLambda) implements LambdaRule {

    /** Checks the widths and the base λ. */
    public MupRule {
        ScalingValueException.positive("width", width);
        ScalingValueException.positive("base_width", baseWidth);
        ScalingValueException.nonNegative("base_lambda", baseLambda);
    }

    @Override
    public String name() {
        return "mup";
    }

    @Override
    public double lambda(ScalingInputs in) {
        return baseLambda * width / baseWidth;
    }

    @Override
    public String formula(ScalingInputs in) {
        return "λ = L·W/W0 = " + Numbers.plain(baseLambda) + "·" + Numbers.plain(width) + "/" + Numbers.plain(baseWidth)
                + " = " + Numbers.fmt(lambda(in));
    }

    @Override
    public Map<String, Double> options() {
        return widths(width, baseWidth, baseLambda);
    }

    /** The options of both width rules, in the order they are written. */
    static Map<String, Double> widths(double width, double baseWidth, double baseLambda) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("width", width);
        m.put("base_width", baseWidth);
        m.put("base_lambda", baseLambda);
        return m;
    }
}
