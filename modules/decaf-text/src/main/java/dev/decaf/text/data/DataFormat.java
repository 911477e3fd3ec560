package dev.decaf.text.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a data file is laid out, and so how it becomes training samples. Recipes spell the formats
 * in lower case with hyphens: {@code auto}, {@code text}, {@code prompt-completion}, {@code
 * messages}, {@code tokens}.
 *
 * <ul>
 *   <li>{@link #TEXT}: documents for language modelling, with the loss on every token. A plain
 *       text file is one document, read line by line, each line tokenised with its trailing
 *       {@code "\n"}; a JSON lines file ({@code .jsonl}, {@code .json}, {@code .ndjson}) holds one
 *       document per line as {@code {"text": "…"}}. Documents are packed (see {@link LmDataset}).
 *   <li>{@link #PROMPT_COMPLETION}: supervised fine-tuning, JSON lines {@code {"prompt": "…",
 *       "completion": "…"}}, each line one example (the prompt framed by the prompt template, the
 *       completion, end-of-text; see {@link LmDataset.Builder#optTemplate}) with the loss on the
 *       completion tokens (and the end-of-text after them) only; examples are packed whole,
 *       several to a row and isolated from each other, or one to a row (see {@link LmDataset}).
 *   <li>{@link #MESSAGES}: chat fine-tuning, JSON lines {@code {"messages": [{"role": "system" |
 *       "user" | "assistant", "content": "…"}, …]}}, each line one example: the conversation
 *       rendered by the model's chat template (see {@link LmDataset.Builder#optChatTemplate}), with
 *       the loss on the assistant turns only (each with the template's end-of-turn marker; no
 *       end-of-text is added). Packed and truncated as prompt–completion examples are.
 *   <li>{@link #TOKENS}: pre-tokenised JSON lines {@code {"input_ids": [15496, 995, …]}}; each line
 *       is one sample, used as given (an overlong line is truncated by default, see {@link
 *       Overlong}), never packed.
 *   <li>{@link #AUTO}: {@code .txt} is {@link #TEXT}; for {@code .jsonl}/{@code .json}/{@code
 *       .ndjson} the keys of the first non-blank line decide: {@code input_ids} → {@link #TOKENS},
 *       {@code prompt} or {@code completion} → {@link #PROMPT_COMPLETION}, {@code messages} →
 *       {@link #MESSAGES}, {@code text} → {@link #TEXT}.
 * </ul>
 */
public enum DataFormat {
    /** Decide from the file's extension and, for JSON lines, its first line's keys. */
    AUTO,
    /** Plain text (one document per file) or JSON lines with a {@code text} field. */
    TEXT,
    /** JSON lines with {@code prompt} and {@code completion}; loss on the completion only. */
    PROMPT_COMPLETION,
    /** JSON lines with a {@code messages} conversation; loss on the assistant turns only. */
    MESSAGES,
    /** JSON lines with pre-tokenised {@code input_ids}; one sample per line, never packed. */
    TOKENS;

    /** Returns whether the documents of this format end with an end-of-text token. */
    boolean packed() {
        return this == TEXT || this == PROMPT_COMPLETION;
    }

    /** Returns whether examples carry a loss mask and are packed whole (prompt–completion, messages). */
    boolean supervised() {
        return this == PROMPT_COMPLETION || this == MESSAGES;
    }

    /**
     * Returns the format a file is read as when this one is asked for: this format, or for {@link
     * #AUTO} the one the file's name and first line's keys tell (as {@link LmDataset} decides it),
     * so a caller can load what the format needs (a chat template for {@link #MESSAGES}) first.
     *
     * @param file the data file
     * @param skipBadLines whether unreadable first lines are passed over while detecting
     * @return the format, never AUTO
     * @throws DataException when the file is missing or its format cannot be told
     * @throws IOException when reading fails
     */
    public DataFormat resolve(Path file, boolean skipBadLines) throws IOException {
        return FormatDetection.resolve(file, this, skipBadLines).format();
    }
}
