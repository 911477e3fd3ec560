package dev.decaf.text.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Hugging Face chat template (the Jinja2 {@code chat_template} of a model's {@code
 * tokenizer_config.json}) rendered as transformers' {@code apply_chat_template} renders it, and
 * split into the segments a supervised example trains on: the assistant turns, as the template
 * writes them (with its end-of-turn marker, e.g. {@code <|im_end|>\n} or {@code </s>}), are
 * trained; everything else (system prompt, user turns, role headers, the generation prompt) is not.
 *
 * <p>The split is the prefix construction transformers' users apply to templates that do not mark
 * assistant turns: for each assistant message {@code i}, the rendering of {@code messages[0..i)}
 * with {@code add_generation_prompt=true} ends where the turn's trained text starts, and the
 * rendering of {@code messages[0..i]} without it ends where the turn's trained text ends. Each
 * rendering must start with the one before it (the template is prefix-stable); when it does not,
 * rendering fails rather than guess a mask.
 *
 * <p>The template sees the variables transformers passes: {@code messages} (a list of {@code
 * {"role", "content"}} maps), {@code add_generation_prompt}, {@code bos_token}, {@code
 * eos_token}, and the function {@code raise_exception(msg)}. It is rendered by jinjava configured
 * like transformers' Jinja2 environment: {@code trim_blocks} and {@code lstrip_blocks} (the
 * latter by rewriting the source, see {@link #jinja2Source}), one
 * trailing newline of the source dropped ({@code keep_trailing_newline=False}), <code>{{-</code>
 * and <code>-}}</code> trimming around expressions, {@code tojson} as Python's {@code
 * json.dumps}, message text never interpreted as template, {@code break}/{@code continue}.
 * Differences from Jinja2 that remain (found by probing; each fails with jinjava's error, naming
 * the expression, rather than rendering something else): strings have Java's methods, not
 * Python's ({@code strip()} and {@code replace()} work, {@code startswith()} and {@code split()}
 * do not); {@code not a > b} must be written {@code not (a > b)}; negative indexes and steps
 * ({@code s[-1]}, {@code messages[::-1]}; use {@code | reverse}) are not supported; {@code {{ true
 * }}} prints {@code true} and {@code {{ none }}} nothing, where Jinja2 prints {@code True} and
 * {@code None}; an expression cannot contain <code>}}</code> (as in {@code {'a': {}}}).
 *
 * <pre>{@code
 * ChatTemplate t = ChatTemplate.fromTokenizerConfig(Path.of("models/smollm2/tokenizer_config.json"));
 * t.render(List.of(new Message("user", "2+2?"), new Message("assistant", "4")))
 * // [Segment("<|im_start|>system\n...<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n", false),
 * //  Segment("4<|im_end|>\n", true)]
 * }</pre>
 */
public final class ChatTemplate {

    /** The file next to tokenizer_config.json where newer transformers save the template. */
    public static final String JINJA_FILE = "chat_template.jinja";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int EXCERPT = 40;

    private final String template;
    /** The template rewritten for jinjava (see jinja2Source). */
    private final String rewritten;
    private final String bosToken;
    private final String eosToken;
    private final String source;
    private final Jinjava jinjava;
    /** The template parsed once: parsing costs several times a rendering. */
    private final Node parsed;

    private ChatTemplate(Builder b) {
        this.template = b.template;
        this.rewritten = jinja2Source(b.template);
        this.bosToken = b.bosToken;
        this.eosToken = b.eosToken;
        this.source = b.source;
        this.jinjava = environment();
        // jinjava reports syntax errors when it renders; parsing here reports them once, up front
        List<String> syntax = new ArrayList<>();
        JinjavaInterpreter parser = jinjava.newInterpreter();
        this.parsed = parser.parse(rewritten);
        for (TemplateError e : parser.getErrors()) {
            syntax.add(describe(e));
        }
        if (!syntax.isEmpty()) {
            throw new IllegalArgumentException(where() + "chat_template is not a valid template: " + syntax.get(0));
        }
    }

