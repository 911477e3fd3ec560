package dev.decaf.core.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Conversions between float32 and the 16-bit formats of checkpoints, element by element on
 * little-endian buffers. Widening is exact; narrowing rounds to nearest, ties to even (as PyTorch's
 * {@code .to(torch.float16 / torch.bfloat16)}), so F16/BF16 → F32 → F16/BF16 is the identity.
 *
 * <ul>
 *   <li>BF16: the upper 16 bits of a binary32 (Wang &amp; Kanwar 2019, "BFloat16");
 *   <li>F16: IEEE 754 binary16, 1 sign, 5 exponent (bias 15), 10 mantissa bits.
 * </ul>
 */
public final class HalfFloats {

    private HalfFloats() {}

    /** bfloat16 bits → float. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float → bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** IEEE binary16 bits → float (exact). */
    public static float f16ToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float value = mant * 0x1p-24f; // subnormal: mant · 2^-24, exact in float
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float → IEEE binary16 bits, round to nearest even, overflow to ±infinity. */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, correctly yielding the next binade or infinity
        }
        return (short) (sign | half);
    }

    /**
     * Widens {@code n} elements of a 16-bit buffer into a float32 buffer (both little-endian, from
     * their positions; positions unchanged).
     *
     * @param type F16 or BF16
     * @param src the 16-bit elements
     * @param dst the floats
     * @param n the count
     */
    public static void widen(DType type, ByteBuffer src, ByteBuffer dst, int n) {
        ByteBuffer s = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer d = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int sp = s.position();
        int dp = d.position();
        for (int i = 0; i < n; i++) {
            short h = s.getShort(sp + 2 * i);
            d.putFloat(dp + 4 * i, type == DType.BF16 ? bf16ToFloat(h) : f16ToFloat(h));
        }
    }

    /**
     * Narrows {@code n} floats into 16-bit elements (both little-endian, from their positions).
     *
     * @param type F16 or BF16
     * @param src the floats
     * @param dst the 16-bit elements
     * @param n the count
     */
    public static void narrow(DType type, ByteBuffer src, ByteBuffer dst, int n) {
        ByteBuffer s = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer d = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int sp = s.position();
        int dp = d.position();
        for (int i = 0; i < n; i++) {
            float f = s.getFloat(sp + 4 * i);
            d.putShort(dp + 2 * i, type == DType.BF16 ? floatToBf16(f) : floatToF16(f));
        }
    }
}
