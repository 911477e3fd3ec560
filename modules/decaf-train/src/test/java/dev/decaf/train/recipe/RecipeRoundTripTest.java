package dev.decaf.train.recipe;

import static dev.decaf.train.recipe.RecipeTesting.MINIMAL;
import static dev.decaf.train.recipe.RecipeTesting.parse;
import static dev.decaf.train.recipe.RecipeTesting.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeRoundTripTest {

    @Test
    void theResolvedYamlParsesBackToAnEqualRecipe() {
        for (String name : List.of("minimal.yaml", "full.yaml")) {
            Recipe r = parse(resource(name));
            Recipe again = parse(r.toYaml());
            assertEquals(r, again, name);
            assertEquals(r.toYaml(), again.toYaml(), name);
            assertEquals(r.hash(), again.hash(), name);
        }
    }

    @Test
    void theFullRecipeKeepsEveryValue() {
        Recipe r = parse(resource("full.yaml"));
        assertEquals(List.of("Once upon a time", "yes", "123", "tab\there \"quoted\"", "ünïcode: ok", ""),
                r.generate().prompts());
        assertEquals("runs/full run", r.out().toString());
        assertEquals(3, r.optimizer().groups().list().size());
        assertEquals("q_proj|k_proj", r.optimizer().groups().list().get(2).match().nameRegex());
        assertEquals(List.of("a.weight", "b weight"), r.optimizer().groups().list().get(2).match().names());
        String yaml = r.toYaml();
        assertTrue(yaml.contains("    - \"yes\"\n"), "YAML 1.1 booleans are quoted:\n" + yaml);
        assertTrue(yaml.contains("    - \"123\"\n"), yaml);
        assertTrue(yaml.contains("    - \"tab\\there \\\"quoted\\\"\"\n"), yaml);
        assertTrue(yaml.contains("      match: {name_glob: \"*.self_attn.*\", name_regex: \"q_proj|k_proj\","
                + " names: [a.weight, \"b weight\"], ndim_below: 3}\n"), yaml);
        assertTrue(yaml.contains("  steps: 1000\n"), yaml);
    }

    @Test
    void awkwardStringsRoundTrip() {
        List<String> prompts = List.of("null", "~", "true", "False", "0x1f", "1e3", ".inf", "-", "- x", "a: b", "#c",
                "x #y", "'q'", "\"", "\\", "[a]", "{b}", "*alias", "&anchor", "!tag", "%dir", "@at", "`tick`", "|",
                ">", "? k", "line\nbreak", "\u0007bell", "\u2028sep", "emoji \uD83D\uDE00", " lead", "trail ", "");
        StringBuilder list = new StringBuilder("generate:\n  prompts:\n");
        for (String p : prompts) {
            list.append("    - ").append(RecipeYaml.str(p, false)).append('\n');
        }
        Recipe r = parse(MINIMAL + list + "task: \"null\"\n");
        assertEquals(prompts, r.generate().prompts());
        assertEquals("null", r.task());
        assertEquals(r, parse(r.toYaml()));
        for (String s : prompts) {
            Recipe g = parse(MINIMAL + "optimizer:\n  groups:\n    - name: " + RecipeYaml.str(s.isEmpty() ? "e" : s, false)
                    + "\n      match: {names: [" + RecipeYaml.str(s.isEmpty() ? "e" : s, true) + "]}\n");
            assertEquals(g, parse(g.toYaml()), s);
        }
    }

    @Test
    void hashIgnoresKeyOrderCommentsAndSpelledOutDefaults() {
        Recipe a = parse(MINIMAL);
        Recipe b = parse("""
                # the same run, written differently
                out: runs/x          # output
                train: {steps: 1e2, batch_size: 8}
                data:
                  format: auto
                  train: "builtin:shakespeare"
                optimizer: {lr: 0.0003, groups: standard}
                model: ./models/../models/gpt2-tiny.json
                """);
        assertEquals(a, b);
        assertEquals(a.hash(), b.hash());
        assertEquals(64, a.hash().length());
        assertTrue(a.hash().matches("[0-9a-f]{64}"));
        assertEquals(a.hash(), parse(MINIMAL).hash(), "stable across parses");
    }

    @Test
    void hashChangesWithAnySetting() {
        String h = parse(MINIMAL).hash();
        for (String o : List.of("train.steps=101", "optimizer.lr=3.1e-4", "train.seed=1", "out=runs/y",
                "generate.prompts=[a]", "optimizer.groups=llm", "data.validation_fraction=0.1",
                "data.fraction=0.5")) {
            assertNotEquals(h, parse(MINIMAL, o).hash(), o);
        }
    }

    @Test
    void trainThreadsIsWrittenButNotHashed() {
        Recipe two = parse(MINIMAL, "train.threads=2");
        assertEquals(2, two.train().threads());
        assertTrue(two.toYaml().contains("\n  threads: 2\n"), two.toYaml());
        assertEquals(two, parse(two.toYaml()), "round trip");
        assertNotEquals(parse(MINIMAL).toYaml(), two.toYaml());
        // speed only: a run resumes on other threads, and runs from before the key keep their hash
        assertEquals(parse(MINIMAL).hash(), two.hash());
        assertEquals(sha256(parse(MINIMAL).toYaml().replace("  threads: 0\n", "").replace("  fraction: 1.0\n", "")),
                parse(MINIMAL).hash());
    }

    @Test
    void dataFractionIsHashedOnlyAwayFromItsDefault() {
        Recipe whole = parse(MINIMAL);
        assertEquals(1.0, whole.data().fraction(), 0);
        assertTrue(whole.toYaml().contains("\n  fraction: 1.0\n"), whole.toYaml());
        // runs from before the key keep their hash: it is taken over the text without the line
        assertEquals(sha256(whole.toYaml().replace("  threads: 0\n", "").replace("  fraction: 1.0\n", "")),
                whole.hash());
        assertEquals(whole.hash(), parse(MINIMAL, "data.fraction=1").hash());
        Recipe half = parse(MINIMAL, "data.fraction=0.5");
        assertEquals(0.5, half.data().fraction(), 0);
        assertEquals(half, parse(half.toYaml()), "round trip");
        assertNotEquals(whole.hash(), half.hash());
        assertEquals(sha256(half.toYaml().replace("  threads: 0\n", "")), half.hash());
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void numbersAreWrittenSoTheyReadBackExactly() {
        for (double x : new double[] {0.1, 3.0e-4, 1.0e-8, 0.999, 1e7, 1.0 / 3, 5e-324, 0.0}) {
            assertEquals(x, Double.parseDouble(RecipeYaml.num(x)));
            assertEquals(YamlTree.Kind.FLOAT, YamlTree.plainKind(RecipeYaml.num(x)), RecipeYaml.num(x));
        }
        assertEquals("3.0e-4", RecipeYaml.num(3.0e-4));
    }
}
