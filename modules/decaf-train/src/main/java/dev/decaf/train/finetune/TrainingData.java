package dev.decaf.train.finetune;

import dev.decaf.text.data.CacheLocation;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.tokenizer.TextTokenizer;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The training and validation splits exactly as {@code decaf finetune} makes them from a recipe's
 * {@code data:} section (format, template, bad lines, overlong examples, packing, the validation
 * file or fraction held out with the run's seed, the fraction of the rest trained on), tokenised once through the token cache. {@code
 * decaf recipe --data} counts a run's samples and tokens with it, so the λ it shows is the one the
 * run resolves.
 */
public final class TrainingData {

    private TrainingData() {}

    /**
     * Loads the data.
     *
     * @param data the recipe's data section (its paths are not read: the files are given)
     * @param seed the run's seed (it chooses the held-out examples)
     * @param train the training file
     * @param validation the validation file, or null (then {@code data.validation_fraction} is held out)
     * @param tok the tokenizer
     * @param tokenizerFile its tokenizer.json (the token cache's key; beside it, a chat template)
     * @param seqLen the positions per row, or null for the length {@link SeqLenChoice} describes
     * @param maxPositions the model's positions
     * @return the dataset
     * @throws IOException when a file cannot be read; bad data is an {@link IllegalArgumentException}
     */
    public static LmDataset load(Recipe.Data data, long seed, Path train, Path validation, TextTokenizer tok,
            Path tokenizerFile, Integer seqLen, int maxPositions) throws IOException {
        return load(data, seed, train, validation, tok, tokenizerFile, seqLen, maxPositions, null);
    }

    /**
     * Loads the data with its token cache in a given directory.
     *
     * @param data the recipe's data section (its paths are not read: the files are given)
     * @param seed the run's seed (it chooses the held-out examples)
     * @param train the training file
     * @param validation the validation file, or null (then {@code data.validation_fraction} is held out)
     * @param tok the tokenizer
     * @param tokenizerFile its tokenizer.json (the token cache's key; beside it, a chat template)
     * @param seqLen the positions per row, or null for the length {@link SeqLenChoice} describes
     * @param maxPositions the model's positions
     * @param cacheDir where the token cache goes, or null for where finetune puts it
     * @return the dataset
     * @throws IOException when a file cannot be read; bad data is an {@link IllegalArgumentException}
     */
    static LmDataset load(Recipe.Data data, long seed, Path train, Path validation, TextTokenizer tok,
            Path tokenizerFile, Integer seqLen, int maxPositions, Path cacheDir) throws IOException {
        LmDataset.Builder db = LmDataset.builder().setDataFile(train).setTokenizer(tok)
                .optTokenizerFile(tokenizerFile).optSeed(seed)
                .optFormat(data.format())
                .optTemplate(data.template())
                .optSkipBadLines(data.skipBadLines())
                .optOverlong(data.overlong())
                .optPacking(data.packing())
                .optTrainFraction(data.fraction());
        if (seqLen != null) {
            db.setSeqLen(seqLen);
        } else {
            db.setSeqLenUpTo(maxPositions); // one tokenisation, at the model's positions
        }
        if (cacheDir != null) {
            db.optCacheDir(cacheDir);
        } else {
            CacheLocation.system().choose(Arrays.asList(train, validation)).ifPresent(db::optCacheDir);
        }
        if (TokenizerFiles.holdsMessages(train, data) || TokenizerFiles.holdsMessages(validation, data)) {
            db.optChatTemplate(TokenizerFiles.chatTemplate(tokenizerFile)); // read only for chat data
        }
        if (validation != null) {
            db.optValidationFile(validation);
        } else if (data.validationFraction() > 0) {
            db.optValidationFraction(data.validationFraction());
        }
        try {
            return db.build();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
