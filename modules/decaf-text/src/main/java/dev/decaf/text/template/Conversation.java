package dev.decaf.text.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The messages of one chat example, read from a data line {@code {"messages": [{"role": ...,
 * "content": ...}, ...]}} (the layout of Hugging Face chat datasets; other fields of the line are
 * ignored).
 *
 * @param messages the turns, in order; at least one is an assistant turn
 */
public record Conversation(List<Message> messages) {

    /** The data line's field that holds the messages. */
    public static final String FIELD = "messages";

    /**
     * Checks that there is something to train on.
     *
     * @throws IllegalArgumentException when no message is an assistant turn
     */
    public Conversation {
        messages = List.copyOf(messages);
        if (messages.stream().noneMatch(Message::isAssistant)) {
            throw new IllegalArgumentException(NO_ASSISTANT);
        }
    }

    private static final String NO_ASSISTANT = "no assistant message: nothing to train on";

    /**
     * Reads a data line's conversation.
     *
     * @param line the line's JSON object
     * @return the conversation
     * @throws ConversationProblem naming the field at fault ({@code messages[2].role must be a
     *     string, got number}) when {@code messages} is missing, not a non-empty array of objects
     *     with string {@code role} and {@code content}, has an unknown role, or has no assistant
     *     message
     */
    public static Conversation fromJson(JsonNode line) throws ConversationProblem {
        JsonNode array = line.get(FIELD);
        if (array == null) {
            throw new ConversationProblem("missing field '" + FIELD + "'");
        }
        if (!array.isArray()) {
            throw new ConversationProblem("field '" + FIELD + "' must be an array of {\"role\", \"content\"} objects, got "
                    + type(array));
        }
        if (array.isEmpty()) {
            throw new ConversationProblem("field '" + FIELD + "' is empty");
        }
        List<Message> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode m = array.get(i);
            String where = FIELD + "[" + i + "]";
            if (!m.isObject()) {
                throw new ConversationProblem(where + " must be an object with 'role' and 'content', got " + type(m));
            }
            String role = string(m, where, "role");
            if (!Message.ROLES.contains(role)) {
                throw new ConversationProblem(where + ".role must be system, user or assistant, got '" + role + "'");
            }
            messages.add(new Message(role, string(m, where, "content")));
        }
        if (messages.stream().noneMatch(Message::isAssistant)) {
            throw new ConversationProblem(NO_ASSISTANT);
        }
        return new Conversation(messages);
    }

    private static String string(JsonNode message, String where, String field) throws ConversationProblem {
        JsonNode v = message.get(field);
        if (v == null) {
            throw new ConversationProblem(where + " has no '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new ConversationProblem(where + "." + field + " must be a string, got " + type(v));
        }
        return v.textValue();
    }

    /** The JSON type in lower case, as JsonLines words it (this package does not depend on data). */
    private static String type(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
