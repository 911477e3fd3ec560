package dev.decaf.core.decay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shrink factor s (θ ← θ·(1 − s)) of every rule, against hand arithmetic.
 *
 * <p>Reference point: λ = 0.1, γ_t = 0.003, γ_max = 0.006, v̄ = 4e-6 (√v̄ = 2e-3):
 *
 * <pre>
 * decoupled    γλ        = 0.003·0.1              = 3e-4
 * corrected    λγ²/γmax  = 0.1·9e-6/0.006         = 1.5e-4
 * independent  λγ/γmax   = 0.1·0.5                = 0.05
 * l2           0, coupling coefficient λ = 0.1
 * stable       γλ/√v̄     = 3e-4/2e-3              = 0.15
 * cautious     γλ        = 3e-4 (as decoupled), applied only where the mask m_t·θ ≥ 0 is 1
 * </pre>
 */
class DecayRuleTest {

    private static final double LAMBDA = 0.1;
    private static final double LR = 0.003;
    private static final double MAX_LR = 0.006;
    private static final double VBAR = 4e-6;

    private static void assertClose(double expected, double actual) {
        assertEquals(expected, actual, 1e-15 * Math.abs(expected), "expected " + expected + ", was " + actual);
    }

    @Test
    void decoupled() {
        assertClose(3e-4, DecayRule.DECOUPLED.shrink(LAMBDA, LR, MAX_LR, VBAR));
        assertClose(LR * LAMBDA, DecayRule.DECOUPLED.shrink(LAMBDA, LR, MAX_LR, VBAR));
        // independent of γ_max and v̄
        assertClose(3e-4, DecayRule.DECOUPLED.shrink(LAMBDA, LR, 1.0, 123.0));
        assertEquals(0.0, DecayRule.DECOUPLED.couplingCoefficient(LAMBDA), 0.0);
    }

    @Test
    void corrected() {
        assertClose(1.5e-4, DecayRule.CORRECTED.shrink(LAMBDA, LR, MAX_LR, VBAR));
        assertClose(LAMBDA * LR * LR / MAX_LR, DecayRule.CORRECTED.shrink(LAMBDA, LR, MAX_LR, VBAR));
        // at the peak AdamC's decay equals AdamW's: λ·γmax²/γmax = γmax·λ = 6e-4
        assertClose(6e-4, DecayRule.CORRECTED.shrink(LAMBDA, MAX_LR, MAX_LR, VBAR));
        // during warm-up at γ = γmax/10 the shrink is 1/100 of the peak one: 6e-6
        assertClose(6e-6, DecayRule.CORRECTED.shrink(LAMBDA, MAX_LR / 10, MAX_LR, VBAR));
        assertEquals(0.0, DecayRule.CORRECTED.couplingCoefficient(LAMBDA), 0.0);
    }

    @Test
    void correctedIsDecoupledWithTheScheduledLambda() {
        // λ_t = λ·γ_t/γ_max, applied as γ_t·λ_t (DESIGN.md, AdamC)
        double lambdaT = LAMBDA * LR / MAX_LR;
        assertClose(DecayRule.DECOUPLED.shrink(lambdaT, LR, MAX_LR, VBAR),
                DecayRule.CORRECTED.shrink(LAMBDA, LR, MAX_LR, VBAR));
    }

    @Test
    void independent() {
        assertClose(0.05, DecayRule.INDEPENDENT.shrink(LAMBDA, LR, MAX_LR, VBAR));
        assertClose(0.1, DecayRule.INDEPENDENT.shrink(LAMBDA, MAX_LR, MAX_LR, VBAR));
        assertEquals(0.0, DecayRule.INDEPENDENT.couplingCoefficient(LAMBDA), 0.0);
    }

    @Test
    void zeroPeakGivesNoDecayInsteadOfNaN() {
        assertEquals(0.0, DecayRule.CORRECTED.shrink(LAMBDA, 0, 0, VBAR), 0.0);
        assertEquals(0.0, DecayRule.INDEPENDENT.shrink(LAMBDA, 0, 0, VBAR), 0.0);
    }

    @Test
    void coupledL2() {
        assertEquals(0.0, DecayRule.COUPLED_L2.shrink(LAMBDA, LR, MAX_LR, VBAR), 0.0);
        assertEquals(0.1, DecayRule.COUPLED_L2.couplingCoefficient(LAMBDA), 0.0);
        assertEquals(0.25, DecayRule.COUPLED_L2.couplingCoefficient(0.25), 0.0);
    }

