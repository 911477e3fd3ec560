package dev.decaf.text.template;

import java.util.Objects;

/**
 * One piece of a rendered supervised example: its tokens count in the loss iff {@code trained}.
 * A prompt/completion pair renders to two segments ({@link PromptTemplate}), a conversation to
 * alternating untrained and trained ones ({@link ChatTemplate}); the example's text is the
 * concatenation of its segments' texts, in order.
 *
 * @param text the text, rendered (never null)
 * @param trained whether the tokens of this text are trained on (loss mask 1) or only read (0)
 */
public record Segment(String text, boolean trained) {

    /** Checks that the text is set. */
    public Segment {
        Objects.requireNonNull(text, "text");
    }
}
