package dev.decaf.core.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every rule against numbers worked by hand (the arithmetic is in each assertion's comment). */
class LambdaCalculationTest {

    /** 1M parameters, N = 9500 samples of 100 tokens (D = 950,000), B = 16 of 128 positions, η = 0.002, 3 epochs. */
    private static final ScalingInputs RUN = ScalingInputs.ofEpochs(1_000_000, 9500, 950_000, 16, 128, 0.002, 3);

    @Test
    void epochsAndStepsDetermineEachOther() {
        // S = ⌈E·N/B⌉ = ⌈3·9500/16⌉ = ⌈1781.25⌉ = 1782
        assertEquals(1782, RUN.steps());
        // E = S·B/N = 1000·16/9500 = 1.6842105…
        ScalingInputs bySteps = ScalingInputs.ofSteps(1_000_000, 9500, 950_000, 16, 128, 0.002, 1000);
        assertEquals(16000.0 / 9500, bySteps.epochs(), 1e-15);
        // B_tok = 16·128 = 2048; D_run = 3·950,000 = 2,850,000; TPP = 2.85
        assertEquals(2048, RUN.batchTokens());
        assertEquals(2_850_000, RUN.runTokens(), 0);
        assertEquals(2.85, RUN.tokensPerParameter(), 1e-15);
    }

    @Test
    void emaFromTauEpoch() {
        LambdaCalculation c = LambdaCalculation.of(EmaRule.ofEpochs(0.5), RUN);
        // λ = B/(η·N·τ_epoch) = 16/(0.002·9500·0.5) = 16/9.5 = 1.6842105…
        assertEquals(16 / 9.5, c.lambda(), 1e-15);
        // τ_iter = 1/(η·λ) = 9.5/(0.002·16) = 296.875 steps; τ_epoch = 296.875·16/9500 = 0.5 (the input back)
        assertEquals(296.875, c.tauIter(), 1e-12);
        assertEquals(0.5, c.tauEpoch(), 1e-15);
        // τ_tokens = 296.875·2048 = 608,000; Power-Lines τ = 608,000/2,850,000 = 0.213333…
        assertEquals(608_000, c.tauTokens(), 1e-8);
        assertEquals(608_000.0 / 2_850_000, c.powerLinesTau(), 1e-15);
        // run fraction = 296.875/1782 = 0.166597
        assertEquals(296.875 / 1782, c.runFraction(), 1e-15);
        assertEquals("λ = B/(η·N·τ_epoch) = 16/(0.002·9500·0.5) = 1.684", c.formula());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void emaFromTauIter() {
        LambdaCalculation c = LambdaCalculation.of(EmaRule.ofIterations(1000), RUN);
        // λ = 1/(η·τ_iter) = 1/(0.002·1000) = 0.5; τ_epoch = 1000·16/9500 = 1.684
        assertEquals(0.5, c.lambda(), 1e-15);
        assertEquals(1000, c.tauIter(), 1e-12);
        assertEquals(16000.0 / 9500, c.tauEpoch(), 1e-12);
        assertEquals("λ = 1/(η·τ_iter) = 1/(0.002·1000) = 0.5", c.formula());
    }

    @Test
    void powerLinesInsideItsFit() {
        // 10,000 parameters, 20,000 samples of 50 tokens (D = 1,000,000) in one epoch: TPP = 100, inside [20, 1000]
        ScalingInputs in = ScalingInputs.ofEpochs(10_000, 20_000, 1_000_000, 8, 64, 1e-3, 1);
        LambdaCalculation c = LambdaCalculation.of(new PowerLinesRule(), in);
        // τ_opt = 1.084·100^−0.527 = 1.084·10^−1.054 = 0.0957259
        assertEquals(0.0957258612053722, PowerLinesRule.optimalTau(100), 1e-15);
        // λ = B_tok/(η·D_run·τ_opt) = 512/(0.001·1,000,000·0.0957259) = 5.34861
        assertEquals(5.348606881703001, c.lambda(), 1e-12);
        // and Power-Lines τ = B_tok/(η·λ·D_run) gives τ_opt back
        assertEquals(0.0957258612053722, c.powerLinesTau(), 1e-15);
        assertEquals(100, c.tokensPerParameter(), 0);
        // τ_iter = 1/(0.001·5.34861) = 186.9646 steps of S = 20,000/8 = 2500
        assertEquals(186.96457266674255 / 2500, c.runFraction(), 1e-12);
        assertEquals("λ = B_tok/(η·D_run·τ_opt) = 512/(0.001·1000000·0.09573) = 5.349,"
                + " τ_opt = 1.084·TPP^−0.527 = 1.084·100^−0.527 = 0.09573", c.formula());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void powerLinesOutsideItsFitWarns() {
        LambdaCalculation c = LambdaCalculation.of(new PowerLinesRule(), RUN);
        // TPP = 2.85: τ_opt = 1.084·2.85^−0.527 = 0.624203; λ = 2048/(0.002·2,850,000·0.624203) = 0.575624
        assertEquals(2048 / (0.002 * 2_850_000 * 0.6242032721754962), c.lambda(), 1e-12);
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).startsWith("TPP = D_run/N_params = 2.85 is outside [20, 1000]"), c.warnings().get(0));
    }

    @Test
    void normalized() {
        LambdaCalculation c = LambdaCalculation.of(new NormalizedRule(0.05), RUN);
        // λ = λ_norm·√(B/(N·E)) = 0.05·√(16/(9500·3)) = 0.05·√(5.61404e-4) = 0.05·0.0236940 = 0.00118470
        assertEquals(0.0011846977555181847, c.lambda(), 1e-16);
        assertEquals("λ = λ_norm·√(B/(N·E)) = 0.05·√(16/(9500·3)) = 0.001185", c.formula());
    }

    @Test
    void widthRulesDisagree() {
        // λ = L·W/W0 = 0.1·1024/256 = 0.4; λ = L·√(W/W0) = 0.1·√4 = 0.2
        LambdaCalculation linear = LambdaCalculation.of(new MupRule(1024, 256, 0.1), RUN);
        LambdaCalculation sqrt = LambdaCalculation.of(new MupSqrtRule(1024, 256, 0.1), RUN);
        assertEquals(0.4, linear.lambda(), 1e-15);
        assertEquals(0.2, sqrt.lambda(), 1e-15);
        assertEquals("λ = L·W/W0 = 0.1·1024/256 = 0.4", linear.formula());
        assertEquals("λ = L·√(W/W0) = 0.1·√(1024/256) = 0.2", sqrt.formula());
    }

    @Test
    void fixedLambdaFarBeyondTheRunWarns() {
        LambdaCalculation c = LambdaCalculation.of(new FixedRule(0.01),
                ScalingInputs.ofEpochs(1_000_000, 9500, 950_000, 16, 128, 1e-4, 3));
        // τ_iter = 1/(1e-4·0.01) = 1,000,000 steps = 561.2× the 1782 steps
        assertEquals(1e6, c.tauIter(), 1e-6);
        assertEquals("λ = 0.01 (fixed)", c.formula());
        assertEquals(List.of("τ_iter = 1000000 steps is 561.2× the run's 1782 steps: the decay barely acts"),
                c.warnings());
    }

    @Test
    void decayThatFlipsSignsWarns() {
        // λ·η = 600·0.002 = 1.2 ≥ 1
        LambdaCalculation c = LambdaCalculation.of(new FixedRule(600), RUN);
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).startsWith("λ·η = 1.2 ≥ 1"), c.warnings().get(0));
    }

    @Test
    void zeroLambdaHasInfiniteTimescales() {
        LambdaCalculation c = LambdaCalculation.of(new FixedRule(0), RUN);
        assertEquals(Double.POSITIVE_INFINITY, c.tauIter());
        assertTrue(c.table().contains("∞  steps = 1/(η·λ)"), c.table());
        Map<String, Object> json = Json.parseObject(c.toJsonText());
        assertEquals(0.0, json.get("lambda"));
        assertNull(json.get("tau_iter"));
        assertNull(json.get("tau_epoch"));
        assertNull(json.get("run_fraction"));
        assertTrue(json.containsKey("tau_iter"));
    }

    @Test
    void jsonHoldsTheNumbersAndTheInputs() {
        Map<String, Object> json = Json.parseObject(LambdaCalculation.of(EmaRule.ofEpochs(0.5), RUN).toJsonText());
        assertEquals(16 / 9.5, (Double) json.get("lambda"), 1e-15);
        assertEquals(296.875, (Double) json.get("tau_iter"), 1e-12);
        assertEquals(0.5, (Double) json.get("tau_epoch"), 1e-15);
        assertEquals(2.85, (Double) json.get("tpp"), 1e-15);
        assertEquals("ema", json.get("rule"));
        assertEquals(Map.of("tau_epoch", 0.5), json.get("options"));
        assertEquals("λ = B/(η·N·τ_epoch) = 16/(0.002·9500·0.5) = 1.684", json.get("formula"));
        @SuppressWarnings("unchecked")
        Map<String, Object> in = (Map<String, Object>) json.get("inputs");
        assertEquals(1782L, in.get("steps"));
        assertEquals(9500L, in.get("samples"));
        assertEquals(3.0, in.get("epochs"));
    }

    @Test
    void rulesFromNamesAndOptions() {
        assertEquals(EmaRule.ofEpochs(0.5), LambdaRules.of("ema", Map.of("tau_epoch", 0.5)));
        assertEquals(EmaRule.ofIterations(800), LambdaRules.of("ema", Map.of("tau_iter", 800.0)));
        assertInstanceOf(PowerLinesRule.class, LambdaRules.of("power-lines", Map.of()));
        assertEquals(new MupSqrtRule(2, 1, 0.1), LambdaRules.of("mup-sqrt",
                Map.of("width", 2.0, "base_width", 1.0, "base_lambda", 0.1)));
    }

    @Test
    void badValuesNameTheirKey() {
        ScalingValueException e = assertThrows(ScalingValueException.class,
                () -> LambdaRules.of("ema", Map.of("tau_epoch", -1.0)));
        assertEquals("tau_epoch", e.key());
        assertEquals("must be > 0, got -1", e.problem());
        e = assertThrows(ScalingValueException.class, () -> LambdaRules.of("ema", Map.of()));
        assertEquals("tau_epoch is required by rule ema (or tau_iter)", e.getMessage());
        e = assertThrows(ScalingValueException.class, () -> LambdaRules.of("power-lines", Map.of("width", 3.0)));
        assertEquals("width does not apply to rule power-lines (it takes no options)", e.getMessage());
        e = assertThrows(ScalingValueException.class, () -> LambdaRules.of("emma", Map.of()));
        assertEquals("rule", e.key());
        e = assertThrows(ScalingValueException.class,
                () -> ScalingInputs.ofEpochs(1, 10, 10, 0, 8, 0.1, 1));
        assertEquals("batch_size must be > 0, got 0", e.getMessage());
        e = assertThrows(ScalingValueException.class, () -> ScalingInputs.ofSteps(1, 10, 10, 4, 8, -0.5, 3));
        assertEquals("lr must be > 0, got -0.5", e.getMessage());
    }
}
