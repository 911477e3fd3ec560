package dev.decaf.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Schedules against closed forms. Every expected value is either a literal worked out by hand or
 * the formula of DESIGN.md evaluated in the test:
 *
 * <pre>
 * warm-up  γ_t = γ_max·t/W                         t ≤ W
 * cosine   γ_t = γ_min + (γ_max − γ_min)·½(1 + cos(π·p)),  p = min(1, (t − W)/(T − W))
 * linear   γ_t = γ_max − (γ_max − γ_min)·p
 * WSD      γ_max for W &lt; t ≤ T − D, then the shape with p = min(1, (t − (T − D))/D)
 * </pre>
 */
class ScheduleTest {

    /** Relative tolerance for values computed from exact math (cos of a rounded argument etc.). */
    private static final double REL = 1e-14;

    static void assertRel(double expected, double actual, double rel, String what) {
        double tol = rel * Math.abs(expected);
        assertTrue(Math.abs(actual - expected) <= tol,
                what + ": expected " + expected + " but was " + actual + " (|diff| = "
                        + Math.abs(actual - expected) + ", tolerance " + tol + ")");
    }

    static IllegalArgumentException assertIae(org.junit.jupiter.api.function.Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage() != null && ex.getMessage().contains(f),
                    "message should contain '" + f + "': " + ex.getMessage());
        }
        return ex;
    }

    @Nested
    class Constant {
        @Test
        void everyStepIsTheRateAndThePeakIsTheRate() {
            Schedule s = Schedule.constant(3e-4);
            assertEquals(3e-4, s.lr(1));
            assertEquals(3e-4, s.lr(2));
            assertEquals(3e-4, s.lr(1_000_000_000L));
            assertEquals(3e-4, s.peak());
        }

        @Test
        void zeroIsAllowed() {
            assertEquals(0.0, Schedule.constant(0).lr(7));
        }

        @Test
        void stepZeroAndNegativeStepsAreRejectedNamingTheStep() {
            Schedule s = Schedule.constant(0.1);
            assertIae(() -> s.lr(0), ">= 1", "got 0");
            assertIae(() -> s.lr(-42), "got -42");
        }

        @Test
        void invalidRatesAreRejectedNamingTheValue() {
            assertIae(() -> Schedule.constant(-0.001), "learning rate", "-0.001");
            assertIae(() -> Schedule.constant(Double.NaN), "NaN");
            assertIae(() -> Schedule.constant(Double.POSITIVE_INFINITY), "Infinity");
        }
    }

    @Nested
    class WarmupCosine {
        // peak 0.05, W = 10, T = 60, r = 0.1: γ_min = 0.005, γ_max − γ_min = 0.045.
        final double peak = 0.05;
        final long w = 10;
        final long t = 60;
        final double ratio = 0.1;
        final Schedule s = Schedule.warmup(peak, w, t, DecayShape.COSINE, ratio);

        double cosineReference(long step) {
            double min = peak * ratio;
            double p = Math.min(1.0, (double) (step - w) / (t - w));
            return min + (peak - min) * 0.5 * (1.0 + Math.cos(Math.PI * p));
        }

        @Test
        void firstStepIsPeakOverW() {
            assertEquals(0.005, s.lr(1), 0.0); // 0.05 / 10, exactly representable as the same double
        }

        @Test
        void warmupIsLinearInT() {
            for (long step = 1; step <= w; step++) {
                assertRel(peak * step / w, s.lr(step), 1e-15, "lr(" + step + ")");
            }
            // hand values: 0.05·t/10
            assertRel(0.015, s.lr(3), 1e-15, "lr(3)");
            assertRel(0.025, s.lr(5), 1e-15, "lr(5)");
            assertRel(0.045, s.lr(9), 1e-15, "lr(9)");
        }

        @Test
        void reachesThePeakExactlyAtW() {
            assertEquals(0.05, s.lr(10), 0.0);
        }

        @Test
        void peakIsTheMaximumNotTheFirstWarmupValue() {
            assertEquals(0.05, s.peak(), 0.0);
        }

        @Test
        void decayFollowsTheCosineFormula() {
            for (long step = w + 1; step <= t + 5; step++) {
                assertRel(cosineReference(step), s.lr(step), REL, "lr(" + step + ")");
            }
        }

        @Test
        void handPinnedDecayValues() {
            // t = 11: p = 1/50, cos(π/50) = 0.99802672842827156...
            // γ = 0.005 + 0.045·½·(1 + 0.99802672842827156) = 0.049955601389636...
            assertRel(0.04995560138963612, s.lr(11), REL, "lr(11)");
            // t = 35: p = 1/2, cos(π/2) = 0 → 0.005 + 0.045·½ = 0.0275
            assertRel(0.0275, s.lr(35), REL, "lr(35)");
            // t = 60: p = 1 → γ_min = 0.05·0.1 = 0.005
            assertRel(0.005, s.lr(60), REL, "lr(60)");
            assertRel(peak * ratio, s.lr(60), 1e-15, "lr(T) = peak·minRatio");
        }

        @Test
        void isMonotoneDecreasingAfterThePeak() {
            for (long step = w; step < t; step++) {
                assertTrue(s.lr(step + 1) < s.lr(step), "lr(" + (step + 1) + ") < lr(" + step + ")");
            }
        }

        @Test
        void isClampedAfterT() {
            double end = s.lr(60);
            assertEquals(end, s.lr(61), 0.0);
            assertEquals(end, s.lr(120), 0.0);
            assertEquals(end, s.lr(Long.MAX_VALUE / 2), 0.0);
        }
    }

    @Nested
    class WarmupCosineWithoutWarmup {
        // peak 1, W = 0, T = 4, r = 0: γ_t = ½(1 + cos(π·t/4))
        final Schedule s = Schedule.warmup(1.0, 0, 4, DecayShape.COSINE, 0.0);

        @Test
        void firstStepIsAlreadyInTheDecay() {
            // ½(1 + √2/2) = (2 + √2)/4 = 0.85355339059327376...
            assertRel(0.8535533905932738, s.lr(1), REL, "lr(1)");
            assertRel((2 + Math.sqrt(2)) / 4, s.lr(1), REL, "lr(1) via sqrt");
            assertRel(0.5, s.lr(2), REL, "lr(2)");
            // ½(1 − √2/2) = (2 − √2)/4 = 0.14644660940672624...
            assertRel(0.14644660940672624, s.lr(3), REL, "lr(3)");
            assertEquals(0.0, s.lr(4), 0.0);
            assertEquals(0.0, s.lr(5), 0.0);
            assertEquals(1.0, s.peak(), 0.0);
        }
    }

    @Nested
    class WarmupLinear {
        // peak 0.2, W = 4, T = 14, r = 0.25: γ_min = 0.05, slope (0.2 − 0.05)/10 = 0.015 per step
        final Schedule s = Schedule.warmup(0.2, 4, 14, DecayShape.LINEAR, 0.25);

        @Test
        void handValues() {
            assertRel(0.05, s.lr(1), REL, "lr(1) = 0.2/4");
            assertRel(0.10, s.lr(2), REL, "lr(2)");
            assertEquals(0.2, s.lr(4), 0.0);
            assertRel(0.185, s.lr(5), REL, "lr(5): p = 0.1");
            assertRel(0.125, s.lr(9), REL, "lr(9): p = 0.5");
            assertRel(0.065, s.lr(13), REL, "lr(13): p = 0.9");
            assertRel(0.05, s.lr(14), REL, "lr(T) = 0.2·0.25");
            assertRel(0.05, s.lr(1000), REL, "clamped");
            assertEquals(0.2, s.peak(), 0.0);
        }

        @Test
        void formula() {
            for (long t = 5; t <= 20; t++) {
                double p = Math.min(1.0, (t - 4) / 10.0);
                double expected = 0.2 - (0.2 - 0.05) * p;
                assertRel(expected, s.lr(t), REL, "lr(" + t + ")");
            }
        }
    }

    @Nested
    class WarmupConstant {
        @Test
        void holdsThePeakAfterWarmupAndIgnoresMinRatio() {
            Schedule s = Schedule.warmup(0.4, 4, 10, DecayShape.CONSTANT, 0.1);
            assertRel(0.1, s.lr(1), REL, "lr(1)");
            assertRel(0.3, s.lr(3), REL, "lr(3)");
            assertEquals(0.4, s.lr(4), 0.0);
            assertEquals(0.4, s.lr(5), 0.0);
            assertEquals(0.4, s.lr(10), 0.0);
            assertEquals(0.4, s.lr(11), 0.0);
            assertEquals(0.4, s.peak(), 0.0);
        }

        @Test
        void totalMayEqualWarmupBecauseThereIsNothingToDecay() {
            Schedule s = Schedule.warmup(0.4, 4, 4, DecayShape.CONSTANT, 0.0);
            assertRel(0.2, s.lr(2), REL, "lr(2)");
            assertEquals(0.4, s.lr(100), 0.0);
        }
    }

    @Test
    void minRatioOneKeepsThePeak() {
        Schedule s = Schedule.warmup(0.3, 2, 8, DecayShape.COSINE, 1.0);
        for (long t = 2; t <= 12; t++) {
            assertEquals(0.3, s.lr(t), 1e-17, "lr(" + t + ")");
        }
    }

    @Nested
    class WarmupValidation {
        @Test
        void stepZero() {
            Schedule s = Schedule.warmup(0.05, 10, 60, DecayShape.COSINE, 0.1);
            assertIae(() -> s.lr(0), "got 0");
            assertIae(() -> s.lr(-1), "got -1");
        }

        @Test
        void badPeak() {
            assertIae(() -> Schedule.warmup(-0.05, 10, 60, DecayShape.COSINE, 0.1), "peak", "-0.05");
            assertIae(() -> Schedule.warmup(Double.NaN, 10, 60, DecayShape.COSINE, 0.1), "peak", "NaN");
            assertIae(() -> Schedule.warmup(Double.POSITIVE_INFINITY, 10, 60, DecayShape.LINEAR, 0.1),
                    "Infinity");
        }

        @Test
        void negativeWarmup() {
            assertIae(() -> Schedule.warmup(0.05, -3, 60, DecayShape.COSINE, 0.1), "warmup", "-3");
        }

        @ParameterizedTest
        @ValueSource(strings = {"COSINE", "LINEAR"})
        void totalNotAfterWarmup(String shape) {
            DecayShape d = DecayShape.valueOf(shape);
            assertIae(() -> Schedule.warmup(0.05, 10, 7, d, 0.1), "(7)", "(10)");
            assertIae(() -> Schedule.warmup(0.05, 12, 12, d, 0.1), "(12)");
        }

        @Test
        void minRatioOutsideUnitInterval() {
            assertIae(() -> Schedule.warmup(0.05, 10, 60, DecayShape.COSINE, 1.5), "min_lr_ratio", "1.5");
            assertIae(() -> Schedule.warmup(0.05, 10, 60, DecayShape.COSINE, -0.25), "-0.25");
            assertIae(() -> Schedule.warmup(0.05, 10, 60, DecayShape.LINEAR, Double.NaN), "NaN");
        }

        @Test
        void boundaryRatiosAreAccepted() {
            assertEquals(0.0, Schedule.warmup(1, 0, 2, DecayShape.LINEAR, 0.0).lr(2), 0.0);
            assertEquals(1.0, Schedule.warmup(1, 0, 2, DecayShape.LINEAR, 1.0).lr(2), 0.0);
        }
    }

    @Nested
    class Wsd {
        // peak 0.01, W = 5, D = 10, T = 40, cosine to 0: stable on 6..30, decay on 31..40
        final Schedule s = Schedule.wsd(0.01, 5, 10, 40, DecayShape.COSINE, 0.0);

        @Test
        void warmupPart() {
            assertRel(0.002, s.lr(1), REL, "lr(1) = 0.01/5");
            assertRel(0.006, s.lr(3), REL, "lr(3)");
            assertEquals(0.01, s.lr(5), 0.0);
        }

        @Test
        void stablePhaseIsExactlyThePeak() {
            for (long t = 5; t <= 30; t++) {
                assertEquals(0.01, s.lr(t), 0.0, "lr(" + t + ")");
            }
            assertTrue(s.lr(31) < 0.01, "decay starts right after T − D = 30");
        }

        @Test
        void decayPhase() {
            // t = 31: p = 0.1, cos(π/10) = √(10 + 2√5)/4 = 0.95105651629515357...
            assertRel(0.009755282581475768, s.lr(31), REL, "lr(31)");
            assertRel(0.005 * (1 + Math.sqrt(10 + 2 * Math.sqrt(5)) / 4), s.lr(31), REL, "lr(31) via sqrt");
            // t = 35: p = 0.5 → ½·0.01
            assertRel(0.005, s.lr(35), REL, "lr(35)");
            // t = 36: p = 0.6, cos(0.6π) = −(√5 − 1)/4 → 0.005·(5 − √5)/4 = 0.0034549150281252627
            assertRel(0.0034549150281252627, s.lr(36), REL, "lr(36)");
            assertRel(0.00125 * (5 - Math.sqrt(5)), s.lr(36), REL, "lr(36) via sqrt");
            for (long t = 31; t <= 40; t++) {
                double p = (t - 30) / 10.0;
                assertRel(0.01 * 0.5 * (1 + Math.cos(Math.PI * p)), s.lr(t), REL, "lr(" + t + ")");
            }
            assertEquals(0.0, s.lr(40), 0.0);
            assertEquals(0.0, s.lr(41), 0.0);
            assertEquals(0.0, s.lr(10_000), 0.0);
        }

        @Test
        void peakIsThePeak() {
            assertEquals(0.01, s.peak(), 0.0);
        }

        @Test
        void linearDecayWithFloorAndNoWarmup() {
            // peak 1, W = 0, D = 4, T = 10, r = 0.1: 1 on 1..6, then 0.1 + 0.9·(1 − (t − 6)/4)
            Schedule l = Schedule.wsd(1.0, 0, 4, 10, DecayShape.LINEAR, 0.1);
            for (long t = 1; t <= 6; t++) {
                assertEquals(1.0, l.lr(t), 0.0, "lr(" + t + ")");
            }
            assertRel(0.775, l.lr(7), REL, "lr(7)");
            assertRel(0.55, l.lr(8), REL, "lr(8)");
            assertRel(0.325, l.lr(9), REL, "lr(9)");
            assertRel(0.1, l.lr(10), REL, "lr(T) = peak·minRatio");
            assertRel(0.1, l.lr(11), REL, "clamped");
        }

        @Test
        void warmupPlusDecayMayFillTheRunWithNoStablePhase() {
            // W = D = 5, T = 10: peak at 5, then linear to 0 over 6..10
            Schedule l = Schedule.wsd(0.5, 5, 5, 10, DecayShape.LINEAR, 0.0);
            assertEquals(0.5, l.lr(5), 0.0);
            assertRel(0.4, l.lr(6), REL, "lr(6)");
            assertRel(0.1, l.lr(9), REL, "lr(9)");
            assertEquals(0.0, l.lr(10), 0.0);
        }

        @Test
        void validation() {
            assertIae(() -> Schedule.wsd(0.01, 6, 5, 10, DecayShape.COSINE, 0.0),
                    "warmup=6", "decay=5", "total=10");
            assertIae(() -> Schedule.wsd(0.01, 2, 0, 10, DecayShape.COSINE, 0.0), "decay=0");
            assertIae(() -> Schedule.wsd(0.01, -1, 3, 10, DecayShape.COSINE, 0.0), "warmup=-1");
            assertIae(() -> Schedule.wsd(-0.01, 2, 3, 10, DecayShape.COSINE, 0.0), "-0.01");
            assertIae(() -> Schedule.wsd(Double.NaN, 2, 3, 10, DecayShape.COSINE, 0.0), "NaN");
            assertIae(() -> Schedule.wsd(0.01, 2, 3, 10, DecayShape.COSINE, 2.0), "min_lr_ratio", "2.0");
            assertIae(() -> Schedule.wsd(0.01, 2, 3, 10, DecayShape.COSINE, -0.5), "-0.5");
            Schedule ok = Schedule.wsd(0.01, 2, 3, 10, DecayShape.COSINE, 0.0);
            assertIae(() -> ok.lr(0), "got 0");
        }
    }

    @Test
    void toStringDescribesTheSchedule() {
        assertEquals("constant(lr=0.001)", Schedule.constant(0.001).toString());
        assertEquals("warmup(10)+cosine(peak=0.05, total=60, min_lr_ratio=0.1)",
                Schedule.warmup(0.05, 10, 60, DecayShape.COSINE, 0.1).toString());
        assertEquals("wsd(warmup=5, decay=10 linear, peak=0.01, total=40, min_lr_ratio=0.0)",
                Schedule.wsd(0.01, 5, 10, 40, DecayShape.LINEAR, 0.0).toString());
    }

    /** (x·n)/n is not always x in binary floating point: step W must still give exactly the peak. */
    @Test
    void warmupReachesThePeakExactlyForEveryW() {
        for (long w : new long[] {3, 6, 12, 24, 43}) {
            Schedule s = Schedule.warmup(0.1, w, w + 10, DecayShape.COSINE, 0.0);
            assertEquals(s.peak(), s.lr(w), 0.0, "W = " + w);
        }
    }
}
