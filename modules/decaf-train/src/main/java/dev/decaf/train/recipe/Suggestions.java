package dev.decaf.train.recipe;

import dev.decaf.train.recipe.Schema.Field;
import dev.decaf.train.recipe.Schema.Section;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** "Did you mean" hints: the nearest candidate by edit distance, and what to say about an unknown key. */
public final class Suggestions {

    private Suggestions() {}

    /**
     * Returns the optimal-string-alignment distance between two strings: insertions, deletions,
     * substitutions and transpositions of adjacent characters each cost 1 (so {@code stpes} is 1
     * from {@code steps}).
     *
     * @param a one string
     * @param b the other
     * @return the distance
     */
    static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }

    /**
     * Returns the candidate nearest to {@code word}, or null when none is close: within 1 edit
     * for words of up to 4 characters, within 2 for longer ones (case is ignored). Ties go to the
     * earlier candidate.
     *
     * @param word the unknown word
     * @param candidates the known words, in preference order
     * @return the suggestion or null
     */
    public static String nearest(String word, Collection<String> candidates) {
        String w = word.toLowerCase(Locale.ROOT);
        int limit = w.length() <= 4 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance && d <= limit && d < Math.max(w.length(), 1)) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /**
     * Says what is wrong with an unknown key of a section, and what was probably meant: the
     * nearest key of the section; else, in the top-level section and the sections directly below
     * it, the same key in another of them, a key that other tools call this ({@link Key#otherNames}),
     * or the nearest key of another; else the section's keys.
     *
     * @param key the unknown key
     * @param s the section it was found in
     * @return the message
     */
    static String unknownKey(String key, Section s) {
        String head = "unknown key '" + key + "'";
        String near = nearest(key, s.keys());
        if (near != null) {
            return head + " (did you mean '" + near + "'?)";
        }
        List<Section> top = Schema.top();
        boolean across = top.stream().anyMatch(t -> t == s);
        List<Section> others = across ? top.stream().filter(t -> t != s).toList() : List.of();
        String lower = key.toLowerCase(Locale.ROOT);
        String elsewhere = others.stream().map(o -> o.field(key)).filter(f -> f != null).map(Field::path)
                .findFirst()
                .or(() -> (across ? top : List.of(s)).stream().flatMap(t -> t.fields().stream())
                        .filter(f -> Arrays.asList(f.spec().otherNames()).contains(lower)).map(Field::path).findFirst())
                .or(() -> others.stream().map(o -> {
                    String n = nearest(key, o.keys());
                    return n == null ? null : o.field(n).path();
                }).filter(p -> p != null).findFirst())
                .orElse(null);
        if (elsewhere == null) {
            return head + " (expected one of: " + String.join(", ", s.keys()) + ")";
        }
        String prefix = s.path().isEmpty() ? "" : s.path() + ".";
        if (elsewhere.startsWith(prefix) && elsewhere.indexOf('.', prefix.length()) < 0) {
            elsewhere = elsewhere.substring(prefix.length());
        } else if (!elsewhere.contains(".")) {
            return head + " (did you mean the top-level key '" + elsewhere + "'?)";
        }
        return head + " (did you mean '" + elsewhere + "'?)";
    }
}
