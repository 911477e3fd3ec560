package dev.decaf.text.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class ByteLevelTest {

    @Test
    void tableIsGpt2BytesToUnicode() {
        Set<Character> chars = new HashSet<>();
        int identity = 0;
        for (int b = 0; b < 256; b++) {
            char c = ByteLevel.charOf(b);
            chars.add(c);
            assertEquals(b, ByteLevel.byteOf(c));
            if (c == b) {
                identity++;
            }
        }
        assertEquals(256, chars.size());
        assertEquals(188, identity, "printable bytes map to themselves");
        assertEquals('Ġ', ByteLevel.charOf(' '));
        assertEquals('Ċ', ByteLevel.charOf('\n'));
        assertEquals('ĉ', ByteLevel.charOf('\t'));
        assertEquals('Ā', ByteLevel.charOf(0));
        assertEquals('ġ', ByteLevel.charOf(0x7F));
        assertEquals('Ń', ByteLevel.charOf(0xAD));
        assertEquals(-1, ByteLevel.byteOf('Ņ'));
    }

    @Test
    void bytesRoundTrip() {
        Random rnd = new Random(7);
        for (int i = 0; i < 100; i++) {
            byte[] b = new byte[rnd.nextInt(50)];
            rnd.nextBytes(b);
            assertArrayEquals(b, ByteLevel.decode(ByteLevel.encode(b)));
        }
        assertEquals("ĠcafÃ©", ByteLevel.encode(" café"));
        assertArrayEquals("<|x|>".getBytes(StandardCharsets.UTF_8), ByteLevel.decode("<|x|>"));
        // A character outside the table: taken literally, as Hugging Face's decoder does.
        assertArrayEquals("ab€".getBytes(StandardCharsets.UTF_8), ByteLevel.decode("ab€"));
    }

    @Test
    void gpt2PreTokenization() {
        assertEquals(List.of("Hello", ",", " world", "'s", " 123", " ", " foo", "!!", "\n\n \t", " bar"),
                split("Hello, world's 123  foo!!\n\n \t bar"));
        // Contractions are case-sensitive, as in GPT-2.
        assertEquals(List.of("I", "'ll", " don", "'t", " DON", "'", "T"), split("I'll don't DON'T"));
        // Unicode whitespace (NBSP, ideographic space) is \s, as in Oniguruma.
        // The optional prefix is an ASCII space only.
        assertEquals(List.of("a", "\u00A0", "\u3000", "b"), split("a\u00A0\u3000b"));
        assertEquals(List.of("日本語", "。"), split("日本語。"));
        assertEquals(List.of("  ", " x"), split("   x"));
        assertEquals(List.of("x", "   "), split("x   "));
    }

    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = ByteLevel.PATTERN.matcher(s);
        int end = 0;
        while (m.find()) {
            assertEquals(end, m.start(), "the regex covers the whole text");
            out.add(m.group());
            end = m.end();
        }
        assertEquals(s.length(), end);
        return out;
    }
}
