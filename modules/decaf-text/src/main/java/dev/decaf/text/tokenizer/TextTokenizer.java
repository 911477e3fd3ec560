package dev.decaf.text.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back, as decaf's datasets and generation need it: no truncation, no
 * padding and no special tokens added behind the caller's back.
 */
public interface TextTokenizer extends AutoCloseable {

    /**
     * Encodes text to token ids, adding no special tokens.
     *
     * @param text the text
     * @return the ids
     */
    int[] encode(String text);

    /**
     * Decodes token ids to text.
     *
     * @param ids the ids
     * @return the text
     */
    String decode(int[] ids);

    /** Returns the vocabulary size (the largest id + 1). */
    int vocabSize();

    /** Returns the end-of-text id that separates documents, or -1 when the tokenizer has none. */
    int eosId();

    /** Returns the padding id (the end-of-text id when the tokenizer has no padding token). */
    int padId();

    @Override
    void close();

    /**
     * Loads {@code tokenizer.json} (Hugging Face format) from a file or model directory.
     *
     * @param path the file, or a directory containing {@code tokenizer.json}
     * @return the tokenizer
     * @throws IOException when the file is missing or invalid
     */
    static TextTokenizer load(Path path) throws IOException {
        return HfTokenizer.load(path);
    }
}
