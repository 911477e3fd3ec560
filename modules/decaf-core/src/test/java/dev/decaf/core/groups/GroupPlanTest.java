package dev.decaf.core.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.decay.DecayRule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Group resolution on a GPT-2-like parameter list: n_embd 8, vocabulary 50, context 16, one
 * block, an untied head. Element counts, worked by hand:
 *
 * <pre>
 * wte 50·8 = 400   wpe 16·8 = 128   c_attn.w 8·24 = 192   attn.c_proj.w 8·8 = 64
 * c_fc.w 8·32 = 256   mlp.c_proj.w 32·8 = 256   lm_head 50·8 = 400      → 7 matrices, 1,696
 * ln_1 w,b 8+8   c_attn.b 24   attn.c_proj.b 8   ln_2 w,b 8+8   c_fc.b 32
 * mlp.c_proj.b 8   ln_f w,b 8+8                                       → 10 vectors, 120
 * total 17 tensors, 1,816 elements
 * </pre>
 */
class GroupPlanTest {

    static final List<ParamInfo> TINY_GPT2 = List.of(
            ParamInfo.of("transformer.wte.weight", 50, 8),
            ParamInfo.of("transformer.wpe.weight", 16, 8),
            ParamInfo.of("transformer.h.0.ln_1.weight", 8),
            ParamInfo.of("transformer.h.0.ln_1.bias", 8),
            ParamInfo.of("transformer.h.0.attn.c_attn.weight", 8, 24),
            ParamInfo.of("transformer.h.0.attn.c_attn.bias", 24),
            ParamInfo.of("transformer.h.0.attn.c_proj.weight", 8, 8),
            ParamInfo.of("transformer.h.0.attn.c_proj.bias", 8),
            ParamInfo.of("transformer.h.0.ln_2.weight", 8),
            ParamInfo.of("transformer.h.0.ln_2.bias", 8),
            ParamInfo.of("transformer.h.0.mlp.c_fc.weight", 8, 32),
            ParamInfo.of("transformer.h.0.mlp.c_fc.bias", 32),
            ParamInfo.of("transformer.h.0.mlp.c_proj.weight", 32, 8),
            ParamInfo.of("transformer.h.0.mlp.c_proj.bias", 8),
            ParamInfo.of("transformer.ln_f.weight", 8),
            ParamInfo.of("transformer.ln_f.bias", 8),
            ParamInfo.of("lm_head.weight", 50, 8));

    static final List<String> DECAYED = List.of(
            "transformer.wte.weight",
            "transformer.wpe.weight",
            "transformer.h.0.attn.c_attn.weight",
            "transformer.h.0.attn.c_proj.weight",
            "transformer.h.0.mlp.c_fc.weight",
            "transformer.h.0.mlp.c_proj.weight",
            "lm_head.weight");

    static final List<String> NOT_DECAYED = List.of(
            "transformer.h.0.ln_1.weight",
            "transformer.h.0.ln_1.bias",
            "transformer.h.0.attn.c_attn.bias",
            "transformer.h.0.attn.c_proj.bias",
            "transformer.h.0.ln_2.weight",
            "transformer.h.0.ln_2.bias",
            "transformer.h.0.mlp.c_fc.bias",
            "transformer.h.0.mlp.c_proj.bias",
            "transformer.ln_f.weight",
            "transformer.ln_f.bias");

    static GroupRule noDecay() {
        return GroupRule.builder("no_decay",
                        ParamMatcher.ndimBelow(2).or(ParamMatcher.kind(LayerKind.BIAS, LayerKind.NORM)))
                .weightDecay(0)
                .build();
    }

    static List<String> names(GroupPlan.Group g) {
        return g.members().stream().map(ParamInfo::name).collect(Collectors.toList());
    }

    static String lines(String... lines) {
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }

    static void assertMessage(RuntimeException e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    "message should contain '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void standardNoDecayRule() {
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(noDecay()), 0.1, DecayRule.DECOUPLED);

