package dev.decaf.text.data;

import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.nio.file.Path;

/**
 * Everything that decides how one data file becomes a token stream, and where that stream is
 * cached.
 *
 * @param file the data file
 * @param layout its format, and whether it is plain text
 * @param tokenizer the tokenizer (only called when the cache misses)
 * @param tokenizerFingerprint identifies the tokenizer for the cache key
 * @param seqLen the context length; a sample has at most {@code seqLen + 1} tokens
 * @param skipBadLines whether bad lines are skipped and counted rather than fatal
 * @param overlong what becomes of an example longer than {@code seqLen + 1} tokens
 * @param template frames the prompt of prompt–completion examples (never null)
 * @param chatTemplate renders the conversations of messages data (null for other formats)
 * @param cacheDir the cache directory, or null for {@code <file>.decaf-cache} next to the data
 * @param segmentBytes the size of one memory mapping
 */
record SourceSpec(
        Path file,
        FormatDetection.Layout layout,
        TextTokenizer tokenizer,
        String tokenizerFingerprint,
        int seqLen,
        boolean skipBadLines,
        Overlong overlong,
        PromptTemplate template,
        ChatTemplate chatTemplate,
        Path cacheDir,
        int segmentBytes) {

    /** Returns the resolved format. */
    DataFormat format() {
        return layout.format();
    }

    /** Returns the number of tokens in a packed block, or the most an example may have. */
    int blockLength() {
        return seqLen + 1;
    }
}
