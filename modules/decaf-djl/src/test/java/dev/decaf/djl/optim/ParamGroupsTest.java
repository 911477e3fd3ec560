package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.groups.ParamMatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the parameters no group matches get, on a block of encoder.weight 3×2 (6), encoder.bias 2,
 * norm.weight 2 and head.weight 2×4 (8): 18 elements.
 */
class ParamGroupsTest {

    static NamedParameterBlock block() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("encoder.weight", new long[] {3, 2});
        shapes.put("encoder.bias", new long[] {2});
        shapes.put("norm.weight", new long[] {2});
        shapes.put("head.weight", new long[] {2, 4});
        return new NamedParameterBlock(shapes);
    }

    static List<String> summary(GroupPlan plan) {
        return plan.groups().stream()
                .map(g -> g.name() + " " + g.members().size() + " " + g.numel() + " " + g.weightDecay())
                .toList();
    }

    @Test
    void allDecaysEveryParameterAsTorchDoes() {
        GroupPlan plan = ParamGroups.all(block()).plan(0.2, DecayRule.DECOUPLED);
        assertEquals(List.of("default 4 18 0.2"), summary(plan));
        assertEquals("all", plan.groups().get(0).description());
    }

    @Test
    void aCustomListLeavesBiasesAndNormsUndecayed() {
        ParamGroups groups = ParamGroups.builder(block())
                .add(GroupRule.builder("head", ParamMatcher.kind(LayerKind.HEAD)).weightDecay(0.05).build())
                .build();
        GroupPlan plan = groups.plan(0.2, DecayRule.CORRECTED);
        assertEquals(List.of("head 1 8 0.05", "default 1 6 0.2", "default_no_decay 2 4 0.0"), summary(plan));
        assertEquals(DecayRule.CORRECTED, plan.groupOf("encoder.weight").decayRule());

        GroupPlan torch = ParamGroups.builder(block())
                .add(GroupRule.builder("head", ParamMatcher.kind(LayerKind.HEAD)).weightDecay(0.05).build())
                .decayUnmatched()
                .build()
                .plan(0.2, DecayRule.CORRECTED);
        assertEquals(List.of("head 1 8 0.05", "default 3 10 0.2"), summary(torch));
    }

    @Test
    void presetsClaimEveryParameter() {
        assertEquals(List.of("decay 2 14 0.2", "no_decay 2 4 0.0"),
                summary(ParamGroups.standard(block()).plan(0.2, DecayRule.DECOUPLED)));
        assertEquals(List.of("hidden 1 6 0.2", "embeddings 1 8 0.2", "no_decay 2 4 0.0"),
                summary(ParamGroups.builder(block()).preset("llm").build().plan(0.2, DecayRule.CORRECTED)));
    }
}
