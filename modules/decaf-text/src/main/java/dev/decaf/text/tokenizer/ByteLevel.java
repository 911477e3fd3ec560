package dev.decaf.text.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * GPT-2's byte level (Radford et al. 2019), as Hugging Face's {@code ByteLevel} pre-tokenizer and
 * decoder implement it: text is split into pre-tokens ("words") with the GPT-2 regex
 * <pre>
 * 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * </pre>
 * (with {@code \s} the Unicode White_Space property, as in Oniguruma), each pre-token is encoded to
 * UTF-8 and every byte is written as one printable character by GPT-2's {@code bytes_to_unicode}
 * table: the 188 bytes {@code !}..{@code ~}, {@code ¡}..{@code ¬} and {@code ®}..{@code ÿ} map to
 * the character with the same code point; the other 68 bytes (controls, space, DEL, NBSP, soft
 * hyphen), in increasing order, map to U+0100, U+0101, … (so space becomes {@code Ġ} U+0120 and
 * newline {@code Ċ} U+010A). Every byte sequence, hence every UTF-8 text, has a representation, so
 * a byte-level vocabulary never needs an unknown token.
 */
public final class ByteLevel {

    /** The GPT-2 pre-tokenization regex, in Java syntax with Unicode {@code \s}. */
    public static final Pattern PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[256 + 68];

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + n++);
        }
        Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteLevel() {
    }

    /**
     * Returns the printable character that stands for a byte.
     *
     * @param b the byte (its low 8 bits are used)
     * @return the character
     */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /**
     * Returns the byte a byte-level character stands for.
     *
     * @param c the character
     * @return the byte value 0..255, or -1 when {@code c} is not in the table
     */
    public static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /**
     * Writes bytes as byte-level characters.
     *
     * @param bytes the bytes
     * @return one character per byte
     */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * Writes the UTF-8 encoding of a text as byte-level characters.
     *
     * @param text the text
     * @return one character per UTF-8 byte
     */
    public static String encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads byte-level characters back to bytes. Like Hugging Face's decoder, a string with a
     * character outside the table is taken literally (its UTF-8 bytes).
     *
     * @param s byte-level characters
     * @return the bytes
     */
    public static byte[] decode(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            int b = byteOf(s.charAt(i));
            if (b < 0) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
