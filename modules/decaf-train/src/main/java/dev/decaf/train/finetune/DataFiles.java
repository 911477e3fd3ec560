package dev.decaf.train.finetune;

import dev.decaf.text.data.builtin.BuiltinData;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The data files a recipe trains and validates on: its own files, or built-in data written into
 * {@code OUT/data/} (a built-in training set brings its validation file unless the recipe names
 * one).
 *
 * @param train the training file
 * @param validation the validation file, or null (then a fraction may be held out of train)
 */
record DataFiles(Path train, Path validation) {

    /**
     * Resolves (and for built-in data writes) a recipe's data files.
     *
     * @param recipe the recipe
     * @param out the run directory
     * @return the files
     * @throws IOException when built-in data cannot be written
     */
    static DataFiles of(Recipe recipe, Path out) throws IOException {
        Path trainFile;
        Path validationFile = null;
        if (recipe.data().train().isBuiltin()) {
            List<Path> files = BuiltinData.write(recipe.data().train().builtin(), out.resolve("data"), BuiltinData.DEFAULT_SEED);
            trainFile = files.get(0);
            validationFile = recipe.data().validation() == null ? files.get(1) : null;
        } else {
            trainFile = recipe.data().train().path();
        }
        if (recipe.data().validation() != null) {
            validationFile = recipe.data().validation().isBuiltin()
                    ? BuiltinData.write(recipe.data().validation().builtin(), out.resolve("data"), BuiltinData.DEFAULT_SEED).get(1)
                    : recipe.data().validation().path();
        }
        return new DataFiles(trainFile, validationFile);
    }
}