    @Test
    void stable() {
        assertClose(0.15, DecayRule.STABLE.shrink(LAMBDA, LR, MAX_LR, VBAR));
        // v̄ = 0.25: γλ/0.5 = 2γλ = 6e-4
        assertClose(6e-4, DecayRule.STABLE.shrink(LAMBDA, LR, MAX_LR, 0.25));
        assertClose(LR * LAMBDA / Math.sqrt(VBAR), DecayRule.STABLE.shrink(LAMBDA, LR, MAX_LR, VBAR));
        assertEquals(0.0, DecayRule.STABLE.couplingCoefficient(LAMBDA), 0.0);
    }

    @Test
    void cautiousHasTheDecoupledShrinkMasked() {
        assertClose(3e-4, DecayRule.CAUTIOUS.shrink(LAMBDA, LR, MAX_LR, VBAR));
        assertClose(3e-4, DecayRule.CAUTIOUS.shrink(LAMBDA, LR, 1.0, 123.0)); // no γ_max, no v̄
        assertEquals(0.0, DecayRule.CAUTIOUS.couplingCoefficient(LAMBDA), 0.0);
        assertTrue(DecayRule.CAUTIOUS.masked());
        for (DecayRule r : DecayRule.values()) {
            assertEquals(r == DecayRule.CAUTIOUS, r.masked(), r.name());
        }
    }

    @Test
    void stableWithZeroLambdaIsZeroEvenWhenVbarIsZero() {
        assertEquals(0.0, DecayRule.STABLE.shrink(0, LR, MAX_LR, 0.0), 0.0);
    }

    @Test
    void zeroLambdaMeansNoShrinkForEveryRule() {
        for (DecayRule r : DecayRule.values()) {
            assertEquals(0.0, r.shrink(0, LR, MAX_LR, VBAR), 0.0, r.name());
            assertEquals(0.0, r.couplingCoefficient(0), 0.0, r.name());
        }
    }

    @Test
    void onlyStableNeedsTheMeanSecondMoment() {
        assertTrue(DecayRule.STABLE.needsMeanSecondMoment());
        assertFalse(DecayRule.DECOUPLED.needsMeanSecondMoment());
        assertFalse(DecayRule.CORRECTED.needsMeanSecondMoment());
        assertFalse(DecayRule.INDEPENDENT.needsMeanSecondMoment());
        assertFalse(DecayRule.COUPLED_L2.needsMeanSecondMoment());
        assertFalse(DecayRule.CAUTIOUS.needsMeanSecondMoment());
    }

    @ParameterizedTest
    @CsvSource({
        "decoupled, DECOUPLED",
        "corrected, CORRECTED",
        "independent, INDEPENDENT",
        "l2, COUPLED_L2",
        "stable, STABLE",
        "Decoupled, DECOUPLED",
        "CORRECTED, CORRECTED",
        "L2, COUPLED_L2",
        "StAbLe, STABLE",
        "coupled_l2, COUPLED_L2",
        "cautious, CAUTIOUS",
        "Cautious, CAUTIOUS",
    })
    void parse(String name, DecayRule expected) {
        assertSame(expected, DecayRule.parse(name));
    }

    @Test
    void recipeNamesRoundTrip() {
        assertEquals("decoupled", DecayRule.DECOUPLED.recipeName());
        assertEquals("corrected", DecayRule.CORRECTED.recipeName());
        assertEquals("independent", DecayRule.INDEPENDENT.recipeName());
        assertEquals("l2", DecayRule.COUPLED_L2.recipeName());
        assertEquals("stable", DecayRule.STABLE.recipeName());
        assertEquals("cautious", DecayRule.CAUTIOUS.recipeName());
        for (DecayRule r : DecayRule.values()) {
            assertSame(r, DecayRule.parse(r.recipeName()));
            assertEquals(r.recipeName(), r.toString());
        }
    }

    @Test
    void badNameIsNamedInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecayRule.parse("AdamW"));
        assertTrue(e.getMessage().contains("'AdamW'"), e.getMessage());
        assertEquals("unknown decay rule 'AdamW': expected decoupled, corrected, independent, l2, stable or cautious",
                e.getMessage());
    }
}
