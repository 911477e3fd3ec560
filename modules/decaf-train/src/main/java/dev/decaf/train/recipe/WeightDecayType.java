package dev.decaf.train.recipe;

import dev.decaf.core.scaling.LambdaRule;
import dev.decaf.core.scaling.LambdaRules;
import dev.decaf.core.scaling.ScalingValueException;
import dev.decaf.train.recipe.Recipe.WeightDecay;
import dev.decaf.train.recipe.RecipeParser.Mapping;
import dev.decaf.train.recipe.Schema.Field;
import dev.decaf.train.recipe.Schema.Section;
import dev.decaf.train.recipe.YamlTree.YMap;
import dev.decaf.train.recipe.YamlTree.YNode;
import dev.decaf.train.recipe.YamlTree.YScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code optimizer.weight_decay}: a number ≥ 0, or a rule with its options, {@code {rule: ema,
 * tau_epoch: 0.5}} (the keys of {@link Recipe.WeightDecayKeys}; the rules of {@link LambdaRules}).
 * Unknown keys, an unknown rule, a rule missing an option, an option of another rule and values
 * out of range are problems naming {@code optimizer.weight_decay.KEY}. A rule is written as a flow
 * mapping, with {@code lambda:} once a run has resolved it; a number as a number.
 */
final class WeightDecayType {

    private static final ValueType NUMBER = ValueType.number(">= 0");

    private final Section keys;

    /**
     * Creates the type.
     *
     * @param keys the section of the rule's keys
     */
    WeightDecayType(Section keys) {
        this.keys = keys;
    }

    /** Returns the value type of {@code optimizer.weight_decay}. */
    ValueType type() {
        return new ValueType("number or rule", ">= 0 | {rule: " + String.join(" | ", LambdaRules.NAMES) + ", ...}",
                this::read, this::write, keys);
    }

    private Object read(YNode n, String path, RecipeParser p) {
        if (n instanceof YScalar) {
            Object v = NUMBER.read(n, path, p);
            return v == null ? null : WeightDecay.of((Double) v);
        } else if (!(n instanceof YMap)) {
            return p.problem(n, path, "expected a number or a rule ({rule: ema, tau_epoch: 0.5}), got " + n.describe());
        }
        YMap m = (YMap) n;
        int before = p.problemCount();
        Mapping ms = p.open(m, path, n.origin, n.line, keys);
        YNode ruleNode = ms.node("rule");
        String rule = null;
        if (ruleNode == null) {
            p.problem(n, ms.path("rule"), "required: one of " + String.join(", ", LambdaRules.NAMES));
        } else {
            rule = ValueType.choose(ruleNode, ms.path("rule"), p, LambdaRules.NAMES, s -> s, "");
        }
        Map<String, Double> given = new LinkedHashMap<>();
        for (Field f : keys.fields()) {
            if (!f.key().equals("rule") && p.read(f, ms, null) instanceof Double v) {
                given.put(f.key(), v);
            }
        }
        if (rule == null || p.problemCount() > before) {
            return null;
        }
        Double resolved = rule.equals("fixed") ? null : given.remove("lambda");
        try {
            LambdaRule r = LambdaRules.of(rule, given);
            WeightDecay w = WeightDecay.of(r);
            return resolved == null ? w : w.resolve(resolved);
        } catch (ScalingValueException e) {
            YNode at = ms.node(e.key());
            return p.problem(at != null ? at : n, ms.path(e.key()), e.problem());
        }
    }

    private String write(Object v, int level) {
        WeightDecay w = (WeightDecay) v;
        if (w.isFixed()) {
            return RecipeYaml.num(w.lambda());
        }
        List<String> parts = new ArrayList<>();
        parts.add("rule: " + w.rule().name());
        w.rule().options().forEach((k, x) -> parts.add(k + ": " + RecipeYaml.num(x)));
        if (w.isResolved()) {
            parts.add("lambda: " + RecipeYaml.num(w.lambda()));
        }
        return "{" + String.join(", ", parts) + "}";
    }
}