    /**
     * Spaces and tabs from a line's start to a block or comment tag, which Jinja2's {@code
     * lstrip_blocks} removes; a tag written <code>&#123;%+</code> keeps them.
     */
    private static final Pattern LSTRIP = Pattern.compile("(?:^|(?<=[\\n\\r]))[ \\t]+(?=\\{[%#](?!\\+))");

    /**
     * The template as Jinja2's lexer reads it in transformers' environment, for jinjava to render
     * with its own {@code lstrip_blocks} off: jinjava's strips the white space before every tag,
     * even after text on the same line ({@code a {% if x %}} loses its space), where Jinja2 strips
     * it only when nothing else precedes the tag on its line; so the white space Jinja2 would strip
     * is removed here, and a <code>&#123;%+</code> tag (lstrip off for that tag) becomes a plain one. With
     * {@code keep_trailing_newline=False} (Jinja2's default, which transformers keeps) one trailing
     * newline of the source is dropped too. (Tags inside {@code {% raw %}} blocks are not told
     * apart; chat templates have none.)
     */
    static String jinja2Source(String template) {
        String s = LSTRIP.matcher(template).replaceAll("").replace("{%+", "{%");
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        if (s.endsWith("\n") || s.endsWith("\r")) {
            return s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** A jinjava configured to render like transformers' Jinja2 environment. */
    private static Jinjava environment() {
        // {{- x -}} trims the white space around expressions as in Jinja2 (jinjava's default trims tags only)
        LegacyOverrides jinja2 = LegacyOverrides.newBuilder().withUseTrimmingForNotesAndExpressions(true).build();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(false) // done by jinja2Source: jinjava's strips too much
                .withKeepTrailingNewline(true) // jinjava's false trims the output; Jinja2 drops the source's (see jinja2Source)
                .withNestedInterpretationEnabled(false) // message text containing {{ }} is text, not template
                .withLegacyOverrides(jinja2)
                .build();
        Jinjava j = new Jinjava(config);
        j.getGlobalContext().registerFilter(new PythonToJsonFilter());
        j.getGlobalContext().registerFunction(new ELFunctionDefinition(
                "", "raise_exception", TemplateRefusal.class, "raiseException", String.class));
        return j;
    }

    /** Returns a builder; the template must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the chat template of a model directory's tokenizer configuration: {@code chat_template}
     * (a string, or a list of {@code {"name", "template"}} of which the one named {@code default}
     * is used; when absent, the directory's {@value #JINJA_FILE}), {@code bos_token} and {@code
     * eos_token} (strings, or AddedToken objects {@code {"content": ...}}).
     *
     * @param tokenizerConfigJson the {@code tokenizer_config.json} file
     * @return the template
     * @throws IllegalArgumentException naming the file when it is missing, not JSON, has no chat
     *     template, or has one that is not a string or a list with a {@code default}
     * @throws IOException on a read error
     */
    public static ChatTemplate fromTokenizerConfig(Path tokenizerConfigJson) throws IOException {
        Path file = tokenizerConfigJson;
        JsonNode config;
        try {
            config = MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        Builder b = builder().optSource(file.toString())
                .optBosToken(token(file, config, "bos_token"))
                .optEosToken(token(file, config, "eos_token"));
        JsonNode t = config.get("chat_template");
        Path jinja = file.resolveSibling(JINJA_FILE);
        if (t == null || t.isNull()) {
            if (!Files.isRegularFile(jinja)) {
                throw new IllegalArgumentException(file + ": no chat_template (and no " + JINJA_FILE
                        + " beside it): this tokenizer has no chat template, so 'messages' data cannot be rendered;"
                        + " use prompt/completion data or a model that has one");
            }
            return b.setTemplate(Files.readString(jinja)).optSource(jinja.toString()).build();
        }
        if (t.isTextual()) {
            return b.setTemplate(t.textValue()).build();
        }
        if (t.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode named : t) {
                JsonNode name = named.get("name");
                JsonNode template = named.get("template");
                if (name == null || !name.isTextual() || template == null || !template.isTextual()) {
                    throw new IllegalArgumentException(file + ": chat_template is a list, so each entry must be"
                            + " {\"name\": string, \"template\": string}");
                }
                if (name.textValue().equals("default")) {
                    return b.setTemplate(template.textValue()).build();
                }
                names.add(name.textValue());
            }
            throw new IllegalArgumentException(file + ": chat_template lists " + names + " but none named 'default'");
        }
        throw new IllegalArgumentException(file + ": chat_template must be a string or a list of {name, template}, got "
                + t.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** A special token's text: a string, an AddedToken object's content, or null when unset. */
    private static String token(Path file, JsonNode config, String key) {
        JsonNode v = config.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        JsonNode content = v.get("content");
        if (v.isObject() && content != null && content.isTextual()) {
            return content.textValue();
        }
        throw new IllegalArgumentException(file + ": " + key + " must be a string or {\"content\": string}");
    }

    /** Returns the template's Jinja source, as given. */
    public String template() {
        return template;
    }

    /** Returns {@code bos_token} as the template sees it, or null when unset. */
    public String bosToken() {
        return bosToken;
    }

    /** Returns {@code eos_token} as the template sees it, or null when unset. */
    public String eosToken() {
        return eosToken;
    }

    /**
     * Renders messages as {@code apply_chat_template(messages, tokenize=False,
     * add_generation_prompt=...)} does.
     *
     * @param messages the conversation (may end with any role)
     * @param addGenerationPrompt whether the template appends the start of an assistant turn
     * @return the text
     * @throws ConversationProblem when the template refuses the conversation ({@code
     *     raise_exception}) or fails on it
     */
    public String apply(List<Message> messages, boolean addGenerationPrompt) throws ConversationProblem {
        return renderMaps(maps(messages), addGenerationPrompt);
    }

    private String renderMaps(List<Map<String, Object>> messages, boolean addGenerationPrompt) throws ConversationProblem {
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", messages);
        vars.put("add_generation_prompt", addGenerationPrompt);
        if (bosToken != null) {
            vars.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            vars.put("eos_token", eosToken);
        }
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava,
                new Context(jinjava.getGlobalContext(), vars, jinjava.getGlobalConfig().getDisabled()), jinjava.getGlobalConfig());
        String output;
        // functions and filters find the interpreter through JinjavaInterpreter.getCurrent()
        try (AutoCloseableImpl<JinjavaInterpreter> current = JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            output = current.value().render(parsed);
        }
        List<TemplateError> errors = interpreter.getErrorsCopy();
        for (TemplateError e : errors) {
            for (Throwable c = e.getException(); c != null; c = c.getCause()) {
                if (c instanceof TemplateRefusal refusal) {
                    throw new ConversationProblem(who() + " refuses this conversation: "
                            + refusal.getMessage());
                }
            }
        }
        for (TemplateError e : errors) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ConversationProblem(who() + " fails on this conversation: " + describe(e));
            }
        }
        return output;
    }

    private static String describe(TemplateError e) {
        String m = e.getMessage() == null ? String.valueOf(e.getReason()) : e.getMessage().strip();
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m) + (e.getLineno() > 0 ? " (template line " + e.getLineno() + ")" : "");
    }

