package dev.decaf.text.data.builtin;

import dev.decaf.text.data.builtin.Lexicon.Noun;
import dev.decaf.text.data.builtin.Lexicon.Verb;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * The built-in pretraining corpus: lower-case English-like text from a small grammar over the
 * {@link Lexicon} (about 300 words), one paragraph per line. What a tiny model can learn from it
 * in a few minutes, and what the fine-tuning task ({@link RecallTask}) builds on.
 *
 * <p>Five kinds of paragraph, drawn with fixed weights (share of paragraphs):
 * <ul>
 *   <li><b>scene</b> (35%): one to four sentences with agreement, adjectives, places and tense —
 *       {@code "two small cats sleep near the river. yesterday tom found an old key."};</li>
 *   <li><b>story</b> (30%): two to four people each get a thing, then one or two sentences refer
 *       back to one of them, and the thing is only predictable by remembering who had what —
 *       {@code "tom has a red ball. mia wants a cup. then mia drops the cup."}; plus the reverse
 *       ({@code "the red ball belongs to tom."}) and {@code "the thing mia wants is the cup."}.
 *       This is the in-context recall (an induction-head skill) that the task asks for;</li>
 *   <li><b>arithmetic</b> (15%): {@code "7 plus 5 is 12."}, minus, times, number words,
 *       successor and predecessor, comparisons, one-line word problems;</li>
 *   <li><b>lists</b> (10%): runs of days, months, numbers, letters; enumerations;</li>
 *   <li><b>spelling</b> (10%): {@code "lamp is spelled l a m p."}, letter counts, first and last
 *       letters, words backwards.</li>
 * </ul>
 *
 * <p>The corpus never contains capital letters, {@code ':'} or the task's {@code "Q:"}/{@code
 * "A:"} layout, so a model pretrained on it has the recall skill but not the task's format.
 */
final class PretrainCorpus {

    static final double[] KIND_WEIGHTS = {0.35, 0.30, 0.15, 0.10, 0.10};

    private final SplitMix64 rng;

    PretrainCorpus(SplitMix64 rng) {
        this.rng = rng;
    }

    /**
     * Writes whole paragraphs, one a line, until at least {@code targetBytes} bytes are written.
     *
     * @return the bytes written (the text is ASCII: one byte a char)
     */
    long write(Writer out, long targetBytes) throws IOException {
        long written = 0;
        StringBuilder line = new StringBuilder(256);
        while (written < targetBytes) {
            line.setLength(0);
            paragraph(line);
            line.append('\n');
            out.append(line);
            written += line.length();
        }
        return written;
    }

    /** Appends one paragraph (no line break). */
    void paragraph(StringBuilder sb) {
        switch (rng.weighted(KIND_WEIGHTS)) {
            case 0 -> scene(sb);
            case 1 -> story(sb);
            case 2 -> arithmetic(sb);
            case 3 -> lists(sb);
            default -> spelling(sb);
        }
    }

    /** Returns a paragraph as a string (for tests and samples). */
    String paragraph() {
        StringBuilder sb = new StringBuilder();
        paragraph(sb);
        return sb.toString();
    }

    // ---------------------------------------------------------------- scenes

    /** A subject: its words and whether it is plural. */
    private record Subject(String text, boolean plural) {}

    private Subject subject() {
        switch (rng.nextInt(6)) {
            case 0, 1:
                return new Subject(rng.pick(Lexicon.NAMES), false);
            case 2: {
                Noun a = rng.pick(Lexicon.ANIMALS);
                return new Subject("the " + adjective(0.5) + a.one(), false);
            }
            case 3: {
                Noun a = rng.pick(Lexicon.ANIMALS);
                return new Subject(Lexicon.NUMBERS.get(rng.between(2, 12)) + " " + adjective(0.3) + a.many(), true);
            }
            case 4: {
                Noun a = rng.pick(Lexicon.ANIMALS);
                return new Subject("the " + adjective(0.4) + a.many(), true);
            }
            default: {
                int[] two = rng.distinct(Lexicon.NAMES.size(), 2);
                return new Subject(Lexicon.NAMES.get(two[0]) + " and " + Lexicon.NAMES.get(two[1]), true);
            }
        }
    }

