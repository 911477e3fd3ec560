package dev.decaf.core.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.decaf.core.decay.DecayRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The closest names a group that matches nothing suggests, on a two-layer Llama. */
class NameSuggestionsTest {

    /** Hugging Face Llama names: tied embedding, two layers, 9 tensors per layer, final norm. */
    static List<ParamInfo> llama() {
        List<ParamInfo> params = new ArrayList<>();
        params.add(ParamInfo.of("model.embed_tokens.weight", 64, 16));
        for (int i = 0; i < 2; i++) {
            String p = "model.layers." + i + ".";
            params.add(ParamInfo.of(p + "input_layernorm.weight", 16));
            for (String proj : List.of("q", "k", "v", "o")) {
                params.add(ParamInfo.of(p + "self_attn." + proj + "_proj.weight", 16, 16));
            }
            params.add(ParamInfo.of(p + "post_attention_layernorm.weight", 16));
            for (String proj : List.of("gate", "up", "down")) {
                params.add(ParamInfo.of(p + "mlp." + proj + "_proj.weight", 16, 16));
            }
        }
        params.add(ParamInfo.of("model.norm.weight", 16));
        return params;
    }

    static String error(ParamMatcher m) {
        GroupRule r = GroupRule.builder("g", m).build();
        return assertThrows(IllegalArgumentException.class,
                () -> GroupPlan.resolve(llama(), List.of(r), 0.1, DecayRule.DECOUPLED)).getMessage();
    }

    @Test
    void gpt2StyleAttnGlobSuggestsSelfAttn() {
        assertEquals("group 'g' (name~*.attn.*) matches no parameter; closest parameter names contain 'self_attn': "
                + "model.layers.0.self_attn.q_proj.weight, model.layers.0.self_attn.k_proj.weight, "
                + "model.layers.0.self_attn.v_proj.weight and 5 more (decaf groups --names lists every parameter; in code, ParamGroups.describeParameters())",
                error(ParamMatcher.nameGlob("*.attn.*")));
    }

    @Test
    void typosAreFoundByEditDistance() {
        // slef_attn → self_attn: 2 edits; mlp.gate_prj → mlp.gate_proj: 1 edit, over two segments
        assertEquals("self_attn", NameSuggestions.closestRun(List.of("slef_attn"), llama()));
        assertEquals("mlp.gate_proj", NameSuggestions.closestRun(
                ParamMatcher.nameGlob("*.mlp.gate_prj.*").nameParts(), llama()));
        // a regex is searched for inside names: the closest two-segment run that holds it
        assertEquals("self_attn.q_proj", NameSuggestions.closestRun(
                ParamMatcher.nameRegex("slef_attn\\.q").nameParts(), llama()));
        assertEquals(0, NameSuggestions.substringDistance("attn", "self_attn"));
        assertEquals(2, NameSuggestions.substringDistance("slef_attn.q", "self_attn.q_proj"));
        assertEquals(2, NameSuggestions.substringDistance("kitten", "sitting")); // k→s, e→i: "sittin"
    }

    @Test
    void tighterContainingRunWins() {
        // "layernorm" is in input_layernorm (15 chars) and post_attention_layernorm (24): the shorter wins
        assertEquals("input_layernorm", NameSuggestions.closestRun(List.of("layernorm"), llama()));
    }

    @Test
    void kindMatchersListTheKindsPresent() {
        // the tied Llama has no lm_head: a head group matches nothing
        assertEquals("group 'g' (kind=head) matches no parameter; the model's parameters are of kinds embedding, "
                + "norm, weight (decaf groups --names lists every parameter; in code, ParamGroups.describeParameters())", error(ParamMatcher.kind(LayerKind.HEAD)));
    }

    @Test
    void namePartsOfGlobsRegexesAndNames() {
        assertEquals(List.of("attn"), ParamMatcher.nameGlob("*.attn.*").nameParts());
        assertEquals(List.of("self_attn", "proj"), ParamMatcher.nameRegex("self_attn\\.(q|k)_proj").nameParts()
                .stream().filter(s -> s.length() > 1).toList());
        assertEquals(List.of("lm_head.weight"), ParamMatcher.names("lm_head.weight").nameParts());
        assertEquals(List.of("attn", "mlp"),
                ParamMatcher.nameGlob("*attn*").or(ParamMatcher.nameGlob("*mlp*")).nameParts());
        assertEquals(List.of(), ParamMatcher.nameGlob("*attn*").negate().nameParts());
    }
}
