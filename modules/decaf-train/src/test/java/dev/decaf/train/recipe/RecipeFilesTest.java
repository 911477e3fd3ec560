package dev.decaf.train.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeFilesTest {

    @TempDir
    Path dir;

    private Path write(String relative, String text) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void relativePathsResolveAgainstTheRecipesDirectoryOutTooUnlessGivenOnTheCommandLine() throws IOException {
        write("models/gpt2/config.json", "{}");
        write("models/gpt2/tokenizer.json", "{}");
        write("data/train.txt", "hello\n");
        Path recipe = write("recipes/r.yaml", """
                model: ../models/gpt2
                data:
                  train: ../data/train.txt
                train: {steps: 10}
                out: ../runs/r
                """);
        Recipe r = Recipe.load(recipe, List.of());
        assertEquals(dir.resolve("models/gpt2"), r.model().path());
        assertEquals(dir.resolve("models/gpt2/tokenizer.json"), r.tokenizer().path());
        assertEquals(dir.resolve("data/train.txt"), r.data().train().path());
        assertEquals(dir.resolve("runs/r"), r.out(), "out in the file is relative to the recipe's directory");
        assertEquals(r, Recipe.parse(r.toYaml(), "resolved", List.of()), "the resolved form is self-contained");
        // an override (--set out=..., --out) is a command-line path: relative to the working directory
        assertEquals(Path.of("runs/cli"), Recipe.load(recipe, List.of("out=runs/cli")).out());
        assertEquals(Path.of("/abs/run"), Recipe.load(recipe, List.of("out=/abs/run")).out());
    }

    @Test
    void missingFilesAreProblemsWithTheirLines() throws IOException {
        write("models/gpt2/config.json", "{}");
        Path recipe = write("recipes/r.yaml", """
                model: ../models/gpt2
                data:
                  train: ../data/train.txt
                  validation: ../data/valid.txt
                train: {steps: 10}
                out: runs/r
                """);
        RecipeException e = assertThrows(RecipeException.class, () -> Recipe.load(recipe, List.of()));
        String name = recipe.toString();
        assertEquals(List.of(
                        new Problem(name, 1, "tokenizer", "no such file or directory: " + dir.resolve(
                                "models/gpt2/tokenizer.json") + " (the default tokenizer is the model directory's"
                                + " tokenizer.json; set tokenizer: PATH)"),
                        new Problem(name, 3, "data.train", "no such file or directory: " + dir.resolve("data/train.txt")),
                        new Problem(name, 4, "data.validation", "no such file or directory: "
                                + dir.resolve("data/valid.txt"))),
                e.problems());
        // the same recipe without file checks
        Recipe.load(recipe, List.of(), false);
    }

    @Test
    void aConfigJsonModelAndBuiltinsNeedNoFiles() throws IOException {
        write("models/tiny.json", "{}");
        Path recipe = write("r.yaml", """
                model: models/tiny.json
                tokenizer: builtin:bytes
                data: {train: builtin:shakespeare, validation: "builtin:shakespeare-valid"}
                train: {epochs: 1}
                out: ../runs/r
                """);
        Recipe r = Recipe.load(recipe, List.of());
        assertEquals(dir.resolve("models/tiny.json"), r.model().path());
        assertEquals("bytes", r.tokenizer().builtin());
        assertEquals("shakespeare-valid", r.data().validation().builtin());
    }

    @Test
    void missingModelAndOverriddenPaths() throws IOException {
        Path recipe = write("r.yaml", """
                model: nowhere.json
                data: {train: builtin:x}
                train: {steps: 1}
                out: o
                """);
        RecipeException e = assertThrows(RecipeException.class,
                () -> Recipe.load(recipe, List.of("data.train=missing.txt")));
        assertEquals(List.of(
                        recipe + ":1: model: no such file or directory: " + dir.resolve("nowhere.json"),
                        "--set data.train=missing.txt: data.train: no such file or directory: "
                                + dir.resolve("missing.txt")),
                e.problems().stream().map(Problem::toString).toList());
        write("nowhere.json", "{}");
        write("here.txt", "x");
        assertEquals(dir.resolve("here.txt"), Recipe.load(recipe, List.of("data.train=here.txt")).data().train().path(),
                "override paths are relative to the recipe's directory too");
    }

    @Test
    void parsedTextResolvesAgainstTheWorkingDirectoryOrAGivenBase() throws IOException {
        String text = """
                model: models/tiny.json
                data: {train: ../t.txt}
                train: {steps: 1}
                out: o
                """;
        Recipe cwd = Recipe.parse(text, "classpath:recipes/x.yaml", List.of(), false);
        assertEquals(Path.of("models/tiny.json"), cwd.model().path());
        assertEquals(Path.of("../t.txt"), cwd.data().train().path());
        write("base/models/tiny.json", "{}");
        write("t.txt", "x");
        Recipe based = Recipe.loader().baseDir(dir.resolve("base")).parse(text, "x.yaml");
        assertEquals(dir.resolve("base/models/tiny.json"), based.model().path());
        assertEquals(dir.resolve("t.txt"), based.data().train().path());
    }

    @Test
    void aPathWrittenRelativeToTheWorkingDirectoryGetsAHint() throws IOException {
        // the test runs in the module directory, which has a pom.xml; a recipe elsewhere naming
        // pom.xml means the working directory's file
        Path recipe = write("sub/r.yaml", "model: pom.xml\ndata: {train: builtin:x}\ntrain: {steps: 1}\nout: o\n");
        RecipeException e = assertThrows(RecipeException.class, () -> Recipe.load(recipe, List.of()));
        Path relative = dir.resolve("sub").toAbsolutePath().relativize(Path.of("pom.xml").toAbsolutePath());
        assertEquals(List.of(new Problem(recipe.toString(), 1, "model", "no such file or directory: "
                        + dir.resolve("sub/pom.xml") + " (paths are relative to the recipe's directory: write "
                        + relative + ")")),
                e.problems());
    }

    @Test
    void unreadableRecipes() throws IOException {
        Path missing = dir.resolve("none.yaml");
        RecipeException e = assertThrows(RecipeException.class, () -> Recipe.load(missing, List.of()));
        assertEquals(List.of(new Problem(missing.toString(), 0, "", "no such file or directory")), e.problems());
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "task: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(RecipeException.class, () -> Recipe.load(latin1, List.of()));
        assertEquals(List.of(new Problem(latin1.toString(), 0, "", "not UTF-8 text")), e.problems());
    }
}