    /** An adjective and a space with probability p, else "". */
    private String adjective(double p) {
        return rng.chance(p) ? rng.pick(Lexicon.ADJECTIVES) + " " : "";
    }

    /** "a red cup", "an old hat", "three boxes", "the small bell". */
    private String object() {
        Noun t = rng.pick(Lexicon.THINGS);
        switch (rng.nextInt(4)) {
            case 0, 1: {
                String adj = adjective(0.5);
                return Lexicon.article(adj.isEmpty() ? t.one() : adj) + " " + adj + t.one();
            }
            case 2:
                return Lexicon.NUMBERS.get(rng.between(2, 12)) + " " + adjective(0.3) + t.many();
            default:
                return "the " + adjective(0.5) + t.one();
        }
    }

    private String place() {
        return rng.pick(Lexicon.PREPOSITIONS) + " the " + rng.pick(Lexicon.PLACES);
    }

    private static String present(Verb v, Subject s) {
        return s.plural() ? v.base() : v.third();
    }

    private void scene(StringBuilder sb) {
        int n = rng.between(1, 4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sceneSentence(sb);
        }
    }

    private void sceneSentence(StringBuilder sb) {
        Subject s = subject();
        switch (rng.nextInt(10)) {
            case 0 -> sb.append(s.text()).append(' ').append(present(rng.pick(Lexicon.MOVES), s))
                    .append(rng.chance(0.6) ? " " + place() : "").append('.');
            case 1 -> sb.append(s.text()).append(' ').append(present(rng.pick(Lexicon.HAVING), s))
                    .append(' ').append(object()).append(rng.chance(0.3) ? " " + place() : "").append('.');
            case 2 -> sb.append(s.text()).append(s.plural() ? " are " : " is ")
                    .append(rng.chance(0.5) ? rng.pick(Lexicon.MOODS) : rng.pick(Lexicon.ADJECTIVES)).append('.');
            case 3 -> {
                Noun t = rng.pick(Lexicon.THINGS);
                if (rng.chance(0.5)) {
                    String adj = rng.pick(Lexicon.ADJECTIVES);
                    sb.append("there is ").append(Lexicon.article(adj)).append(' ').append(adj).append(' ')
                            .append(t.one());
                } else {
                    sb.append("there are ").append(Lexicon.NUMBERS.get(rng.between(2, 12))).append(' ')
                            .append(t.many());
                }
                sb.append(' ').append(place()).append('.');
            }
            case 4 -> {
                String opener = rng.pick(List.of("today", "in the morning", "at night", "every day", "now"));
                sb.append(opener).append(' ').append(s.text()).append(' ')
                        .append(present(rng.pick(Lexicon.MOVES), s)).append(' ').append(place()).append('.');
            }
            case 5 -> {
                Verb v = rng.pick(rng.chance(0.5) ? Lexicon.MOVES : Lexicon.HAVING);
                sb.append("yesterday ").append(s.text()).append(' ').append(v.past());
                if (Lexicon.HAVING.contains(v)) {
                    sb.append(' ').append(object());
                } else {
                    sb.append(' ').append(place());
                }
                sb.append('.');
            }
            case 6 -> {
                String who = rng.pick(Lexicon.NAMES);
                sb.append(s.text()).append(' ').append(present(rng.pick(Lexicon.MOVES), s)).append(" because ")
                        .append(who).append(" is ").append(rng.pick(Lexicon.MOODS)).append('.');
            }
            case 7 -> {
                Subject t = subject();
                sb.append(s.text()).append(' ').append(present(rng.pick(Lexicon.MOVES), s)).append(" and ")
                        .append(t.text()).append(' ').append(present(rng.pick(Lexicon.MOVES), t)).append('.');
            }
            case 8 -> sb.append(s.text()).append(s.plural() ? " do not " : " does not ")
                    .append(rng.pick(Lexicon.MOVES).base()).append(rng.chance(0.5) ? " " + place() : "").append('.');
            default -> {
                Noun a = rng.pick(rng.chance(0.5) ? Lexicon.ANIMALS : Lexicon.THINGS);
                String adj = rng.pick(Lexicon.ADJECTIVES);
                sb.append("what ").append(Lexicon.article(adj)).append(' ').append(adj).append(' ').append(a.one())
                        .append('.');
            }
        }
    }

