package dev.decaf.text.template;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation, as chat templates see it ({@code {"role": ..., "content": ...}}).
 *
 * @param role who speaks: {@code system}, {@code user} or {@code assistant}
 * @param content what is said
 */
public record Message(String role, String content) {

    /** The roles a message may have; only {@code assistant} turns are trained on. */
    public static final List<String> ROLES = List.of("system", "user", "assistant");

    /** The role whose turns are trained on. */
    public static final String ASSISTANT = "assistant";

    /**
     * Checks the role and content.
     *
     * @throws IllegalArgumentException when the role is not one of {@link #ROLES}
     */
    public Message {
        Objects.requireNonNull(content, "content");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role must be system, user or assistant, got "
                    + (role == null ? "nothing" : "'" + role + "'"));
        }
    }

    /** Returns whether this is an assistant turn (trained on). */
    public boolean isAssistant() {
        return ASSISTANT.equals(role);
    }
}
