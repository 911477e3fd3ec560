package dev.decaf.core.scaling;

import java.util.Map;

/**
 * Normalized weight decay (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR
 * 2019, their "normalized weight decay"): {@code λ = λ_norm·√(B/(N·E))}, B the batch size, N the training samples and
 * E the epochs, so that one λ_norm suits runs of different lengths.
 *
 * @param lambdaNorm λ_norm, ≥ 0
 */
public record NormalizedRule(double lambdaNorm) implements LambdaRule {

    /** Checks that λ_norm is not negative. */
    public NormalizedRule {
        ScalingValueException.nonNegative("lambda_norm", lambdaNorm);
    }

    @Override
    public String name() {
        return "normalized";
    }

    @Override
    public double lambda(ScalingInputs in) {
        return lambdaNorm * Math.sqrt(in.batchSize() / (in.samples() * in.epochs()));
    }

    @Override
    public String formula(ScalingInputs in) {
        return "λ = λ_norm·√(B/(N·E)) = " + Numbers.plain(lambdaNorm) + "·√(" + in.batchSize() + "/(" + in.samples() + "·"
                + Numbers.fmt(in.epochs()) + ")) = " + Numbers.fmt(lambda(in));
    }

    @Override
    public Map<String, Double> options() {
        return Map.of("lambda_norm", lambdaNorm);
    }
}
