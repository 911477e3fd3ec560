package dev.decaf.core.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.decay.DecayRule;
import org.junit.jupiter.api.Test;

class GroupRuleTest {

    private static void assertMessage(RuntimeException e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    "message should contain '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void defaultsAreUnsetExceptLrScaleOne() {
        GroupRule r = GroupRule.builder("hidden", ParamMatcher.ndimAtLeast(2)).build();
        assertEquals("hidden", r.name());
        assertFalse(r.weightDecay().isPresent());
        assertNull(r.decayRule());
        assertEquals(1.0, r.lrScale(), 0.0);
        assertEquals("hidden{ndim>=2}", r.toString());
    }

    @Test
    void overridesAreKept() {
        GroupRule r = GroupRule.builder("emb", ParamMatcher.kind(LayerKind.EMBEDDING))
                .weightDecay(0.05)
                .decayRule(DecayRule.CORRECTED)
                .lrScale(0.5)
                .build();
        assertEquals(0.05, r.weightDecay().getAsDouble(), 0.0);
        assertSame(DecayRule.CORRECTED, r.decayRule());
        assertEquals(0.5, r.lrScale(), 0.0);
        assertEquals("kind=embedding", r.matcher().toString());
    }

    @Test
    void zeroWeightDecayAndZeroLrScaleAreAllowed() {
        GroupRule r = GroupRule.builder("frozen", ParamMatcher.all()).weightDecay(0).lrScale(0).build();
        assertEquals(0.0, r.weightDecay().getAsDouble(), 0.0);
        assertEquals(0.0, r.lrScale(), 0.0);
    }

    @Test
    void invalidWeightDecayIsNamed() {
        GroupRule.Builder b = GroupRule.builder("emb", ParamMatcher.all());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.weightDecay(-0.01)), "'emb'", "-0.01");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.weightDecay(Double.NaN)), "NaN");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.weightDecay(Double.POSITIVE_INFINITY)),
                "Infinity");
    }

    @Test
    void invalidLrScaleIsNamed() {
        GroupRule.Builder b = GroupRule.builder("head", ParamMatcher.all());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.lrScale(-2)), "'head'", "-2.0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.lrScale(Double.NaN)), "NaN");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.lrScale(Double.NEGATIVE_INFINITY)),
                "-Infinity");
    }

    @Test
    void blankOrMissingNameIsRejected() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> GroupRule.builder("   ", ParamMatcher.all())), "blank", "'   '");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> GroupRule.builder("", ParamMatcher.all())), "''");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> GroupRule.builder(null, ParamMatcher.all())), "null");
    }

    @Test
    void nullMatcherAndNullRuleAreRejected() {
        assertThrows(NullPointerException.class, () -> GroupRule.builder("g", null));
        assertThrows(NullPointerException.class, () -> GroupRule.builder("g", ParamMatcher.all()).decayRule(null));
    }
}