    // ---------------------------------------------------------------- stories

    private void story(StringBuilder sb) {
        int k = rng.between(2, 4);
        int[] who = rng.distinct(Lexicon.NAMES.size(), k);
        int[] what = rng.distinct(Lexicon.THINGS.size(), k);
        String[] names = new String[k];
        String[] things = new String[k]; // "red cup" or "cup"
        Verb[] verbs = new Verb[k];
        for (int i = 0; i < k; i++) {
            names[i] = Lexicon.NAMES.get(who[i]);
            things[i] = adjective(0.5) + Lexicon.THINGS.get(what[i]).one();
            verbs[i] = rng.pick(Lexicon.HAVING);
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(names[i]).append(' ').append(verbs[i].third()).append(' ').append(Lexicon.article(things[i]))
                    .append(' ').append(things[i]).append('.');
        }
        int recalls = rng.between(1, 2);
        for (int r = 0; r < recalls; r++) {
            int i = rng.nextInt(k);
            sb.append(' ');
            switch (rng.nextInt(6)) {
                case 0 -> sb.append("then ").append(names[i]).append(' ').append(rng.pick(Lexicon.ACTIONS).third())
                        .append(" the ").append(things[i]).append('.');
                case 1 -> sb.append("later ").append(names[i]).append(' ').append(rng.pick(Lexicon.ACTIONS).past())
                        .append(" the ").append(things[i]).append('.');
                case 2 -> sb.append(names[i]).append(' ').append(rng.pick(Lexicon.ACTIONS).third()).append(" the ")
                        .append(things[i]).append(' ').append(place()).append('.');
                case 3 -> sb.append("the ").append(things[i]).append(" belongs to ").append(names[i]).append('.');
                case 4 -> sb.append("the thing ").append(names[i]).append(' ').append(verbs[i].third())
                        .append(" is the ").append(things[i]).append('.');
                default -> sb.append("so ").append(names[i]).append(" is ").append(rng.pick(Lexicon.MOODS))
                        .append(" with the ").append(things[i]).append('.');
            }
        }
    }

    // ---------------------------------------------------------------- arithmetic

    private void arithmetic(StringBuilder sb) {
        int n = rng.between(2, 5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            arithmeticFact(sb);
        }
    }

    private void arithmeticFact(StringBuilder sb) {
        switch (rng.nextInt(8)) {
            case 0, 1 -> {
                int a = rng.between(0, 20);
                int b = rng.between(0, 20);
                sb.append(a).append(" plus ").append(b).append(" is ").append(a + b).append('.');
            }
            case 2 -> {
                int a = rng.between(0, 20);
                int b = rng.between(0, a);
                sb.append(a).append(" minus ").append(b).append(" is ").append(a - b).append('.');
            }
            case 3 -> {
                int a = rng.between(0, 9);
                int b = rng.between(0, 9);
                sb.append(a).append(" times ").append(b).append(" is ").append(a * b).append('.');
            }
            case 4 -> {
                int a = rng.between(0, 12);
                int b = rng.between(0, 12 - a);
                sb.append(Lexicon.NUMBERS.get(a)).append(" plus ").append(Lexicon.NUMBERS.get(b)).append(" is ")
                        .append(Lexicon.NUMBERS.get(a + b)).append('.');
            }
            case 5 -> {
                int a = rng.between(1, 98);
                if (rng.chance(0.5)) {
                    sb.append("the number after ").append(a).append(" is ").append(a + 1).append('.');
                } else {
                    sb.append("the number before ").append(a).append(" is ").append(a - 1).append('.');
                }
            }
            case 6 -> {
                int a = rng.between(0, 50);
                int b = rng.between(0, 50);
                if (a == b) {
                    sb.append(a).append(" is equal to ").append(b).append('.');
                } else {
                    sb.append(a).append(a > b ? " is more than " : " is less than ").append(b).append('.');
                }
            }
            default -> {
                String who = rng.pick(Lexicon.NAMES);
                Noun t = rng.pick(Lexicon.THINGS);
                int a = rng.between(2, 6);
                int b = rng.between(1, 6);
                sb.append(who).append(" has ").append(Lexicon.NUMBERS.get(a)).append(' ').append(t.many())
                        .append(" and gets ").append(Lexicon.NUMBERS.get(b)).append(" more, so ").append(who)
                        .append(" has ").append(Lexicon.NUMBERS.get(a + b)).append(' ').append(t.many()).append('.');
            }
        }
    }