    /**
     * Renders a conversation into trained and untrained segments (see the class comment).
     *
     * @param messages the conversation, with at least one assistant message
     * @return segments, none empty, whose texts concatenate to {@link #apply apply(messages,
     *     false)}: untrained text, then each assistant turn's trained text, with untrained text
     *     between and (when the conversation ends with other turns) after them
     * @throws ConversationProblem when there is no assistant message, the template refuses or
     *     fails on the conversation, or it is not prefix-stable on it
     */
    public List<Segment> render(List<Message> messages) throws ConversationProblem {
        if (messages.stream().noneMatch(Message::isAssistant)) {
            throw new ConversationProblem("no assistant message: nothing to train on");
        }
        List<Map<String, Object>> maps = maps(messages);
        List<Segment> segments = new ArrayList<>();
        String done = "";
        String doneAs = "nothing";
        for (int i = 0; i < messages.size(); i++) {
            if (!messages.get(i).isAssistant()) {
                continue;
            }
            String before = renderMaps(maps.subList(0, i), true);
            String beforeAs = "messages[0.." + i + ") with add_generation_prompt=true";
            String through = renderMaps(maps.subList(0, i + 1), false);
            String throughAs = "messages[0.." + i + "] with add_generation_prompt=false";
            requirePrefix(done, doneAs, before, beforeAs);
            requirePrefix(before, beforeAs, through, throughAs);
            add(segments, before.substring(done.length()), false);
            add(segments, through.substring(before.length()), true);
            done = through;
            doneAs = throughAs;
        }
        String full = renderMaps(maps, false);
        requirePrefix(done, doneAs, full, "all messages with add_generation_prompt=false");
        add(segments, full.substring(done.length()), false);
        return segments;
    }

