package dev.decaf.core.scaling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a {@link LambdaRule} from its name and options, as a recipe's {@code optimizer.weight_decay:
 * {rule: ema, tau_epoch: 0.5}} or {@code decaf recipe --rule ema --tau-epoch 0.5} give them. Every
 * problem is a {@link ScalingValueException} naming the option.
 */
public final class LambdaRules {

    private LambdaRules() {}

    /** Every rule's name, in the order they are listed. */
    public static final List<String> NAMES = List.of("ema", "power-lines", "normalized", "mup", "mup-sqrt", "fixed");

    /** The options of each rule: all required, except that ema takes exactly one of its two. */
    private static final Map<String, List<String>> OPTIONS = Map.of(
            "ema", List.of("tau_epoch", "tau_iter"),
            "power-lines", List.of(),
            "normalized", List.of("lambda_norm"),
            "mup", List.of("width", "base_width", "base_lambda"),
            "mup-sqrt", List.of("width", "base_width", "base_lambda"),
            "fixed", List.of("lambda"));

    /** Every option of any rule, in the order they are listed. */
    public static final List<String> ALL_OPTIONS =
            List.of("tau_epoch", "tau_iter", "lambda_norm", "width", "base_width", "base_lambda", "lambda");

    /**
     * Returns the options a rule takes.
     *
     * @param name the rule's name
     * @return its options (for {@code ema}: one of the two)
     * @throws ScalingValueException for an unknown rule (key {@code rule})
     */
    public static List<String> options(String name) {
        List<String> o = OPTIONS.get(name);
        if (o == null) {
            throw new ScalingValueException("rule", "must be one of " + String.join(", ", NAMES) + ", got '" + name + "'");
        }
        return o;
    }

    /**
     * Makes a rule.
     *
     * @param name the rule's name ({@code ema})
     * @param given its options by key ({@code tau_epoch → 0.5}); an option of another rule is refused
     * @return the rule
     * @throws ScalingValueException naming the option that is missing, foreign or out of range
     */
    public static LambdaRule of(String name, Map<String, Double> given) {
        List<String> takes = options(name);
        for (String key : given.keySet()) {
            if (!takes.contains(key)) {
                throw new ScalingValueException(key, "does not apply to rule " + name + (takes.isEmpty()
                        ? " (it takes no options)" : " (it takes " + String.join(", ", takes) + ")"));
            }
        }
        Map<String, Double> v = new LinkedHashMap<>(given);
        return switch (name) {
            case "ema" -> {
                if (v.containsKey("tau_epoch") && v.containsKey("tau_iter")) {
                    throw new ScalingValueException("tau_iter", "and tau_epoch are two ways to give the same timescale:"
                            + " give one");
                } else if (v.containsKey("tau_iter")) {
                    yield EmaRule.ofIterations(v.get("tau_iter"));
                }
                yield EmaRule.ofEpochs(require(v, "tau_epoch", name, " (or tau_iter)"));
            }
            case "power-lines" -> new PowerLinesRule();
            case "normalized" -> new NormalizedRule(require(v, "lambda_norm", name, ""));
            case "mup" -> new MupRule(require(v, "width", name, ""), require(v, "base_width", name, ""),
                    require(v, "base_lambda", name, ""));
            case "mup-sqrt" -> new MupSqrtRule(require(v, "width", name, ""), require(v, "base_width", name, ""),
                    require(v, "base_lambda", name, ""));
            default -> new FixedRule(require(v, "lambda", name, ""));
        };
    }

    private static double require(Map<String, Double> v, String key, String rule, String alternative) {
        Double x = v.get(key);
        if (x == null) {
            throw new ScalingValueException(key, "is required by rule " + rule + alternative);
        }
        return x;
    }
}
