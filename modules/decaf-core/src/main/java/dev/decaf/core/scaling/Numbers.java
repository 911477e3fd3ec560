package dev.decaf.core.scaling;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How the calculator writes numbers in formulas and tables: short, and the same on every machine. */
public final class Numbers {

    private Numbers() {}

    /** Significant digits of a derived number ({@code 0.001684}). */
    static final int DIGITS = 4;

    /**
     * Writes a number with {@link #DIGITS} significant digits: integers up to 10⁷ as integers,
     * {@code 0.001684}, {@code 1.234e-07} below 10⁻⁴ and from 10⁷ on, {@code ∞} for infinity.
     *
     * @param x the number
     * @return the text
     */
    public static String fmt(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? "∞" : "-∞";
        } else if (Double.isNaN(x)) {
            return "NaN";
        } else if (x == Math.rint(x) && Math.abs(x) < 1e7) {
            return Long.toString((long) x);
        }
        double a = Math.abs(x);
        if (a < 1e-4 || a >= 1e7) {
            return String.format(Locale.ROOT, "%." + (DIGITS - 1) + "e", x);
        }
        return new BigDecimal(x).round(new MathContext(DIGITS)).stripTrailingZeros().toPlainString();
    }

    /**
     * Writes an input as given: its shortest exact decimal ({@code 0.002}, {@code 3.0e-4} as
     * {@code 3e-4}), integers without a fraction.
     *
     * @param x the number
     * @return the text
     */
    public static String plain(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return fmt(x);
        } else if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        String s = Double.toString(x);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return mantissa + "e" + s.substring(e + 1);
    }
}