    private static void add(List<Segment> segments, String text, boolean trained) {
        if (!text.isEmpty()) {
            segments.add(new Segment(text, trained));
        }
    }

    private void requirePrefix(String prefix, String prefixAs, String text, String textAs) throws ConversationProblem {
        if (text.startsWith(prefix)) {
            return;
        }
        int at = 0;
        while (at < prefix.length() && at < text.length() && prefix.charAt(at) == text.charAt(at)) {
            at++;
        }
        throw new ConversationProblem(who() + " is not prefix-stable, so the assistant"
                + " turns cannot be told apart: the rendering of " + prefixAs + " is not the start of the rendering of "
                + textAs + "; they part at character " + at + ": " + excerpt(prefix, at) + " vs " + excerpt(text, at));
    }

    private static String excerpt(String s, int at) {
        return PromptTemplate.quote(s.substring(at, Math.min(s.length(), at + EXCERPT)));
    }

    /** The messages as the template sees them: role, then content, as a JSON line has them. */
    private static List<Map<String, Object>> maps(List<Message> messages) {
        List<Map<String, Object>> maps = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            maps.add(map);
        }
        return maps;
    }

    /** Names the template in a problem of one conversation. */
    private String who() {
        return source == null ? "the chat template" : "the chat template (" + source + ")";
    }

    /** Names the template's file at the start of a problem with the template itself. */
    private String where() {
        return source == null ? "" : source + ": ";
    }

    @Override
    public String toString() {
        return source == null ? "ChatTemplate" : "ChatTemplate[" + source + "]";
    }

    /** Builds a {@link ChatTemplate}. */
    public static final class Builder {

        private String template;
        private String bosToken;
        private String eosToken;
        private String source;

        private Builder() {}

        /**
         * Sets the Jinja2 source of the template.
         *
         * @param template the {@code chat_template} text
         * @return this builder
         */
        public Builder setTemplate(String template) {
            this.template = template;
            return this;
        }

        /**
         * Sets {@code bos_token}; unset, templates see it undefined (an empty string).
         *
         * @param bosToken the beginning-of-sequence token's text, or null
         * @return this builder
         */
        public Builder optBosToken(String bosToken) {
            this.bosToken = bosToken;
            return this;
        }

        /**
         * Sets {@code eos_token}; unset, templates see it undefined (an empty string).
         *
         * @param eosToken the end-of-sequence token's text, or null
         * @return this builder
         */
        public Builder optEosToken(String eosToken) {
            this.eosToken = eosToken;
            return this;
        }

        /**
         * Sets where the template came from, for messages (default: none named).
         *
         * @param source e.g. the tokenizer_config.json path
         * @return this builder
         */
        public Builder optSource(String source) {
            this.source = source;
            return this;
        }

        /**
         * Builds the template.
         *
         * @return the template
         * @throws IllegalArgumentException when the template is unset or not valid Jinja syntax
         */
        public ChatTemplate build() {
            if (template == null) {
                throw new IllegalArgumentException("chat_template is not set");
            }
            return new ChatTemplate(this);
        }
    }
}
