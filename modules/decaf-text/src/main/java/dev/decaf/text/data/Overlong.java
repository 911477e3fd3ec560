package dev.decaf.text.data;

/**
 * What becomes of an example longer than a row of {@code seqLen + 1} tokens (a prompt–completion
 * line, or an {@code input_ids} line; plain text is cut into blocks and never overlong). With
 * {@code L = seqLen + 1}, a prompt of {@code p} tokens and a completion of {@code c} tokens, the
 * example is {@code p + c + 1} tokens (the last one end-of-text).
 *
 * <ul>
 *   <li>{@link #TRUNCATE}: the example is cut to {@code L} tokens. When the prompt leaves room
 *       ({@code p < L}) it is kept whole and {@code completion + end-of-text} loses its end: the
 *       first {@code L − p} of those tokens are kept, so a truncated completion gets no end-of-text
 *       (the model is not taught to stop mid-answer). A prompt that alone fills the row ({@code p ≥
 *       L}) keeps its <em>last</em> {@code L − r} tokens, the part nearest the answer, where {@code
 *       r = min(c + 1, ⌊L/2⌋)}: at least one and up to half the row is completion (its first {@code
 *       r} tokens, with the end-of-text only if the whole completion fits). {@code input_ids} lines
 *       keep their first {@code L} ids. Each truncated example is counted, and reported once.
 *   <li>{@link #DROP}: the example is left out, counted, and reported once.
 *   <li>{@link #ERROR}: the example is a line error (or, with skipping bad lines, a skipped line).
 * </ul>
 */
public enum Overlong {
    /** Cut the example to {@code seqLen + 1} tokens (the default). */
    TRUNCATE,
    /** Leave the example out. */
    DROP,
    /** Stop with a line error. */
    ERROR
}
