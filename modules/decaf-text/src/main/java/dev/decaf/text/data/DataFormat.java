package dev.decaf.text.data;

/**
 * How a data file is laid out, and so how it becomes training samples.
 *
 * <ul>
 *   <li>{@link #TEXT}: documents for language modelling, with the loss on every token. A plain
 *       text file is one document, read line by line, each line tokenised with its trailing
 *       {@code "\n"}; a JSON lines file ({@code .jsonl}, {@code .json}, {@code .ndjson}) holds one
 *       document per line as {@code {"text": "…"}}. Documents are packed (see {@link LmDataset}).
 *   <li>{@link #PROMPT_COMPLETION}: supervised fine-tuning, JSON lines {@code {"prompt": "…",
 *       "completion": "…"}}, each line one example (prompt, completion, end-of-text) with the loss
 *       on the completion tokens (and the end-of-text after them) only; examples are packed whole,
 *       several to a row and isolated from each other, or one to a row (see {@link LmDataset}).
 *   <li>{@link #TOKENS}: pre-tokenised JSON lines {@code {"input_ids": [15496, 995, …]}}; each line
 *       is one sample, used as given (an overlong line is truncated by default, see {@link
 *       Overlong}), never packed.
 *   <li>{@link #AUTO}: {@code .txt} is {@link #TEXT}; for {@code .jsonl}/{@code .json}/{@code
 *       .ndjson} the keys of the first non-blank line decide: {@code input_ids} → {@link #TOKENS},
 *       {@code prompt} or {@code completion} → {@link #PROMPT_COMPLETION}, {@code text} → {@link
 *       #TEXT}.
 * </ul>
 */
public enum DataFormat {
    /** Decide from the file's extension and, for JSON lines, its first line's keys. */
    AUTO,
    /** Plain text (one document per file) or JSON lines with a {@code text} field. */
    TEXT,
    /** JSON lines with {@code prompt} and {@code completion}; loss on the completion only. */
    PROMPT_COMPLETION,
    /** JSON lines with pre-tokenised {@code input_ids}; one sample per line, never packed. */
    TOKENS;

    /** Returns whether the documents of this format end with an end-of-text token. */
    boolean packed() {
        return this == TEXT || this == PROMPT_COMPLETION;
    }
}
