package dev.decaf.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecayShapeTest {

    @Test
    void cosineRemaining() {
        assertEquals(1.0, DecayShape.COSINE.remaining(0), 0.0);
        assertEquals(0.5, DecayShape.COSINE.remaining(0.5), 1e-16);
        // ½(1 + cos(π/3)) = ½(1 + ½) = 0.75; ½(1 + cos(2π/3)) = 0.25
        assertEquals(0.75, DecayShape.COSINE.remaining(1.0 / 3), 1e-15);
        assertEquals(0.25, DecayShape.COSINE.remaining(2.0 / 3), 1e-15);
        assertEquals(0.0, DecayShape.COSINE.remaining(1), 0.0);
    }

    @Test
    void linearRemaining() {
        assertEquals(1.0, DecayShape.LINEAR.remaining(0), 0.0);
        assertEquals(0.75, DecayShape.LINEAR.remaining(0.25), 0.0);
        assertEquals(0.0, DecayShape.LINEAR.remaining(1), 0.0);
    }

    @Test
    void constantRemaining() {
        assertEquals(1.0, DecayShape.CONSTANT.remaining(0), 0.0);
        assertEquals(1.0, DecayShape.CONSTANT.remaining(0.7), 0.0);
        assertEquals(1.0, DecayShape.CONSTANT.remaining(1), 0.0);
    }

    @Test
    void parseIsCaseInsensitive() {
        assertSame(DecayShape.COSINE, DecayShape.parse("cosine"));
        assertSame(DecayShape.LINEAR, DecayShape.parse("Linear"));
        assertSame(DecayShape.CONSTANT, DecayShape.parse("CONSTANT"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecayShape.parse("exp"));
        assertTrue(e.getMessage().contains("'exp'"), e.getMessage());
    }
}
