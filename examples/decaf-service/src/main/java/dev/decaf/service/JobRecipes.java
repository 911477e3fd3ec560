package dev.decaf.service;

import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The recipe of a submitted job, in one of two shapes:
 *
 * <ul>
 *   <li><b>a recipe</b> ({@code Content-Type: application/yaml}): a decaf recipe, exactly as
 *       {@code decaf finetune} reads it; its paths are relative to the service's working directory;
 *   <li><b>a data file</b> ({@code Content-Type: text/plain}): training text, saved as {@code
 *       JOB/data.txt} and trained under {@code text-job.yaml} with the service's default model.
 * </ul>
 *
 * Either way query parameters are {@code --set} overrides ({@code ?train.steps=200}) and {@code
 * out} is the job's directory. Parsing is decaf's own ({@link Recipe#loader()}), so a bad recipe
 * fails with decaf's lines, {@code recipe:5: train.stpes: unknown key 'stpes' (did you mean 'steps'?)}; then
 * the few things this example does not do are refused ({@link #check}).
 */
final class JobRecipes {

    /** The media types of a recipe. */
    static final List<String> YAML = List.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");
    /** The media type of training text. */
    static final String TEXT = "text/plain";

    private JobRecipes() {}

    /**
     * Reads a submission into the job's resolved recipe.
     *
     * @param mediaType the request's media type (without parameters)
     * @param body the request body
     * @param overrides {@code key.path=value} from the query
     * @param defaultModel the model a data-file job trains
     * @param jobDir the job's directory (created; a data file is written into it)
     * @return the recipe
     * @throws IllegalArgumentException one line per problem (a {@code RecipeException} for the recipe's own)
     * @throws IOException when the data file cannot be written
     */
    static Recipe read(String mediaType, byte[] body, List<String> overrides, Path defaultModel, Path jobDir)
            throws IOException {
        List<String> set = new ArrayList<>();
        String text;
        if (YAML.contains(mediaType)) {
            text = utf8(body, "the recipe");
        } else if (TEXT.equals(mediaType)) {
            utf8(body, "the training text");
            Path data = jobDir.resolve("data.txt");
            Files.write(data, body);
            text = defaultRecipe();
            set.add("model=" + quoted(defaultModel));
            set.add("data.train=" + quoted(data));
        } else {
            throw new UnsupportedMediaType("Content-Type must be application/yaml (a recipe) or text/plain (training"
                    + " text), got " + (mediaType.isEmpty() ? "none" : mediaType));
        }
        set.add("out=" + quoted(jobDir));
        set.addAll(overrides);
        Recipe recipe = Recipe.loader().overrides(set).baseDir(Path.of("").toAbsolutePath())
                .parse(text, "recipe");
        check(recipe);
        return recipe;
    }

    /** The tokenizer.json a recipe's job uses (check made sure there is one). */
    static Path tokenizerFile(Recipe recipe) {
        Path t = recipe.tokenizer().path();
        return Files.isDirectory(t) ? t.resolve("tokenizer.json") : t;
    }

    /** Refuses what this example leaves to {@code decaf finetune}, each with its key. */
    static void check(Recipe recipe) {
        if (recipe.model().isBuiltin()) {
            throw new IllegalArgumentException("model: the service trains a model directory or a models/*.json config");
        }
        if (recipe.tokenizer() == null || recipe.tokenizer().isBuiltin()) {
            throw new IllegalArgumentException("tokenizer: a model config needs a tokenizer.json here (the service"
                    + " does not train one)");
        }
        if (!recipe.optimizer().weightDecay().isResolved()) {
            throw new IllegalArgumentException("optimizer.weight_decay: the service takes a number (decaf finetune"
                    + " resolves rules)");
        }
        if (recipe.train().keepBest() != Recipe.KeepBest.NONE || recipe.train().earlyStop().enabled()) {
            throw new IllegalArgumentException("train.keep_best, train.early_stop: the service does not evaluate");
        }
    }

    private static String defaultRecipe() throws IOException {
        try (InputStream in = JobRecipes.class.getResourceAsStream("text-job.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String utf8(byte[] body, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not UTF-8 text");
        }
    }

    /** A path as a single-quoted YAML scalar, so that {@code #} or {@code :} in it stay part of it. */
    private static String quoted(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    /** A request whose body is neither a recipe nor text (HTTP 415). */
    static final class UnsupportedMediaType extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnsupportedMediaType(String message) {
            super(message);
        }
    }
}
