package dev.decaf.core.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ParamMatcherTest {

    static final ParamInfo WTE = ParamInfo.of("transformer.wte.weight", 50, 8);
    static final ParamInfo LN1_W = ParamInfo.of("transformer.h.0.ln_1.weight", 8);
    static final ParamInfo LN1_B = ParamInfo.of("transformer.h.0.ln_1.bias", 8);
    static final ParamInfo ATTN_W = ParamInfo.of("transformer.h.0.attn.c_attn.weight", 8, 24);
    static final ParamInfo ATTN_B = ParamInfo.of("transformer.h.0.attn.c_attn.bias", 24);
    static final ParamInfo H10_LN1_W = ParamInfo.of("transformer.h.10.ln_1.weight", 8);
    static final ParamInfo LNF_W = ParamInfo.of("transformer.ln_f.weight", 8);
    static final ParamInfo HEAD = ParamInfo.of("lm_head.weight", 50, 8);
    static final ParamInfo SCALAR = ParamInfo.of("logit_scale");
    static final ParamInfo CONV = ParamInfo.of("conv.weight", 4, 3, 3, 3);
    static final List<ParamInfo> ALL =
            List.of(WTE, LN1_W, LN1_B, ATTN_W, ATTN_B, H10_LN1_W, LNF_W, HEAD, SCALAR, CONV);

    static List<String> selected(ParamMatcher m) {
        return ALL.stream().filter(m::matches).map(ParamInfo::name).collect(Collectors.toList());
    }

    @Test
    void all() {
        assertEquals(ALL.size(), selected(ParamMatcher.all()).size());
        assertEquals("all", ParamMatcher.all().toString());
    }

    @Test
    void ndimBelow() {
        ParamMatcher m = ParamMatcher.ndimBelow(2);
        assertEquals(List.of(LN1_W.name(), LN1_B.name(), ATTN_B.name(), H10_LN1_W.name(), LNF_W.name(),
                SCALAR.name()), selected(m));
        assertEquals("ndim<2", m.toString());
        assertEquals(List.of(SCALAR.name()), selected(ParamMatcher.ndimBelow(1)));
    }

    @Test
    void ndimAtLeast() {
        ParamMatcher m = ParamMatcher.ndimAtLeast(2);
        assertEquals(List.of(WTE.name(), ATTN_W.name(), HEAD.name(), CONV.name()), selected(m));
        assertEquals("ndim>=2", m.toString());
        assertEquals(List.of(CONV.name()), selected(ParamMatcher.ndimAtLeast(3)));
    }

    @Test
    void globStarSpansDotsAndMustMatchTheWholeName() {
        ParamMatcher m = ParamMatcher.nameGlob("*.attn.*.weight");
        assertEquals(List.of(ATTN_W.name()), selected(m));
        assertEquals("name~*.attn.*.weight", m.toString());
        assertTrue(ParamMatcher.nameGlob("*").matches(SCALAR));
        assertTrue(ParamMatcher.nameGlob("*weight").matches(WTE));
        // whole-name semantics: a glob without a trailing * must end the name
        assertFalse(ParamMatcher.nameGlob("transformer.*").matches(HEAD));
        assertFalse(ParamMatcher.nameGlob("*.ln_1").matches(LN1_W));
        assertFalse(ParamMatcher.nameGlob("ln_f.weight").matches(LNF_W));
    }

    @Test
    void globQuestionMarkIsExactlyOneCharacter() {
        ParamMatcher m = ParamMatcher.nameGlob("transformer.h.?.ln_1.weight");
        assertTrue(m.matches(LN1_W));
        assertFalse(m.matches(H10_LN1_W));
        assertTrue(ParamMatcher.nameGlob("transformer.h.??.ln_1.weight").matches(H10_LN1_W));
        assertFalse(ParamMatcher.nameGlob("transformer.h.??.ln_1.weight").matches(LN1_W));
    }

    @Test
    void globQuotesRegexMetacharacters() {
        // '.' in a glob is a literal dot, not "any character"; '+' and '(' are literal too
        assertFalse(ParamMatcher.nameGlob("lm_head.weight").matches(ParamInfo.of("lm_headXweight", 2, 2)));
        assertTrue(ParamMatcher.nameGlob("a+b(c)").matches(ParamInfo.of("a+b(c)", 2)));
        assertFalse(ParamMatcher.nameGlob("a+b(c)").matches(ParamInfo.of("aab(c)", 2)));
    }

    @Test
    void regexUsesFindSemantics() {
        ParamMatcher m = ParamMatcher.nameRegex("ln_[12]");
        assertEquals(List.of(LN1_W.name(), LN1_B.name(), H10_LN1_W.name()), selected(m));
        assertEquals("name=/ln_[12]/", m.toString());
        assertEquals(List.of(HEAD.name()), selected(ParamMatcher.nameRegex("^lm_")));
        assertEquals(List.of(LN1_B.name(), ATTN_B.name()), selected(ParamMatcher.nameRegex("bias$")));
    }

    @Test
    void invalidRegexIsNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ParamMatcher.nameRegex("h.(0"));
        assertTrue(e.getMessage().contains("'h.(0'"), e.getMessage());
    }

    @Test
    void kind() {
        ParamMatcher m = ParamMatcher.kind(LayerKind.NORM, LayerKind.BIAS);
        assertEquals(List.of(LN1_W.name(), LN1_B.name(), ATTN_B.name(), H10_LN1_W.name(), LNF_W.name()),
                selected(m));
        // kinds are listed in declaration order, whatever order they were passed in
        assertEquals("kind=bias|norm", m.toString());
        assertEquals(List.of(WTE.name(), HEAD.name()),
                selected(ParamMatcher.kind(LayerKind.EMBEDDING, LayerKind.HEAD)));
        assertEquals("kind=embedding", ParamMatcher.kind(LayerKind.EMBEDDING).toString());
    }

    @Test
    void names() {
        ParamMatcher m = ParamMatcher.names("lm_head.weight", "transformer.wte.weight", "missing");
        assertEquals(List.of(WTE.name(), HEAD.name()), selected(m));
        assertEquals("names=[lm_head.weight, transformer.wte.weight, missing]", m.toString());
    }

    @Test
    void orAndNegate() {
        ParamMatcher noDecay = ParamMatcher.ndimBelow(2).or(ParamMatcher.kind(LayerKind.BIAS, LayerKind.NORM));
        assertEquals("ndim<2 or kind=bias|norm", noDecay.toString());
        assertEquals(List.of(LN1_W.name(), LN1_B.name(), ATTN_B.name(), H10_LN1_W.name(), LNF_W.name(),
                SCALAR.name()), selected(noDecay));

        ParamMatcher decay = noDecay.negate();
        assertEquals("not (ndim<2 or kind=bias|norm)", decay.toString());
        assertEquals(List.of(WTE.name(), ATTN_W.name(), HEAD.name(), CONV.name()), selected(decay));

        ParamMatcher hiddenMatrices = ParamMatcher.ndimAtLeast(2)
                .and(ParamMatcher.kind(LayerKind.EMBEDDING, LayerKind.HEAD).negate());
        assertEquals("(ndim>=2) and (not (kind=embedding|head))", hiddenMatrices.toString());
        assertEquals(List.of(ATTN_W.name(), CONV.name()), selected(hiddenMatrices));

        // an element matched by only one side of "or" is in; by only one side of "and" is out
        ParamMatcher either = ParamMatcher.names("logit_scale").or(ParamMatcher.nameGlob("lm_*"));
        assertEquals(List.of(HEAD.name(), SCALAR.name()), selected(either));
        ParamMatcher both = ParamMatcher.names("logit_scale", "lm_head.weight").and(ParamMatcher.nameGlob("lm_*"));
        assertEquals(List.of(HEAD.name()), selected(both));
    }
}
