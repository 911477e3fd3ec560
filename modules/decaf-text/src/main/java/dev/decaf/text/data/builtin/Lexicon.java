package dev.decaf.text.data.builtin;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of the built-in corpora (about 300, all lower-case ASCII) and their forms. Small on
 * purpose: a byte-level BPE of 512–1024 tokens then keeps most words whole, and a tiny model sees
 * every word thousands of times.
 */
final class Lexicon {

    private Lexicon() {}

    /** A noun with its plural. */
    record Noun(String one, String many) {}

    /** A verb: third person singular present, base form, simple past. */
    record Verb(String third, String base, String past) {}

    /** Short names, one token each in any BPE trained on the corpus; the task's people. */
    static final List<String> NAMES = List.of(
            "tom", "mia", "ben", "ann", "sam", "eva", "max", "zoe", "leo", "amy", "dan", "kim",
            "joe", "liz", "ted", "ivy", "roy", "fay", "ned", "una", "gus", "ada", "ian", "meg");

    /** Things people own, hold, want: the task's answers. */
    static final List<Noun> THINGS = nouns(
            "ball", "cup", "hat", "key", "box", "book", "pen", "lamp", "coat", "bag", "drum", "kite",
            "boat", "shoe", "sock", "ring", "map", "bell", "clock", "chair", "spoon", "cake", "apple",
            "jar", "shell", "stone", "flag", "doll", "brush", "plate", "bowl", "fork");

    static final List<Noun> ANIMALS = nouns(
            "cat", "dog", "fox", "owl", "bird", "frog", "duck", "bear", "goat", "cow", "pig", "hen",
            "mouse:mice", "horse", "sheep:sheep", "wolf:wolves");

    static final List<String> PLACES = List.of(
            "park", "house", "garden", "river", "school", "shop", "farm", "hill", "forest", "lake",
            "road", "town", "kitchen", "beach", "field", "room");

    /** Adjectives that describe things and animals. */
    static final List<String> ADJECTIVES = List.of(
            "red", "blue", "green", "yellow", "black", "white", "big", "small", "old", "new", "soft",
            "warm", "long", "round");

    /** Adjectives that describe how someone feels. */
    static final List<String> MOODS = List.of(
            "happy", "sad", "tired", "hungry", "busy", "calm", "glad", "sleepy");

    /** Verbs without an object. */
    static final List<Verb> MOVES = verbs(
            "runs run ran", "walks walk walked", "sleeps sleep slept", "sings sing sang",
            "jumps jump jumped", "plays play played", "swims swim swam", "sits sit sat",
            "waits wait waited", "rests rest rested");

    /** Verbs of having: the facts of the recall stories and of the task. */
    static final List<Verb> HAVING = verbs(
            "has have had", "wants want wanted", "sees see saw", "likes like liked",
            "holds hold held", "finds find found", "needs need needed", "buys buy bought",
            "makes make made", "gets get got");

    /** Verbs done to a thing someone has: the recall sentences of the stories. */
    static final List<Verb> ACTIONS = verbs(
            "drops drop dropped", "washes wash washed", "paints paint painted", "hides hide hid",
            "loses lose lost", "cleans clean cleaned", "shows show showed", "opens open opened",
            "carries carry carried", "throws throw threw", "keeps keep kept", "sells sell sold");

    static final List<String> PREPOSITIONS = List.of("in", "near", "by", "behind", "at");

    /** Number words; index = value. */
    static final List<String> NUMBERS = List.of(
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve");

    static final List<String> DAYS = List.of(
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");

    static final List<String> MONTHS = List.of(
            "january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december");

    static final List<String> LETTERS = List.of(
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
            "s", "t", "u", "v", "w", "x", "y", "z");

    /** The colours: the first six {@link #ADJECTIVES}. */
    static final List<String> COLORS = ADJECTIVES.subList(0, 6);

    /**
     * A kind of word: its name ("animal") and members. No word belongs to two categories. (Used by
     * {@link CategoryTask} only; the pretraining corpus does not read it.)
     */
    record Category(String name, List<String> words) {

        /** "an animal", "a color". */
        String withArticle() {
            return article(name) + " " + name;
        }
    }

    /** The categories of the {@code category} task, {@code thing} last (never asked, only offered). */
    static final List<Category> CATEGORIES = List.of(
            new Category("animal", ANIMALS.stream().map(Noun::one).toList()),
            new Category("color", COLORS),
            new Category("place", PLACES),
            new Category("name", NAMES),
            new Category("number", NUMBERS.subList(1, NUMBERS.size())),
            new Category("day", DAYS),
            new Category("month", MONTHS),
            new Category("thing", THINGS.stream().map(Noun::one).toList()));

    /** Returns "a" or "an" for the word that follows. */
    static String article(String next) {
        return "aeiou".indexOf(next.charAt(0)) >= 0 ? "an" : "a";
    }

    /** Regular English plural: -es after s, x, z, ch, sh; -ies after consonant + y; else -s. */
    static String plural(String one) {
        if (one.endsWith("s") || one.endsWith("x") || one.endsWith("z") || one.endsWith("ch")
                || one.endsWith("sh")) {
            return one + "es";
        }
        if (one.endsWith("y") && one.length() > 1 && "aeiou".indexOf(one.charAt(one.length() - 2)) < 0) {
            return one.substring(0, one.length() - 1) + "ies";
        }
        return one + "s";
    }

    /** {@code "word"} or {@code "word:irregular-plural"}. */
    private static List<Noun> nouns(String... specs) {
        List<Noun> out = new ArrayList<>(specs.length);
        for (String s : specs) {
            int colon = s.indexOf(':');
            out.add(colon < 0 ? new Noun(s, plural(s)) : new Noun(s.substring(0, colon), s.substring(colon + 1)));
        }
        return List.copyOf(out);
    }

    private static List<Verb> verbs(String... specs) {
        List<Verb> out = new ArrayList<>(specs.length);
        for (String s : specs) {
            String[] f = s.split(" ");
            out.add(new Verb(f[0], f[1], f[2]));
        }
        return List.copyOf(out);
    }
}
