package dev.decaf.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Json} against Jackson (test scope only) as the independent reference, both directions. */
class JsonTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final ObjectMapper JACKSON_PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Test
    void writesWhatJacksonWritesAndReadsWhatItReads() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n = 0; n < 500; n++) {
            Object tree = randomValue(rnd, 0);
            String compact = JACKSON.writeValueAsString(tree);
            assertEquals(compact, Json.write(tree), "compact, tree " + n);
            assertEquals(JACKSON_PRETTY.writeValueAsString(tree), Json.pretty(tree), "pretty, tree " + n);
            Object back = Json.parse(compact);
            assertEquals(compact, JACKSON.writeValueAsString(back), "parse, tree " + n);
            assertEquals(compact, Json.write(Json.parse(Json.pretty(tree))), "pretty round trip, tree " + n);
        }
    }

    @Test
    void numbersKeepTheirKind() {
        List<?> l = (List<?>) Json.parse("[0, -7, 9223372036854775807, 9223372036854775808, 1.5, 1e-05, -0.0, 2E3]");
        assertEquals(List.of(0L, -7L, Long.MAX_VALUE, new BigInteger("9223372036854775808"), 1.5, 1e-5, -0.0, 2000.0), l);
        assertEquals("[1.0E-5,0.02,3]", Json.write(List.of(1e-5, 0.02f, 3)));
    }

    @Test
    void stringsAndEscapes() {
        String s = "a\"b\\c/\n\t\u0001é€😀";
        assertEquals(s, Json.parse(Json.write(s)));
        assertEquals("\"\\u0001\"", Json.write("\u0001"));
        assertEquals("é/😀", Json.parse("\"\\u00e9\\/\\ud83d\\ude00\""));
    }

    @Test
    void badInputNamesWhereAndWhat() {
        assertMessage("{\"a\":1,}", "expected a key in double quotes at line 1, column 8");
        assertMessage("{\"a\":1,\n\"a\":2}", "duplicate key 'a' at line 2, column 1");
        assertMessage("[1 2]", "expected ',' or ']' at line 1, column 4");
        assertMessage("01", "unexpected '1' after the value at line 1, column 2");
        assertMessage("{\"a\":tru}", "unexpected 't'");
        assertMessage("\"abc", "unexpected end of input, expected a closing '\"'");
        assertMessage("[1.]", "digits expected after '.'");
        assertMessage("\"a\nb\"", "control character in a string");
        assertMessage("", "unexpected end of input");
        assertMessage("[" .repeat(600), "nested more than 512 levels");
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    }

    private static void assertMessage(String json, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static Object randomValue(SplittableRandom rnd, int depth) {
        int kind = rnd.nextInt(depth > 3 ? 6 : 8);
        return switch (kind) {
            case 0 -> null;
            case 1 -> rnd.nextBoolean();
            case 2 -> rnd.nextLong() >> rnd.nextInt(64);
            case 3 -> rnd.nextBoolean() ? rnd.nextDouble() * Math.pow(10, rnd.nextInt(-12, 12)) : (double) rnd.nextInt(-5, 5);
            case 4 -> randomString(rnd);
            case 5 -> (float) rnd.nextDouble();
            case 6 -> {
                List<Object> l = new ArrayList<>();
                for (int k = rnd.nextInt(4); k > 0; k--) {
                    l.add(randomValue(rnd, depth + 1));
                }
                yield l;
            }
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int k = rnd.nextInt(4); k > 0; k--) {
                    m.put(randomString(rnd), randomValue(rnd, depth + 1));
                }
                yield m;
            }
        };
    }

    private static String randomString(SplittableRandom rnd) {
        String alphabet = "ab\"\\/\n\t\u0007 é€_.0";
        StringBuilder b = new StringBuilder();
        for (int k = rnd.nextInt(6); k > 0; k--) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
