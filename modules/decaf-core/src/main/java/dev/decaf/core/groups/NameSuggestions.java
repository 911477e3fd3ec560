package dev.decaf.core.groups;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tail of the "matches no parameter" error: the parameter names closest to what a group's
 * matcher asked for.
 *
 * <p>Each literal piece of the matcher ({@link ParamMatcher#nameParts()}, e.g. {@code attn} of the
 * glob {@code *.attn.*}) is compared with every run of as many dot-separated segments in every
 * parameter name, by the fewest edits that turn the piece into part of the run: a run containing
 * the piece is closest, the tightest first ({@code attn} → {@code self_attn}), then typos ({@code
 * slef_attn} → {@code self_attn}). The names holding the best run are listed, the first three in model order.
 * A matcher with no name pieces (kind, rank) gets the kinds the model has instead.
 */
final class NameSuggestions {

    /** How many example names the message lists. */
    static final int EXAMPLES = 3;

    private NameSuggestions() {}

    /**
     * Describes the closest names, as a message tail starting with {@code "; "}.
     *
     * @param matcher the matcher that matched nothing
     * @param params the model's parameters, in model order
     * @return the tail, empty without parameters
     */
    static String describe(ParamMatcher matcher, List<ParamInfo> params) {
        if (params.isEmpty()) {
            return "";
        }
        String best = closestRun(matcher.nameParts(), params);
        if (best == null) {
            Set<String> kinds = new LinkedHashSet<>();
            params.forEach(p -> kinds.add(p.kind().name().toLowerCase(Locale.ROOT)));
            return "; the model's parameters are of kinds " + String.join(", ", kinds)
                    + " (decaf groups --names lists every parameter; in code, ParamGroups.describeParameters())";
        }
        List<String> holders = params.stream().map(ParamInfo::name).filter(n -> runs(n, best).contains(best)).toList();
        String examples = String.join(", ", holders.subList(0, Math.min(EXAMPLES, holders.size())));
        String more = holders.size() > EXAMPLES ? " and " + (holders.size() - EXAMPLES) + " more" : "";
        return "; closest parameter names contain '" + best + "': " + examples + more
                + " (decaf groups --names lists every parameter; in code, ParamGroups.describeParameters())";
    }

    /**
     * Returns the run of name segments closest to any of the pieces, or null without pieces of at
     * least two characters.
     */
    static String closestRun(List<String> pieces, List<ParamInfo> params) {
        String best = null;
        double bestScore = Double.POSITIVE_INFINITY;
        for (String piece : pieces) {
            if (piece.length() < 2) {
                continue;
            }
            int k = piece.split("\\.", -1).length;
            for (ParamInfo p : params) {
                for (String run : runs(p.name(), k)) {
                    double s = score(piece, run);
                    if (s < bestScore) {
                        bestScore = s;
                        best = run;
                    }
                }
            }
        }
        return best;
    }

    /**
     * Lower is closer: the edits that turn the piece into some part of the run (0 when the run
     * contains it), ties broken by the shorter run.
     */
    static double score(String piece, String run) {
        return substringDistance(piece, run) + Math.abs(run.length() - piece.length()) / 1000.0;
    }

    /** The fewest edits turning {@code piece} into a substring of {@code text} (Sellers, 1980). */
    static int substringDistance(String piece, String text) {
        int[] prev = new int[text.length() + 1]; // row 0: a match may start anywhere in text
        int[] cur = new int[text.length() + 1];
        for (int i = 1; i <= piece.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= text.length(); j++) {
                int sub = prev[j - 1] + (piece.charAt(i - 1) == text.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        int best = Integer.MAX_VALUE;
        for (int d : prev) { // and end anywhere
            best = Math.min(best, d);
        }
        return best;
    }

    /** The runs of {@code k} consecutive dot-separated segments of a name. */
    private static List<String> runs(String name, int k) {
        String[] seg = name.split("\\.");
        List<String> out = new ArrayList<>();
        for (int i = 0; i + k <= seg.length; i++) {
            StringBuilder sb = new StringBuilder(seg[i]);
            for (int j = i + 1; j < i + k; j++) {
                sb.append('.').append(seg[j]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static List<String> runs(String name, String run) {
        return runs(name, run.split("\\.", -1).length);
    }
}
