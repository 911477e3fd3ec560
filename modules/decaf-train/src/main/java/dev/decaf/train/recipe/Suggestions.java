package dev.decaf.train.recipe;

import java.util.Collection;

/** "Did you mean" hints: the nearest candidate by edit distance. */
final class Suggestions {

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
    static String nearest(String word, Collection<String> candidates) {
        String w = word.toLowerCase(java.util.Locale.ROOT);
        int limit = w.length() <= 4 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance && d <= limit && d < Math.max(w.length(), 1)) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }
}
