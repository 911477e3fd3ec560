package dev.decaf.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {"messages": [...]} lines: read in order, and every malformed one named by its field. */
class ConversationTest {

    private static JsonNode json(String line) throws Exception {
        return new ObjectMapper().readTree(line);
    }

    @Test
    void readsTheMessagesInOrderAndIgnoresOtherFields() throws Exception {
        Conversation c = Conversation.fromJson(json("{\"id\": 7, \"messages\": [{\"role\": \"system\", \"content\": \"s\"},"
                + " {\"content\": \"u\", \"role\": \"user\"}, {\"role\": \"assistant\", \"content\": \"a\", \"weight\": 1}]}"));
        assertEquals(List.of(new Message("system", "s"), new Message("user", "u"), new Message("assistant", "a")),
                c.messages());
    }

    @Test
    void malformedLinesNameTheFieldAtFault() {
        assertProblem("missing field 'messages'", "{\"prompt\": \"p\", \"completion\": \"c\"}");
        assertProblem("field 'messages' must be an array of {\"role\", \"content\"} objects, got string",
                "{\"messages\": \"hi\"}");
        assertProblem("field 'messages' is empty", "{\"messages\": []}");
        assertProblem("messages[1] must be an object with 'role' and 'content', got array",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}, [\"assistant\", \"a\"]]}");
        assertProblem("messages[0] has no 'role'", "{\"messages\": [{\"content\": \"u\"}]}");
        assertProblem("messages[0].role must be a string, got number", "{\"messages\": [{\"role\": 1, \"content\": \"u\"}]}");
        assertProblem("messages[1].role must be system, user or assistant, got 'tool'",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}, {\"role\": \"tool\", \"content\": \"t\"}]}");
        assertProblem("messages[1] has no 'content'",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}, {\"role\": \"assistant\"}]}");
        assertProblem("messages[0].content must be a string, got null", "{\"messages\": [{\"role\": \"user\", \"content\": null}]}");
        assertProblem("no assistant message: nothing to train on",
                "{\"messages\": [{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\", \"content\": \"u\"}]}");
    }

    @Test
    void messagesAndConversationsCheckThemselves() {
        assertEquals("role must be system, user or assistant, got 'bot'",
                assertThrows(IllegalArgumentException.class, () -> new Message("bot", "x")).getMessage());
        assertEquals("no assistant message: nothing to train on", assertThrows(IllegalArgumentException.class,
                () -> new Conversation(List.of(new Message("user", "x")))).getMessage());
    }

    private static void assertProblem(String expected, String line) {
        assertEquals(expected, assertThrows(ConversationProblem.class, () -> Conversation.fromJson(json(line))).getMessage());
    }
}
