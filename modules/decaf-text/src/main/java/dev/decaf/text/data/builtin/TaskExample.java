package dev.decaf.text.data.builtin;

import java.util.Objects;

/**
 * One supervised example: the model reads {@code prompt} and should continue with {@code
 * completion} (then end-of-text). Written as the JSON line {@code {"prompt": …, "completion": …}}
 * that {@link dev.decaf.text.data.DataFormat#PROMPT_COMPLETION} reads.
 *
 * @param prompt the text the model is given
 * @param completion the text it should produce, starting with a space as GPT-2 style tokenizers
 *     expect after a prompt that ends in a non-space
 */
public record TaskExample(String prompt, String completion) {

    public TaskExample {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
    }
}
