package dev.decaf.text.template;

import java.util.List;

/**
 * How a {@code {"prompt", "completion"}} example becomes text: the template with its one
 * {@code {prompt}} placeholder replaced by the prompt (not trained on), followed directly by the
 * completion (trained on).
 *
 * <p>The default, {@code "{prompt}"}, joins prompt and completion with nothing between them, so
 * the data must carry its own separators. A template adds them once for the whole file:
 *
 * <pre>{@code
 * PromptTemplate t = PromptTemplate.parse("### Question\n{prompt}\n### Answer\n");
 * t.render("2+2?", "4")
 * // [Segment("### Question\n2+2?\n### Answer\n", false), Segment("4", true)]
 * }</pre>
 *
 * <p>{@code {prompt}} must appear exactly once; the text after it comes between prompt and
 * completion. Any other {@code {name}} is an error (a typo such as {@code {promt}} would
 * otherwise train on a literal brace); write <code>&#123;&#123;</code> and <code>&#125;&#125;</code> for literal braces, as in
 * Python's {@code str.format}: {@code "{{\"q\": \"{prompt}\"}}\n"} renders {@code {"q": "2+2?"}}
 * and a newline.
 */
public final class PromptTemplate {

    /** The placeholder replaced by the prompt. */
    public static final String PLACEHOLDER = "{prompt}";

    private static final PromptTemplate DEFAULT = parse(PLACEHOLDER);

    private final String template;
    private final String before;
    private final String after;

    private PromptTemplate(String template, String before, String after) {
        this.template = template;
        this.before = before;
        this.after = after;
    }

    /** Returns the default template, {@code {prompt}}: prompt and completion joined with nothing between. */
    public static PromptTemplate defaultTemplate() {
        return DEFAULT;
    }

    /**
     * Parses a template.
     *
     * @param template text with {@code {prompt}} exactly once; <code>&#123;&#123;</code> and <code>&#125;&#125;</code> are
     *     literal braces
     * @return the template
     * @throws IllegalArgumentException showing the template and what is wrong: no or a repeated
     *     {@code {prompt}}, an unknown {@code {name}}, or a single brace that starts or ends no
     *     placeholder
     */
    public static PromptTemplate parse(String template) {
        if (template == null) {
            throw new IllegalArgumentException("template is not set");
        }
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        StringBuilder out = before;
        int placeholders = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            boolean doubled = i + 1 < template.length() && template.charAt(i + 1) == c;
            if ((c == '{' || c == '}') && doubled) {
                out.append(c);
                i++;
            } else if (c == '{') {
                int close = template.indexOf('}', i);
                String name = close < 0 ? null : template.substring(i + 1, close);
                if (name == null || !name.matches("\\w+")) {
                    throw problem(template, "has a '{' at character " + i + " that starts no {name}; write {{ for a literal {");
                }
                if (!name.equals("prompt")) {
                    throw problem(template, "has an unknown placeholder {" + name + "}: only " + PLACEHOLDER
                            + " is replaced (write {{ and }} for literal braces)");
                }
                if (++placeholders > 1) {
                    throw problem(template, "has " + PLACEHOLDER + " more than once; it must appear exactly once");
                }
                out = after;
                i = close;
            } else if (c == '}') {
                throw problem(template, "has a '}' at character " + i + " that ends no {name}; write }} for a literal }");
            } else {
                out.append(c);
            }
        }
        if (placeholders == 0) {
            throw problem(template, "has no " + PLACEHOLDER + " placeholder; it must appear exactly once");
        }
        return new PromptTemplate(template, before.toString(), after.toString());
    }

    private static IllegalArgumentException problem(String template, String what) {
        return new IllegalArgumentException("template " + quote(template) + " " + what);
    }

    /** The template as a one-line Java-style string literal (newlines and tabs escaped). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Returns the template as given. */
    public String template() {
        return template;
    }

    /**
     * Returns the untrained text of an example: the template with the prompt in place.
     *
     * @param prompt the prompt
     * @return the text before the completion
     */
    public String format(String prompt) {
        return before + prompt + after;
    }

    /**
     * Renders an example.
     *
     * @param prompt the prompt
     * @param completion the completion
     * @return two segments: {@link #format(String) format(prompt)} (not trained), then the
     *     completion (trained); either may be empty
     */
    public List<Segment> render(String prompt, String completion) {
        return List.of(new Segment(format(prompt), false), new Segment(completion, true));
    }

    /** Templates are equal when their texts are (a recipe compares by value). */
    @Override
    public boolean equals(Object o) {
        return o instanceof PromptTemplate t && t.template.equals(template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return quote(template);
    }
}