    // ---------------------------------------------------------------- lists

    private void lists(StringBuilder sb) {
        int n = rng.between(1, 3);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            listItem(sb);
        }
    }

    private void listItem(StringBuilder sb) {
        switch (rng.nextInt(7)) {
            case 0 -> run(sb, Lexicon.DAYS, true, ", ");
            case 1 -> run(sb, Lexicon.MONTHS, true, ", ");
            case 2 -> run(sb, Lexicon.NUMBERS.subList(1, Lexicon.NUMBERS.size()), false, ", ");
            case 3 -> run(sb, Lexicon.LETTERS, false, " ");
            case 4 -> {
                int from = rng.between(0, 90);
                int to = from + rng.between(3, 8);
                sb.append("count from ").append(from).append(" to ").append(to).append('.');
                for (int i = from; i <= to; i++) {
                    sb.append(' ').append(i);
                }
                sb.append('.');
            }
            case 5 -> {
                int[] c = rng.distinct(6, 3); // the six colours lead ADJECTIVES
                sb.append("the colors are ").append(Lexicon.ADJECTIVES.get(c[0])).append(", ")
                        .append(Lexicon.ADJECTIVES.get(c[1])).append(" and ").append(Lexicon.ADJECTIVES.get(c[2]))
                        .append('.');
            }
            default -> {
                int k = rng.between(2, 4);
                int[] t = rng.distinct(Lexicon.THINGS.size(), k);
                sb.append(rng.pick(Lexicon.NAMES)).append(" has ");
                for (int i = 0; i < k; i++) {
                    String one = Lexicon.THINGS.get(t[i]).one();
                    if (i > 0) {
                        sb.append(i == k - 1 ? " and " : ", ");
                    }
                    sb.append(Lexicon.article(one)).append(' ').append(one);
                }
                sb.append('.');
            }
        }
    }

    /** A run of 3–7 consecutive items, wrapping around when {@code cyclic}. */
    private void run(StringBuilder sb, List<String> items, boolean cyclic, String sep) {
        int len = rng.between(3, Math.min(7, items.size()));
        int start = rng.nextInt(cyclic ? items.size() : items.size() - len + 1);
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                sb.append(sep);
            }
            sb.append(items.get((start + i) % items.size()));
        }
        sb.append('.');
    }

    // ---------------------------------------------------------------- spelling

    private void spelling(StringBuilder sb) {
        int n = rng.between(1, 3);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            spellingFact(sb);
        }
    }

    private String anyWord() {
        return switch (rng.nextInt(5)) {
            case 0 -> rng.pick(Lexicon.THINGS).one();
            case 1 -> rng.pick(Lexicon.ANIMALS).one();
            case 2 -> rng.pick(Lexicon.PLACES);
            case 3 -> rng.pick(Lexicon.ADJECTIVES);
            default -> rng.pick(Lexicon.NAMES);
        };
    }

    private void spellingFact(StringBuilder sb) {
        String w = anyWord();
        switch (rng.nextInt(4)) {
            case 0 -> sb.append(w).append(" is spelled ").append(spaced(w, false)).append('.');
            case 1 -> sb.append("the word ").append(w).append(" has ").append(w.length()).append(" letters.");
            case 2 -> sb.append(w).append(" starts with ").append(w.charAt(0)).append(" and ends with ")
                    .append(w.charAt(w.length() - 1)).append('.');
            default -> sb.append(w).append(" backwards is ").append(spaced(w, true)).append('.');
        }
    }

    /** "l a m p", or "p m a l" when reversed. */
    static String spaced(String w, boolean reversed) {
        StringBuilder sb = new StringBuilder(2 * w.length());
        for (int i = 0; i < w.length(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(w.charAt(reversed ? w.length() - 1 - i : i));
        }
        return sb.toString();
    }

    /** Writes to a string, for tests. */
    static String sample(long seed, int paragraphs) {
        PretrainCorpus c = new PretrainCorpus(new SplitMix64(seed));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < paragraphs; i++) {
            c.paragraph(sb);
            sb.append('\n');
        }
        return sb.toString();
    }
}
