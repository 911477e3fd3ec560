package dev.decaf.core.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Exhaustive and closed-form checks of the 16-bit conversions. */
class HalfFloatsTest {

    @Test
    void everyBf16AndF16ValueRoundTrips() {
        for (int bits = 0; bits < 65536; bits++) {
            short h = (short) bits;
            float b = HalfFloats.bf16ToFloat(h);
            if (!Float.isNaN(b)) {
                assertEquals(h, HalfFloats.floatToBf16(b), "bf16 " + Integer.toHexString(bits));
            }
            float f = HalfFloats.f16ToFloat(h);
            if (!Float.isNaN(f)) {
                assertEquals(h, HalfFloats.floatToF16(f), "f16 " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void knownValuesAndRoundingToNearestEven() {
        assertEquals(1.0f, HalfFloats.f16ToFloat((short) 0x3C00));
        assertEquals(-2.0f, HalfFloats.f16ToFloat((short) 0xC000));
        assertEquals(65504f, HalfFloats.f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat((short) 0x0001)); // smallest subnormal
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.f16ToFloat((short) 0x7C00));
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to even gives 1
        assertEquals((short) 0x3C00, HalfFloats.floatToF16(1f + 0x1p-11f));
        // 1 + 3·2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9: ties to even gives 1 + 2^-9
        assertEquals((short) 0x3C02, HalfFloats.floatToF16(1f + 3 * 0x1p-11f));
        assertEquals((short) 0x7C00, HalfFloats.floatToF16(65520f)); // rounds up to infinity
        assertEquals((short) 0x7BFF, HalfFloats.floatToF16(65519f));
        assertEquals((short) 0x0001, HalfFloats.floatToF16(0x1p-24f));
        assertEquals((short) 0x0000, HalfFloats.floatToF16(0x1p-26f));
        // bf16: 1 + 2^-8 is halfway between 1 and 1 + 2^-7: even is 1
        assertEquals((short) 0x3F80, HalfFloats.floatToBf16(1f + 0x1p-8f));
        assertEquals((short) 0x3F81, HalfFloats.floatToBf16(1f + 0x1p-8f + 0x1p-20f));
        assertEquals(3.140625f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16((float) Math.PI)));
    }
}
