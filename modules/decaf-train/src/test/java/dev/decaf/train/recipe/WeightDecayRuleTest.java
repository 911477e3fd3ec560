package dev.decaf.train.recipe;

import static dev.decaf.train.recipe.RecipeTesting.MINIMAL;
import static dev.decaf.train.recipe.RecipeTesting.parse;
import static dev.decaf.train.recipe.RecipeTesting.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.scaling.EmaRule;
import dev.decaf.core.scaling.MupRule;
import dev.decaf.core.scaling.PowerLinesRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code optimizer.weight_decay} as a rule: reading, problems, resolution and the resolved form. */
class WeightDecayRuleTest {

    private static final String GROUPS = MINIMAL + """
            optimizer:
              weight_decay: {rule: ema, tau_epoch: 0.5}
              groups:
                - {name: own, match: {kind: norm}, weight_decay: 0.3}
                - {name: inherits, match: {kind: weight}}
            """;

    @Test
    void aRuleIsReadAndLeftUnresolved() {
        Recipe r = parse(MINIMAL, "optimizer.weight_decay={rule: ema, tau_epoch: 0.5}");
        Recipe.WeightDecay wd = r.optimizer().weightDecay();
        assertEquals(EmaRule.ofEpochs(0.5), wd.rule());
        assertFalse(wd.isResolved());
        assertThrows(IllegalStateException.class, wd::lambda);
        assertTrue(r.toYaml().contains("  weight_decay: {rule: ema, tau_epoch: 0.5}\n"), r.toYaml());
        assertEquals(new PowerLinesRule(), parse(MINIMAL, "optimizer.weight_decay={rule: power-lines}")
                .optimizer().weightDecay().rule());
        assertEquals(new MupRule(1024, 256, 0.1), parse(MINIMAL,
                "optimizer.weight_decay={rule: mup, width: 1024, base_width: 256, base_lambda: 0.1}")
                .optimizer().weightDecay().rule());
    }

    @Test
    void aFixedRuleIsThePlainNumber() {
        assertEquals(parse(MINIMAL, "optimizer.weight_decay=0.05"),
                parse(MINIMAL, "optimizer.weight_decay={rule: fixed, lambda: 0.05}"));
        assertTrue(parse(MINIMAL, "optimizer.weight_decay={rule: fixed, lambda: 0.05}").toYaml()
                .contains("  weight_decay: 0.05\n"));
    }

    @Test
    void resolvingFillsTheGroupsThatInheritAndKeepsTheRule() {
        Recipe r = parse(GROUPS);
        assertEquals(0.3, r.optimizer().groups().list().get(0).weightDecay());
        assertNull(r.optimizer().groups().list().get(1).weightDecay());
        Recipe resolved = r.withWeightDecay(0.0125);
        assertEquals(0.0125, resolved.optimizer().weightDecay().lambda());
        assertEquals(EmaRule.ofEpochs(0.5), resolved.optimizer().weightDecay().rule());
        assertEquals(0.3, resolved.optimizer().groups().list().get(0).weightDecay(), "a group's own number stays");
        assertEquals(0.0125, resolved.optimizer().groups().list().get(1).weightDecay());
        String yaml = resolved.toYaml();
        assertTrue(yaml.contains("  weight_decay: {rule: ema, tau_epoch: 0.5, lambda: 0.0125}\n"), yaml);
        // what --resume reads back is the same recipe, with the same hash
        Recipe again = parse(yaml);
        assertEquals(resolved, again);
        assertEquals(resolved.hash(), again.hash());
        assertEquals(again, again.withWeightDecay(0.0125));
    }

    @Test
    void badRulesNameTheirKey() {
        assertEquals(List.of("--set optimizer.weight_decay={rule: ema, tau_epoch: -1}: optimizer.weight_decay.tau_epoch:"
                + " must be > 0, got -1"),
                problems(MINIMAL, "optimizer.weight_decay={rule: ema, tau_epoch: -1}"));
        List<String> p = problems(MINIMAL + """
                optimizer:
                  weight_decay: {rule: ema}
                """);
        assertEquals(List.of("r.yaml:8: optimizer.weight_decay.tau_epoch: is required by rule ema (or tau_iter)"), p);
        p = problems(MINIMAL + """
                optimizer:
                  weight_decay: {rule: power-lines, tau_epoh: 0.5}
                """);
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("r.yaml:8: optimizer.weight_decay.tau_epoh: unknown key 'tau_epoh' (did you"
                + " mean 'tau_epoch'?)"), p.get(0));
        p = problems(MINIMAL + """
                optimizer:
                  weight_decay: {rule: power-lines, width: 3}
                """);
        assertEquals(List.of("r.yaml:8: optimizer.weight_decay.width: does not apply to rule power-lines (it takes"
                + " no options)"), p);
        p = problems(MINIMAL + """
                optimizer:
                  weight_decay: {rule: emma, tau_epoch: 0.5}
                """);
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("r.yaml:8: optimizer.weight_decay.rule: 'emma' is not one of ema,"), p.get(0));
        p = problems(MINIMAL + """
                optimizer:
                  weight_decay: {tau_epoch: 0.5}
                """);
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("r.yaml:8: optimizer.weight_decay.rule: required"), p.get(0));
        p = problems(MINIMAL + """
                optimizer:
                  weight_decay: -0.1
                """);
        assertEquals(List.of("r.yaml:8: optimizer.weight_decay: must be >= 0, got -0.1"), p);
    }
}
