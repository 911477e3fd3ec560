package dev.decaf.train.finetune;

import dev.decaf.core.config.ModelConfig;
import dev.decaf.text.data.DataException;
import dev.decaf.text.data.JsonLines;
import dev.decaf.text.tokenizer.BpeTrainer;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which {@code tokenizer.json} a run uses: the recipe's, the model directory's, or — for a model
 * made from a config — a byte-level BPE tokenizer of the model's vocabulary size trained on the
 * training data into {@code OUT/tokenizer/} (kept, so a restarted run reuses it).
 */
final class TokenizerFiles {

    private TokenizerFiles() {}

    /**
     * Finds or trains the tokenizer.
     *
     * @param recipe the recipe
     * @param model the starting model
     * @param trainFile the training data
     * @param out the run directory
     * @param console where a note about training goes
     * @return the tokenizer.json
     * @throws IOException on a read or write error
     */
    static Path resolve(Recipe recipe, StartingModel model, Path trainFile, Path out, PrintStream console)
            throws IOException {
        if (recipe.tokenizer() != null && recipe.tokenizer().path() != null) {
            Path t = recipe.tokenizer().path();
            return Files.isDirectory(t) ? t.resolve("tokenizer.json") : t;
        }
        if (!model.fromConfig()) {
            Path t = model.source().resolve("tokenizer.json");
            if (!Files.isRegularFile(t)) {
                throw new IllegalArgumentException("model: " + model.source()
                        + " has no tokenizer.json: set tokenizer in the recipe");
            }
            return t;
        }
        Path dir = out.resolve("tokenizer");
        Path file = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(file)) {
            return file; // trained by an earlier (interrupted) start of this run
        }
        ModelConfig config = model.model().config();
        console.printf(Locale.ROOT, "training a byte-level BPE tokenizer (%d tokens) on %s%n", config.vocabSize(), trainFile);
        BpeTrainer trainer = BpeTrainer.builder().optVocabSize(config.vocabSize()).build();
        BpeTrainer.Result r = trainFile.toString().endsWith(".txt") ? trainer.train(List.of(trainFile))
                : trainer.trainOnTexts(texts(trainFile));
        return r.write(dir);
    }

    /** The text fields of a JSON-lines file, for training a tokenizer on it; a bad line is bad input. */
    private static List<String> texts(Path jsonl) throws IOException {
        List<String> out = new ArrayList<>();
        try {
            JsonLines.read(jsonl, (line, n) -> {
                for (String f : new String[] {"text", "prompt", "completion"}) {
                    if (n.hasNonNull(f)) {
                        out.add(n.get(f).asText());
                    }
                }
            });
        } catch (DataException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return out;
    }
}
