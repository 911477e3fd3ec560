package dev.decaf.train.finetune;

import dev.decaf.core.config.ModelConfig;
import dev.decaf.text.data.DataException;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.JsonLines;
import dev.decaf.text.template.ChatTemplate;
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

    /**
     * Loads the chat template that renders {@code messages} data: the {@code chat_template} of the
     * {@code tokenizer_config.json} beside the tokenizer.json in use (in a model directory, the
     * model's), or the {@code chat_template.jinja} beside it.
     *
     * @param tokenizerFile the tokenizer.json
     * @return the template
     * @throws IllegalArgumentException one line naming the file when it is missing or has no
     *     usable chat template
     * @throws IOException on a read error
     */
    static ChatTemplate chatTemplate(Path tokenizerFile) throws IOException {
        Path config = tokenizerFile.resolveSibling("tokenizer_config.json");
        try {
            return ChatTemplate.fromTokenizerConfig(config);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m.equals(config + ": no such file")) {
                m = config + ": no such file, so there is no chat template to render 'messages' data with;"
                        + " use prompt/completion data or a model directory with a chat_template";
            }
            throw new IllegalArgumentException(m, e);
        }
    }

    /**
     * Returns whether a data file is read as chat {@code messages} data under a recipe's {@code
     * data.format} (detected from its first line for {@code auto}).
     *
     * @param file the data file, or null
     * @param data the recipe's data section
     * @return whether the chat template is needed for it
     * @throws IOException on a read error (an unreadable format is left to the dataset to report)
     */
    static boolean holdsMessages(Path file, Recipe.Data data) throws IOException {
        if (file == null) {
            return false;
        }
        try {
            return data.format().resolve(file, data.skipBadLines()) == DataFormat.MESSAGES;
        } catch (DataException e) {
            return false; // the dataset reports it, with the line
        }
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
