package dev.decaf.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading tokenizer_config.json, the segments at a conversation's edges, and every failure as one line. */
class ChatTemplateTest {

    private static final String CHATML = "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content"
            + " + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    private static final List<Message> CHAT = List.of(new Message("user", "u"), new Message("assistant", "a"));

    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        return Files.writeString(dir.resolve("tokenizer_config.json"), json);
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    @Test
    void readsTheTemplateAndTokensAsStringsOrAddedTokens() throws Exception {
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(config("{\"chat_template\": " + json("{{ bos_token }}|{{ eos_token }}")
                + ", \"bos_token\": {\"__type\": \"AddedToken\", \"content\": \"<s>\"}, \"eos_token\": \"</s>\"}"));
        assertEquals("<s>", t.bosToken());
        assertEquals("</s>", t.eosToken());
        assertEquals("<s>|</s>", t.apply(CHAT, false));
        // unset tokens are undefined: the empty string, as in Jinja2
        assertEquals("|", ChatTemplate.fromTokenizerConfig(config("{\"chat_template\": "
                + json("{{ bos_token }}|{{ eos_token }}") + ", \"eos_token\": null}")).apply(CHAT, false));
    }

    @Test
    void aListOfNamedTemplatesUsesTheDefault() throws Exception {
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(config("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"},"
                + " {\"name\": \"default\", \"template\": \"D{{ messages | length }}\"}]}"));
        assertEquals("D2", t.apply(CHAT, false));
    }

    @Test
    void withoutChatTemplateTheJinjaFileBesideItIsRead() throws Exception {
        Path config = config("{\"eos_token\": \"</s>\"}");
        Files.writeString(dir.resolve(ChatTemplate.JINJA_FILE), "{{ messages[1].content }}{{ eos_token }}\n");
        assertEquals("a</s>", ChatTemplate.fromTokenizerConfig(config).apply(CHAT, false));
    }

    @Test
    void badConfigsNameTheFile() throws Exception {
        Path none = dir.resolve("missing.json");
        assertBadConfig(none + ": no such file", none);
        Path config = config("{\"bos_token\": \"<s>\"}");
        assertBadConfig(config + ": no chat_template (and no chat_template.jinja beside it): this tokenizer has no chat"
                + " template, so 'messages' data cannot be rendered; use prompt/completion data or a model that has one",
                config);
        assertBadConfig(config + ": chat_template lists [tool_use] but none named 'default'",
                config("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}]}"));
        assertBadConfig(config + ": chat_template is a list, so each entry must be {\"name\": string, \"template\": string}",
                config("{\"chat_template\": [\"T\"]}"));
        assertBadConfig(config + ": chat_template must be a string or a list of {name, template}, got number",
                config("{\"chat_template\": 3}"));
        assertBadConfig(config + ": eos_token must be a string or {\"content\": string}",
                config("{\"chat_template\": \"x\", \"eos_token\": 2}"));
        assertBadConfig(config + ": expected a JSON object", config("[]"));
        assertBadConfig(config + ": chat_template is not a valid template: Syntax error in '{% for m in messages %}':"
                + " Missing end tag: endfor for tag defined as: {% for m in messages %} (template line 1)",
                config("{\"chat_template\": \"{% for m in messages %}{{ m.content }}\"}"));
        String notJson = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.fromTokenizerConfig(config("{\"chat_template\": "))).getMessage();
        assertEquals(config + ": not valid JSON (", notJson.substring(0, (config + ": not valid JSON (").length()));
        assertFalse(notJson.contains("\n"), notJson);
    }

    private static void assertBadConfig(String expected, Path config) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.fromTokenizerConfig(config)).getMessage());
    }

    @Test
    void segmentsAtTheEdgesOfAConversation() throws ConversationProblem {
        ChatTemplate t = ChatTemplate.builder().setTemplate(CHATML).build();
        // an assistant first: its header is untrained (rendered with the generation prompt of no messages)
        assertEquals(List.of(new Segment("<|im_start|>assistant\n", false), new Segment("hi<|im_end|>\n", true),
                        new Segment("<|im_start|>user\nu<|im_end|>\n", false)),
                t.render(List.of(new Message("assistant", "hi"), new Message("user", "u"))));
        // an empty assistant turn still trains its end marker
        assertEquals(List.of(new Segment("<|im_start|>user\nu<|im_end|>\n<|im_start|>assistant\n", false),
                        new Segment("<|im_end|>\n", true)),
                t.render(List.of(new Message("user", "u"), new Message("assistant", ""))));
        // two assistant turns in a row: two trained segments, the second's header between them
        assertEquals(List.of(new Segment("<|im_start|>user\nu<|im_end|>\n<|im_start|>assistant\n", false),
                        new Segment("a<|im_end|>\n", true), new Segment("<|im_start|>assistant\n", false),
                        new Segment("b<|im_end|>\n", true)),
                t.render(List.of(new Message("user", "u"), new Message("assistant", "a"), new Message("assistant", "b"))));
    }

    @Test
    void conversationProblemsAreOneLine() {
        ChatTemplate chatml = ChatTemplate.builder().setTemplate(CHATML).optSource("m/tokenizer_config.json").build();
        assertProblem("no assistant message: nothing to train on", chatml, List.of(new Message("user", "u")));

        ChatTemplate counting = ChatTemplate.builder().setTemplate("{{ messages | length }}:{% for m in messages %}"
                + "{{ m.content }};{% endfor %}").optSource("m/tokenizer_config.json").build();
        assertProblem("the chat template (m/tokenizer_config.json) is not prefix-stable, so the assistant turns cannot be"
                + " told apart: the rendering of messages[0..1) with add_generation_prompt=true is not the start of the"
                + " rendering of messages[0..1] with add_generation_prompt=false; they part at character 0: \"1:u;\" vs"
                + " \"2:u;a;\"", counting, CHAT);

        ChatTemplate python = ChatTemplate.builder().setTemplate("{% if messages[0].content.startswith('u') %}x{% endif %}")
                .build();
        assertProblem("the chat template fails on this conversation: Cannot find method startswith with 1 parameters"
                + " in class java.lang.String (template line 1)", python, CHAT);

        ChatTemplate refusing = ChatTemplate.builder().setTemplate("{% if messages | length > 1 %}"
                + "{{ raise_exception('only one message, please') }}{% endif %}").build();
        assertProblem("the chat template refuses this conversation: only one message, please", refusing, CHAT);
    }

    private static void assertProblem(String expected, ChatTemplate t, List<Message> messages) {
        assertEquals(expected, assertThrows(ConversationProblem.class, () -> t.render(messages)).getMessage());
    }

    @Test
    void jinja2SourceStripsOnlyWhatJinja2Strips() {
        assertEquals("a {% if x %}\n{% endif %}\n\t{% if y %}", ChatTemplate.jinja2Source("a {% if x %}\n  {% endif %}\n\t{%+ if y %}\n"));
        assertEquals("x\r\n{# c #}", ChatTemplate.jinja2Source("x\r\n   {# c #}\r\n"));
        assertEquals("  {{ x }}\n", ChatTemplate.jinja2Source("  {{ x }}\n\n"));
    }
}
