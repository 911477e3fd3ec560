package dev.decaf.train.finetune;

import ai.djl.ndarray.NDManager;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.safetensors.DType;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.train.checkpoint.CheckpointStore;
import dev.decaf.djl.runtime.EngineLock;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The model a run starts from: a model directory, a config (randomly initialised from the run's
 * seed), or a checkpoint of this run; and the dtype its final model is saved in (the source's).
 *
 * @param model the model, initialized on the run's manager
 * @param dtype the dtype of the final model
 * @param source the recipe's model path (a directory or a config file)
 * @param fromConfig whether the recipe names a config rather than a model directory
 */
record StartingModel(DecoderModel model, DType dtype, Path source, boolean fromConfig) {

    /**
     * Loads or initialises the model. Loading initialises parameters too, which draws from the
     * engine's global generator, so all of it runs under the {@link EngineLock}, seeded with the
     * run's seed.
     *
     * @param recipe the recipe
     * @param from the checkpoint to resume from, if any
     * @param manager the run's manager
     * @return the model
     * @throws IOException on a read error of a checkpoint
     */
    static StartingModel load(Recipe recipe, Optional<CheckpointStore.Loaded> from, NDManager manager)
            throws IOException {
        Path modelPath = recipe.model().path();
        if (recipe.model().isBuiltin() || modelPath == null) {
            throw new IllegalArgumentException("model: '" + recipe.model() + "' is not a model directory or config");
        }
        boolean fromConfig = !Files.isDirectory(modelPath);
        try (EngineLock.Held engine = EngineLock.acquire()) {
            engine.seed((int) recipe.train().seed());
            if (from.isPresent()) {
                DecoderModel model = ModelDirectory.load(from.get().directory(), manager).model();
                DType dtype = fromConfig ? DType.F32 : ModelDirectory.load(modelPath, manager).dtype();
                return new StartingModel(model, dtype, modelPath, fromConfig);
            }
            if (fromConfig) {
                DecoderModel model = DecoderModel.of(loadConfig(modelPath));
                model.initialize(manager);
                return new StartingModel(model, DType.F32, modelPath, true);
            }
            ModelDirectory.Loaded loaded = loadModel(modelPath, manager);
            return new StartingModel(loaded.model(), loaded.dtype(), modelPath, false);
        }
    }

    private static ModelConfig loadConfig(Path p) {
        try {
            return ModelConfig.load(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("model: " + e.getMessage(), e);
        }
    }

    private static ModelDirectory.Loaded loadModel(Path dir, NDManager manager) {
        try {
            return ModelDirectory.load(dir, manager);
        } catch (IOException e) {
            throw new IllegalArgumentException("model: " + e.getMessage(), e);
        }
    }
}
