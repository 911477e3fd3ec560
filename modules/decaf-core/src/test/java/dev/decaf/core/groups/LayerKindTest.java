package dev.decaf.core.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LayerKindTest {

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource({
        // GPT-2 (Hugging Face names)
        "transformer.wte.weight, 2, EMBEDDING",
        "transformer.wpe.weight, 2, EMBEDDING",
        "transformer.h.0.ln_1.weight, 1, NORM",
        "transformer.h.0.ln_1.bias, 1, NORM",
        "transformer.h.11.ln_2.weight, 1, NORM",
        "transformer.h.11.ln_2.bias, 1, NORM",
        "transformer.h.0.attn.c_attn.weight, 2, WEIGHT",
        "transformer.h.0.attn.c_attn.bias, 1, BIAS",
        "transformer.h.0.attn.c_proj.weight, 2, WEIGHT",
        "transformer.h.0.mlp.c_fc.weight, 2, WEIGHT",
        "transformer.h.0.mlp.c_proj.bias, 1, BIAS",
        "transformer.ln_f.weight, 1, NORM",
        "transformer.ln_f.bias, 1, NORM",
        "lm_head.weight, 2, HEAD",
        // Llama (Hugging Face names)
        "model.embed_tokens.weight, 2, EMBEDDING",
        "model.layers.0.input_layernorm.weight, 1, NORM",
        "model.layers.0.post_attention_layernorm.weight, 1, NORM",
        "model.layers.0.self_attn.q_proj.weight, 2, WEIGHT",
        "model.layers.0.self_attn.o_proj.weight, 2, WEIGHT",
        "model.layers.0.mlp.gate_proj.weight, 2, WEIGHT",
        "model.layers.0.mlp.down_proj.weight, 2, WEIGHT",
        "model.norm.weight, 1, NORM",
        // Meta-style Llama names and other head spellings
        "tok_embeddings.weight, 2, EMBEDDING",
        "output.weight, 2, HEAD",
        "head.weight, 2, HEAD",
        "model.head.weight, 2, HEAD",
        // DJL block parameter names
        "01Linear_weight, 2, WEIGHT",
        "01Linear_bias, 1, BIAS",
        "02LayerNorm_gamma, 1, NORM",
        "02LayerNorm_beta, 1, NORM",
        "blocks/03BatchNorm_gamma, 1, NORM",
        "ln_f.weight, 1, NORM",
    })
    void classify(String name, int ndim, LayerKind expected) {
        assertSame(expected, LayerKind.classify(name, ndim));
    }

    @Test
    void upperCaseNamesClassifyLikeLowerCase() {
        assertSame(LayerKind.NORM, LayerKind.classify("Transformer.H.0.LN_1.Weight", 1));
        assertSame(LayerKind.EMBEDDING, LayerKind.classify("Model.Embed_Tokens.weight", 2));
    }

    @Test
    void wordsThatMerelyContainLnAreNotNorms() {
        // "ln" must be a segment (start or after . / _), not part of a word
        assertSame(LayerKind.WEIGHT, LayerKind.classify("model.kiln.weight", 2));
        assertSame(LayerKind.WEIGHT, LayerKind.classify("encoder.vln.weight", 2));
    }

    @Test
    void paramInfoOfClassifiesAndCounts() {
        ParamInfo p = ParamInfo.of("transformer.h.0.attn.c_attn.weight", 768, 2304);
        assertSame(LayerKind.WEIGHT, p.kind());
        assertEquals(2, p.ndim());
        assertEquals(768L * 2304L, p.numel());
        assertEquals(1_769_472L, p.numel());
        ParamInfo scalar = ParamInfo.of("scale");
        assertEquals(0, scalar.ndim());
        assertEquals(1, scalar.numel());
        assertEquals("transformer.h.0.attn.c_attn.weight[768, 2304](weight)", p.toString());
        assertEquals(ParamInfo.of("transformer.h.0.attn.c_attn.weight", 768, 2304), p);
    }

    @Test
    void parse() {
        assertSame(LayerKind.NORM, LayerKind.parse("norm"));
        assertSame(LayerKind.EMBEDDING, LayerKind.parse("Embedding"));
        assertSame(LayerKind.HEAD, LayerKind.parse("HEAD"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerKind.parse("gain"));
        assertTrue(e.getMessage().contains("'gain'"), e.getMessage());
    }
}
