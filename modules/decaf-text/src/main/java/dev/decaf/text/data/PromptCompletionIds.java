package dev.decaf.text.data;

/**
 * One prompt–completion example as it was tokenised for training (see {@link Overlong} for what
 * truncation keeps): the prompt's tokens, which carry no loss, and the answer's, which do.
 *
 * @param prompt the prompt's tokens
 * @param answer the completion's tokens, then the end-of-text unless truncation cut the completion
 */
public record PromptCompletionIds(int[] prompt, int[] answer) {

    /**
     * Returns whether the answer ends with the end-of-text, i.e. the completion was kept whole.
     *
     * @param eosId the tokenizer's end-of-text id
     * @return whether the last answer token is {@code eosId}
     */
    public boolean complete(int eosId) {
        return answer.length > 0 && answer[answer.length - 1] == eosId;
    }

    /**
     * Returns the completion's tokens: the answer without its end-of-text.
     *
     * @param eosId the tokenizer's end-of-text id
     * @return the completion's tokens
     */
    public int[] completion(int eosId) {
        return complete(eosId) ? java.util.Arrays.copyOf(answer, answer.length - 1) : answer.clone();
    }
}
