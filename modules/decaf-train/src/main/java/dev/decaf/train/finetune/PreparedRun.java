package dev.decaf.train.finetune;

import dev.decaf.core.safetensors.DType;
import dev.decaf.core.scaling.LambdaCalculation;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.models.infer.Generator;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.tokenizer.TextTokenizer;
import dev.decaf.train.loop.TrainingSettings;
import dev.decaf.train.recipe.Recipe;
import java.nio.file.Path;

/**
 * Everything {@link FinetuneSetup} made for one run, ready to train; closing it releases the
 * optimizer's kernel threads and the tokenizer (the model's arrays belong to the run's manager).
 *
 * @param recipe the recipe as the run resolved it ({@code train.seq_len} and λ set)
 * @param model the model, initialized
 * @param dtype the dtype its final model is saved in
 * @param tokenizerFile the tokenizer.json (copied into checkpoints and the final model)
 * @param tokenizer the loaded tokenizer
 * @param data the training and validation splits
 * @param schedule the learning-rate schedule over {@code settings.steps()}
 * @param optimizer the optimizer (state loaded when resuming)
 * @param settings the loop's settings
 * @param task the task to score, or null
 * @param generator greedy/sampled generation with the model, for the task and samples
 * @param weightDecay the λ of the run and what it means ({@code OUT/weight_decay.json})
 */
record PreparedRun(Recipe recipe, DecoderModel model, DType dtype, Path tokenizerFile, TextTokenizer tokenizer, LmDataset data,
        Schedule schedule, AdamFamily optimizer, TrainingSettings settings, TaskScore task, Generator generator,
        LambdaCalculation weightDecay)
        implements AutoCloseable {

    @Override
    public void close() {
        try (TextTokenizer t = tokenizer) {
            optimizer.close();
        }
    }
}
