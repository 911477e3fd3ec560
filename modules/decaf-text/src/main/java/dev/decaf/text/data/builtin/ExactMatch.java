package dev.decaf.text.data.builtin;

import java.util.List;
import java.util.Objects;

/**
 * Exact-match accuracy for short-answer tasks such as {@link RecallTask}.
 *
 * <p>Both the prediction and the reference are {@linkplain #normalize normalised}: the text is
 * cut at the first end-of-text marker ({@value #END_OF_TEXT}) and at the first line break (an
 * answer is one line; what a model writes after it is not part of the answer), then white space
 * at both ends is removed. Nothing else is forgiven: case, inner spaces and punctuation count.
 * The score is
 * <pre>
 * accuracy = (1/n) · Σᵢ [normalize(predictionᵢ) = normalize(referenceᵢ)]    ∈ [0, 1]
 * </pre>
 * and NaN for n = 0.
 */
public final class ExactMatch {

    /** The end-of-text marker of decaf's tokenizers (GPT-2's). */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private ExactMatch() {}

    /**
     * Returns the answer a completion gives: up to the first end-of-text marker and the first line
     * break, without white space at either end.
     *
     * @param completion generated or reference text
     * @return the answer
     */
    public static String normalize(String completion) {
        Objects.requireNonNull(completion, "completion");
        String s = completion;
        int eot = s.indexOf(END_OF_TEXT);
        if (eot >= 0) {
            s = s.substring(0, eot);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                s = s.substring(0, i);
                break;
            }
        }
        return s.strip();
    }

    /**
     * Returns whether a prediction gives the reference's answer.
     *
     * @param prediction the model's completion
     * @param reference the reference completion
     * @return whether their normalised forms are equal
     */
    public static boolean matches(String prediction, String reference) {
        return normalize(prediction).equals(normalize(reference));
    }

    /**
     * Returns how many predictions match their references.
     *
     * @param predictions the model's completions
     * @param references the reference completions, in the same order
     * @return the number of matches
     * @throws IllegalArgumentException when the lists differ in length
     */
    public static int count(List<String> predictions, List<String> references) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions for " + references.size()
                    + " references");
        }
        int correct = 0;
        for (int i = 0; i < predictions.size(); i++) {
            if (matches(predictions.get(i), references.get(i))) {
                correct++;
            }
        }
        return correct;
    }

    /**
     * Returns the exact-match accuracy.
     *
     * @param predictions the model's completions
     * @param references the reference completions, in the same order
     * @return the fraction of matches in [0, 1]; NaN when both lists are empty
     * @throws IllegalArgumentException when the lists differ in length
     */
    public static double score(List<String> predictions, List<String> references) {
        int correct = count(predictions, references);
        return predictions.isEmpty() ? Double.NaN : (double) correct / predictions.size();
    }
}