        assertEquals(2, plan.groups().size());
        GroupPlan.Group nd = plan.groups().get(0);
        GroupPlan.Group def = plan.groups().get(1);
        assertEquals("no_decay", nd.name());
        assertEquals(GroupPlan.DEFAULT_GROUP, def.name());
        assertEquals("default", def.name());

        assertEquals(NOT_DECAYED, names(nd));
        assertEquals(DECAYED, names(def));
        assertEquals(120, nd.numel());
        assertEquals(1696, def.numel());

        assertEquals(0.0, nd.weightDecay(), 0.0);
        assertSame(DecayRule.DECOUPLED, nd.decayRule()); // inherited, irrelevant at λ = 0
        assertEquals(1.0, nd.lrScale(), 0.0);
        assertEquals("ndim<2 or kind=bias|norm", nd.description());

        assertEquals(0.1, def.weightDecay(), 0.0);
        assertSame(DecayRule.DECOUPLED, def.decayRule());
        assertEquals(1.0, def.lrScale(), 0.0);
        assertEquals("unmatched: not (kind=bias|norm or ndim<2)", def.description());

        for (String n : NOT_DECAYED) {
            assertEquals("no_decay", plan.groupOf(n).name(), n);
            assertEquals(0.0, plan.groupOf(n).weightDecay(), 0.0, n);
        }
        for (String n : DECAYED) {
            assertEquals("default", plan.groupOf(n).name(), n);
            assertEquals(0.1, plan.groupOf(n).weightDecay(), 0.0, n);
            assertSame(DecayRule.DECOUPLED, plan.groupOf(n).decayRule(), n);
        }
        assertFalse(plan.needsMeanSecondMoment());
    }

    @Test
    void standardNoDecayTable() {
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(noDecay()), 0.1, DecayRule.DECOUPLED);
        String expected = lines(
                "group     tensors  parameters  weight_decay  rule       lr_scale  selects",
                "no_decay       10         120  0 (none)      -          1         ndim<2 or kind=bias|norm",
                "default         7       1,696  0.1           decoupled  1         unmatched: not (kind=bias|norm or ndim<2)",
                "total          17       1,816");
        assertEquals(expected, plan.table());
    }

    @Test
    void adamcLayoutWithOverriddenRuleAndLrScale() {
        // hidden matrices: corrected (the default here); embeddings and head: plain decoupled at half lr
        GroupRule embedHead = GroupRule.builder("embed_head", ParamMatcher.kind(LayerKind.EMBEDDING, LayerKind.HEAD))
                .decayRule(DecayRule.DECOUPLED)
                .lrScale(0.5)
                .build();
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(noDecay(), embedHead), 0.1, DecayRule.CORRECTED);

        assertEquals(List.of("no_decay", "embed_head", "default"),
                plan.groups().stream().map(GroupPlan.Group::name).collect(Collectors.toList()));
        GroupPlan.Group eh = plan.groups().get(1);
        assertEquals(List.of("transformer.wte.weight", "transformer.wpe.weight", "lm_head.weight"), names(eh));
        assertEquals(400 + 128 + 400, eh.numel());
        assertEquals(0.1, eh.weightDecay(), 0.0); // inherited λ
        assertSame(DecayRule.DECOUPLED, eh.decayRule()); // own rule
        assertEquals(0.5, eh.lrScale(), 0.0);

        GroupPlan.Group def = plan.groups().get(2);
        assertEquals(List.of("transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.weight",
                "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_proj.weight"), names(def));
        assertEquals(192 + 64 + 256 + 256, def.numel());
        assertSame(DecayRule.CORRECTED, def.decayRule());
        assertEquals(1.0, def.lrScale(), 0.0);

        assertSame(eh, plan.groupOf("lm_head.weight"));
        assertSame(def, plan.groupOf("transformer.h.0.mlp.c_fc.weight"));
        assertSame(plan.groups().get(0), plan.groupOf("transformer.ln_f.bias"));

        String expected = lines(
                "group       tensors  parameters  weight_decay  rule       lr_scale  selects",
                "no_decay         10         120  0 (none)      -          1         ndim<2 or kind=bias|norm",
                "embed_head        3         928  0.1           decoupled  0.5       kind=embedding|head",
                "default           4         768  0.1           corrected  1         unmatched: not (kind=bias|norm or ndim<2)",
                "total            17       1,816");
        assertEquals(expected, plan.table());
    }

    @Test
    void noDefaultGroupWhenEveryParameterIsClaimed() {
        ParamMatcher nd = ParamMatcher.ndimBelow(2).or(ParamMatcher.kind(LayerKind.BIAS, LayerKind.NORM));
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(
                        GroupRule.builder("no_decay", nd).weightDecay(0).build(),
                        GroupRule.builder("decay", nd.negate()).weightDecay(0.2).build()),
                0.1, DecayRule.DECOUPLED);
        assertEquals(List.of("no_decay", "decay"),
                plan.groups().stream().map(GroupPlan.Group::name).collect(Collectors.toList()));
        assertEquals(DECAYED, names(plan.groups().get(1)));
        assertEquals(0.2, plan.groupOf("lm_head.weight").weightDecay(), 0.0);
    }

    @Test
    void gpt2SmallCounts() {
        // GPT-2 small: 124,439,808 parameters (tied head, so no lm_head tensor).
        // per block: matrices 768·2304 + 768·768 + 768·3072 + 3072·768 = 7,077,888 (4 tensors);
        // vectors 2·768 + 2304 + 768 + 2·768 + 3072 + 768 = 9,984 (8 tensors)
        // no_decay = 12·9,984 + ln_f 1,536 = 121,344 in 12·8 + 2 = 98 tensors
        // decay = wte 38,597,376 + wpe 786,432 + 12·7,077,888 = 124,318,464 in 2 + 48 = 50 tensors
        List<ParamInfo> params = new ArrayList<>();
        params.add(ParamInfo.of("transformer.wte.weight", 50257, 768));
        params.add(ParamInfo.of("transformer.wpe.weight", 1024, 768));
        for (int i = 0; i < 12; i++) {
            String p = "transformer.h." + i + ".";
            params.add(ParamInfo.of(p + "ln_1.weight", 768));
            params.add(ParamInfo.of(p + "ln_1.bias", 768));
            params.add(ParamInfo.of(p + "attn.c_attn.weight", 768, 2304));
            params.add(ParamInfo.of(p + "attn.c_attn.bias", 2304));
            params.add(ParamInfo.of(p + "attn.c_proj.weight", 768, 768));
            params.add(ParamInfo.of(p + "attn.c_proj.bias", 768));
            params.add(ParamInfo.of(p + "ln_2.weight", 768));
            params.add(ParamInfo.of(p + "ln_2.bias", 768));
            params.add(ParamInfo.of(p + "mlp.c_fc.weight", 768, 3072));
            params.add(ParamInfo.of(p + "mlp.c_fc.bias", 3072));
            params.add(ParamInfo.of(p + "mlp.c_proj.weight", 3072, 768));
            params.add(ParamInfo.of(p + "mlp.c_proj.bias", 768));
        }
        params.add(ParamInfo.of("transformer.ln_f.weight", 768));
        params.add(ParamInfo.of("transformer.ln_f.bias", 768));

        GroupPlan plan = GroupPlan.resolve(params, List.of(noDecay()), 0.1, DecayRule.DECOUPLED);
        assertEquals(98, plan.groups().get(0).members().size());
        assertEquals(121_344L, plan.groups().get(0).numel());
        assertEquals(50, plan.groups().get(1).members().size());
        assertEquals(124_318_464L, plan.groups().get(1).numel());

        String expected = lines(
                "group     tensors   parameters  weight_decay  rule       lr_scale  selects",
                "no_decay       98      121,344  0 (none)      -          1         ndim<2 or kind=bias|norm",
                "default        50  124,318,464  0.1           decoupled  1         unmatched: not (kind=bias|norm or ndim<2)",
                "total         148  124,439,808");
        assertEquals(expected, plan.table());
    }

    @Test
    void tableFormatsSmallLambdasAndFractionalScales() {
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(
                        GroupRule.builder("heads", ParamMatcher.names("lm_head.weight"))
                                .weightDecay(1e-5).lrScale(0.25).decayRule(DecayRule.INDEPENDENT).build()),
                2.0, DecayRule.STABLE);
        String table = plan.table();
        String[] rows = table.split(System.lineSeparator());
        assertEquals(5, rows.length, table);
        assertEquals(List.of("heads", "1", "400", "1.0E-5", "independent", "0.25", "names=[lm_head.weight]"),
                List.of(rows[1].trim().split(" +")));
        // the other 6 matrices: 1,696 − 400 = 1,296; the 10 vectors (120) keep λ = 0
        assertEquals(List.of("default", "6", "1,296", "2", "stable", "1", "unmatched:", "not", "(kind=bias|norm", "or",
                "ndim<2)"), List.of(rows[2].trim().split(" +")));
        assertEquals(List.of("default_no_decay", "10", "120", "0", "(none)", "-", "1", "unmatched:", "kind=bias|norm",
                "or", "ndim<2"), List.of(rows[3].trim().split(" +")));
        assertEquals(List.of("total", "17", "1,816"), List.of(rows[4].trim().split(" +")));
    }

    @Test
    void unmatchedNormsAndBiasesAreNotDecayed() {
        // a custom list naming only the embeddings and head: the rest follows the standard rule
        GroupRule embedHead = GroupRule.builder("embed_head", ParamMatcher.kind(LayerKind.EMBEDDING, LayerKind.HEAD))
                .weightDecay(0.05).build();
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(embedHead), 0.1, DecayRule.CORRECTED);
        assertEquals(List.of("embed_head", "default", "default_no_decay"),
                plan.groups().stream().map(GroupPlan.Group::name).collect(Collectors.toList()));
        GroupPlan.Group def = plan.groups().get(1);
        GroupPlan.Group nd = plan.groups().get(2);
        assertEquals(GroupPlan.DEFAULT_NO_DECAY_GROUP, nd.name());
        assertEquals(400 + 128 + 400, plan.groups().get(0).numel());
        assertEquals(192 + 64 + 256 + 256, def.numel());
        assertEquals(0.1, def.weightDecay(), 0.0);
        assertSame(DecayRule.CORRECTED, def.decayRule());
        assertEquals(NOT_DECAYED, names(nd));
        assertEquals(120, nd.numel()); // 6 norm vectors of 8 + biases 24 + 8 + 32 + 8
        for (String n : NOT_DECAYED) {
            assertEquals(0.0, plan.groupOf(n).weightDecay(), 0.0, n);
        }
        assertEquals(lines(
                "group             tensors  parameters  weight_decay  rule       lr_scale  selects",
                "embed_head              3         928  0.05          corrected  1         kind=embedding|head",
                "default                 4         768  0.1           corrected  1         unmatched: not (kind=bias|norm or ndim<2)",
                "default_no_decay       10         120  0 (none)      -          1         unmatched: kind=bias|norm or ndim<2",
                "total                  17       1,816"), plan.table());
    }

    @Test
    void aGroupMayDecayNormsOnPurpose() {
        // ln_1, ln_2 and ln_f gains (3 × 8 = 24) decay because a group says so; the other 7 vectors do not
        GroupRule gains = GroupRule.builder("gains", ParamMatcher.nameGlob("*.ln_?.weight")).weightDecay(0.01).build();
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(gains), 0.1, DecayRule.DECOUPLED);
        assertEquals(24, plan.groupOf("transformer.ln_f.weight").numel());
        assertEquals(0.01, plan.groupOf("transformer.h.0.ln_2.weight").weightDecay(), 0.0);
        GroupPlan.Group nd = plan.groupOf("transformer.ln_f.bias");
        assertEquals("default_no_decay", nd.name());
        assertEquals(7, nd.members().size());
        assertEquals(120 - 24, nd.numel());
        assertEquals(1696, plan.groupOf("lm_head.weight").numel());
    }

    @Test
    void decayUnmatchedKeepsTorchsDecayEverything() {
        GroupRule embedHead = GroupRule.builder("embed_head", ParamMatcher.kind(LayerKind.EMBEDDING, LayerKind.HEAD))
                .weightDecay(0.05).build();
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(embedHead), 0.1, DecayRule.DECOUPLED,
                GroupPlan.Unmatched.DECAY);
        assertEquals(2, plan.groups().size());
        GroupPlan.Group def = plan.groups().get(1);
        assertEquals("default", def.name());
        assertEquals(14, def.members().size());
        assertEquals(768 + 120, def.numel());
        assertEquals(0.1, plan.groupOf("transformer.ln_f.bias").weightDecay(), 0.0);
        assertEquals("everything else", def.description());
    }

    @Test
    void namesTableListsEveryTensorInModelOrder() {
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(noDecay()), 0.1, DecayRule.DECOUPLED);
        String[] rows = plan.namesTable().split(System.lineSeparator());
        assertEquals(1 + 17, rows.length, plan.namesTable());
        assertEquals(List.of("parameter", "shape", "elements", "kind", "group", "weight_decay", "rule", "lr_scale"),
                List.of(rows[0].split(" +")));
        assertEquals(List.of("transformer.wte.weight", "[50x8]", "400", "embedding", "default", "0.1", "decoupled", "1"),
                List.of(rows[1].split(" +")));
        assertEquals(List.of("transformer.h.0.ln_1.bias", "[8]", "8", "norm", "no_decay", "0", "(none)", "-", "1"),
                List.of(rows[4].split(" +")));
        assertEquals(List.of("lm_head.weight", "[50x8]", "400", "head", "default", "0.1", "decoupled", "1"),
                List.of(rows[17].split(" +")));
        for (int i = 1; i <= 17; i++) {
            assertTrue(rows[i].startsWith(TINY_GPT2.get(i - 1).name() + " "), rows[i]);
        }
    }

    @Test
    void overlappingRulesNameTheParameterAndBothGroups() {
        GroupRule matrices = GroupRule.builder("matrices", ParamMatcher.ndimAtLeast(2)).build();
        GroupRule embeddings = GroupRule.builder("embeddings", ParamMatcher.kind(LayerKind.EMBEDDING)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupPlan.resolve(TINY_GPT2, List.of(matrices, embeddings), 0.1, DecayRule.DECOUPLED));
        // the first parameter in model order claimed twice is the token embedding
        assertMessage(e, "'transformer.wte.weight'", "'matrices'", "'embeddings'", "ndim>=2", "kind=embedding");
    }

    @Test
    void overlapBetweenStandardRuleAndANormGlob() {
        GroupRule norms = GroupRule.builder("norms", ParamMatcher.nameGlob("*.ln_?.weight")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupPlan.resolve(TINY_GPT2, List.of(noDecay(), norms), 0.1, DecayRule.DECOUPLED));
        assertMessage(e, "'transformer.h.0.ln_1.weight'", "'no_decay'", "'norms'");
    }

    @Test
    void ruleMatchingNothingNamesTheGroup() {
        GroupRule experts = GroupRule.builder("experts", ParamMatcher.nameGlob("*.experts.*")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupPlan.resolve(TINY_GPT2, List.of(noDecay(), experts), 0.1, DecayRule.DECOUPLED));
        assertMessage(e, "'experts'", "name~*.experts.*", "matches no parameter");
    }

    @Test
    void duplicateAndReservedGroupNames() {
        GroupRule a = GroupRule.builder("emb", ParamMatcher.kind(LayerKind.EMBEDDING)).build();
        GroupRule b = GroupRule.builder("emb", ParamMatcher.kind(LayerKind.HEAD)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupPlan.resolve(TINY_GPT2, List.of(a, b), 0.1, DecayRule.DECOUPLED));
        assertMessage(e, "'emb'", "twice");

        for (String name : List.of("default", "default_no_decay")) {
            GroupRule reserved = GroupRule.builder(name, ParamMatcher.kind(LayerKind.HEAD)).build();
            IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                    () -> GroupPlan.resolve(TINY_GPT2, List.of(reserved), 0.1, DecayRule.DECOUPLED));
            assertMessage(r, "'" + name + "'", "reserved");
        }
    }

    @Test
    void unknownParameterNameIsNamed() {
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(noDecay()), 0.1, DecayRule.DECOUPLED);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> plan.groupOf("transformer.h.1.ln_1.weight"));
        assertMessage(e, "'transformer.h.1.ln_1.weight'");
    }

    @Test
    void noRulesFollowTheStandardRule() {
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(), 0.01, DecayRule.CORRECTED);
        assertEquals(2, plan.groups().size());
        assertEquals(DECAYED, names(plan.groups().get(0)));
        assertEquals(1696, plan.groups().get(0).numel());
        assertEquals("not (kind=bias|norm or ndim<2)", plan.groups().get(0).description());
        assertEquals(NOT_DECAYED, names(plan.groups().get(1)));
        assertEquals(0.0, plan.groups().get(1).weightDecay(), 0.0);
        assertEquals("kind=bias|norm or ndim<2", plan.groups().get(1).description());
    }

    @Test
    void noRulesWithDecayUnmatchedPutsEverythingInTheDefaultGroup() {
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(), 0.01, DecayRule.CORRECTED, GroupPlan.Unmatched.DECAY);
        assertEquals(1, plan.groups().size());
        GroupPlan.Group g = plan.groups().get(0);
        assertEquals("default", g.name());
        assertEquals(17, g.members().size());
        assertEquals(1816, g.numel());
        assertEquals(TINY_GPT2, g.members());
        assertEquals(0.01, g.weightDecay(), 0.0);
        assertEquals("all", g.description());
    }

    @Test
    void needsMeanSecondMomentOnlyForStableGroupsThatDecay() {
        // default rule STABLE with λ > 0 and members → needed
        assertTrue(GroupPlan.resolve(TINY_GPT2, List.of(noDecay()), 0.1, DecayRule.STABLE).needsMeanSecondMoment());
        // STABLE default but λ = 0 everywhere → not needed
        assertFalse(GroupPlan.resolve(TINY_GPT2, List.of(noDecay()), 0.0, DecayRule.STABLE).needsMeanSecondMoment());
        // STABLE only on a λ = 0 group → not needed
        GroupRule stableNoDecay = GroupRule.builder("no_decay",
                        ParamMatcher.ndimBelow(2)).weightDecay(0).decayRule(DecayRule.STABLE).build();
        assertFalse(GroupPlan.resolve(TINY_GPT2, List.of(stableNoDecay), 0.1, DecayRule.DECOUPLED)
                .needsMeanSecondMoment());
        // STABLE on a decaying rule group → needed
        GroupRule stableHead = GroupRule.builder("head", ParamMatcher.kind(LayerKind.HEAD))
                .decayRule(DecayRule.STABLE).build();
        assertTrue(GroupPlan.resolve(TINY_GPT2, List.of(stableHead), 0.1, DecayRule.DECOUPLED)
                .needsMeanSecondMoment());
        // STABLE default, but every parameter is claimed by rules with their own rule → no default group
        ParamMatcher nd = ParamMatcher.ndimBelow(2);
        GroupPlan claimed = GroupPlan.resolve(TINY_GPT2, List.of(
                        GroupRule.builder("a", nd).weightDecay(0).build(),
                        GroupRule.builder("b", nd.negate()).decayRule(DecayRule.CORRECTED).build()),
                0.1, DecayRule.STABLE);
        assertEquals(2, claimed.groups().size());
        assertFalse(claimed.needsMeanSecondMoment());
    }

    @Test
    void groupsAndMembersAreUnmodifiable() {
        GroupPlan plan = GroupPlan.resolve(TINY_GPT2, List.of(noDecay()), 0.1, DecayRule.DECOUPLED);
        assertThrows(UnsupportedOperationException.class, () -> plan.groups().clear());
        assertThrows(UnsupportedOperationException.class, () -> plan.groups().get(0).members().clear());
    }
}
