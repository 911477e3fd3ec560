package dev.decaf.text.template;

/**
 * Thrown by a chat template's {@code raise_exception(message)} (the function transformers gives
 * templates to refuse a conversation, e.g. roles that do not alternate); {@link ChatTemplate}
 * turns it into a {@link ConversationProblem} with the template's message.
 */
public final class TemplateRefusal extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private TemplateRefusal(String message) {
        super(message, null, false, false);
    }

    /**
     * The template function {@code raise_exception}.
     *
     * @param message the template's reason
     * @return never
     * @throws TemplateRefusal always
     */
    public static String raiseException(String message) {
        throw new TemplateRefusal(message);
    }
}
