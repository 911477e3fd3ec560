package dev.decaf.train.recipe;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Helpers shared by the recipe tests. */
final class RecipeTesting {

    private RecipeTesting() {}

    /** The body of a valid recipe without file checks: add keys after it. */
    static final String MINIMAL = """
            model: models/gpt2-tiny.json
            data:
              train: builtin:shakespeare
            train:
              steps: 100
            out: runs/x
            """;

    /** Parses without file checks. */
    static Recipe parse(String yaml, String... overrides) {
        return Recipe.parse(yaml, "r.yaml", List.of(overrides), false);
    }

    /** Parses without file checks, expecting problems; returns them formatted, in order. */
    static List<String> problems(String yaml, String... overrides) {
        RecipeException e = assertThrows(RecipeException.class, () -> parse(yaml, overrides));
        return e.problems().stream().map(Problem::toString).toList();
    }

    /** Reads a test resource under recipes/. */
    static String resource(String name) {
        try (InputStream in = RecipeTesting.class.getResourceAsStream("/recipes/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource recipes/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
