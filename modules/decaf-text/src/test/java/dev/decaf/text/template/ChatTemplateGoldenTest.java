package dev.decaf.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chat templates of real models (and one that exercises what they do not) rendered by jinjava as
 * Python's Jinja2 renders them the way transformers sets it up: the strings of chat_golden.json,
 * made by gen_chat_golden.py beside it.
 */
class ChatTemplateGoldenTest {

    private static final String DIR = "/golden/templates/";
    private static final JsonNode GOLDEN = golden();

    /** Each template's trained text for an assistant message, written out by hand from the template. */
    private static final Map<String, Function<String, String>> TRAINED = Map.of(
            "smollm2", c -> c + "<|im_end|>\n",
            "qwen2.5", c -> c + "<|im_end|>\n",
            "llama2", c -> " " + c.strip() + " </s>",
            "zephyr", c -> c + "</s>\n",
            "llama3", c -> c.strip() + "<|eot_id|>",
            "synthetic", c -> "{\"role\": \"assistant\", \"content\": " + PythonJson.dumps(c, null, false, false)
                    + "}</assistant>\n");

    private static JsonNode golden() {
        try (InputStream in = ChatTemplateGoldenTest.class.getResourceAsStream(DIR + "chat_golden.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path config(String template) {
        try {
            return Path.of(ChatTemplateGoldenTest.class.getResource(DIR + template + "/tokenizer_config.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Message> messages(JsonNode array) {
        List<Message> out = new ArrayList<>();
        array.forEach(m -> out.add(new Message(m.get("role").textValue(), m.get("content").textValue())));
        return out;
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        GOLDEN.get("cases").forEach(c -> cases.add(Arguments.of(
                c.get("template").textValue() + ", conversation " + c.get("conversation").intValue(), c)));
        return cases.stream();
    }

    @Test
    void everyTemplateAndConversationIsCovered() {
        assertEquals(TRAINED.size() * GOLDEN.get("conversations").size(), GOLDEN.get("cases").size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersAsJinja2(String label, JsonNode c) throws IOException, ConversationProblem {
        String name = c.get("template").textValue();
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(config(name));
        List<Message> messages = messages(GOLDEN.get("conversations").get(c.get("conversation").intValue()));
        assertEquals(c.get("full").textValue(), t.apply(messages, false), "add_generation_prompt=false");
        assertEquals(c.get("generation").textValue(), t.apply(messages, true), "add_generation_prompt=true");
        for (JsonNode turn : c.get("turns")) {
            int i = turn.get("index").intValue();
            assertEquals(turn.get("before").textValue(), t.apply(messages.subList(0, i), true), "messages[0.." + i + ")");
            assertEquals(turn.get("through").textValue(), t.apply(messages.subList(0, i + 1), false), "messages[0.." + i + "]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainsOnTheAssistantTurnsOnly(String label, JsonNode c) throws IOException, ConversationProblem {
        String name = c.get("template").textValue();
        List<Message> messages = messages(GOLDEN.get("conversations").get(c.get("conversation").intValue()));
        List<Segment> segments = ChatTemplate.fromTokenizerConfig(config(name)).render(messages);

        StringBuilder all = new StringBuilder();
        List<String> trained = new ArrayList<>();
        for (Segment s : segments) {
            assertFalse(s.text().isEmpty(), "empty segment");
            all.append(s.text());
            if (s.trained()) {
                trained.add(s.text());
            }
        }
        assertEquals(c.get("full").textValue(), all.toString(), "segments concatenate to the rendering");

        List<String> golden = new ArrayList<>();
        c.get("turns").forEach(turn -> golden.add(turn.get("trained").textValue()));
        assertEquals(golden, trained, "trained text = Jinja2's difference of renderings");
        List<String> byHand = messages.stream().filter(Message::isAssistant)
                .map(m -> TRAINED.get(name).apply(m.content())).toList();
        assertEquals(byHand, trained, "trained text = assistant content and the template's end of turn");
        for (int i = 1; i < segments.size(); i++) {
            assertTrue(segments.get(i).trained() != segments.get(i - 1).trained(), "segments alternate: " + segments);
        }
    }

    @Test
    void raiseExceptionRefusesTheConversationWithTheTemplatesMessage() throws IOException {
        for (JsonNode r : GOLDEN.get("refused")) {
            Path config = config(r.get("template").textValue());
            ChatTemplate t = ChatTemplate.fromTokenizerConfig(config);
            ConversationProblem p = assertThrows(ConversationProblem.class,
                    () -> t.render(messages(r.get("messages"))));
            assertEquals("the chat template (" + config + ") refuses this conversation: "
                    + r.get("message").textValue(), p.getMessage());
        }
    }

    @Test
    void tojsonAndTrailingNewlinesAsInJinja2() throws ConversationProblem {
        List<Message> messages = messages(GOLDEN.get("conversations").get(2));
        for (JsonNode f : GOLDEN.get("snippets")) {
            ChatTemplate t = ChatTemplate.builder().setTemplate(f.get("template").textValue()).build();
            assertEquals(f.get("output").textValue(), t.apply(messages, false), f.get("template").textValue());
        }
    }
}
