package dev.decaf.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** data.template: the prompt in place, the completion after, and every malformed template refused. */
class PromptTemplateTest {

    @Test
    void theDefaultJoinsPromptAndCompletionWithNothingBetween() {
        assertEquals(List.of(new Segment("2+2=", false), new Segment("4", true)),
                PromptTemplate.defaultTemplate().render("2+2=", "4"));
        assertEquals("{prompt}", PromptTemplate.defaultTemplate().template());
    }

    @Test
    void textAroundThePlaceholderFramesThePrompt() {
        PromptTemplate t = PromptTemplate.parse("### Question\n{prompt}\n### Answer\n");
        assertEquals(List.of(new Segment("### Question\nWhat is 2+2?\n### Answer\n", false), new Segment(" 4", true)),
                t.render("What is 2+2?", " 4"));
        assertEquals("Q: x A:", PromptTemplate.parse("Q: {prompt} A:").format("x"));
    }

    @Test
    void doubledBracesAreLiteralBraces() {
        PromptTemplate t = PromptTemplate.parse("{{\"q\": \"{prompt}\"}}\n");
        assertEquals("{\"q\": \"2+2?\"}\n", t.format("2+2?"));
        assertEquals("{}{x}", PromptTemplate.parse("{{}}{{x}}{prompt}").format(""));
        // the prompt's own braces are data, not template
        assertEquals("[{name}]", PromptTemplate.parse("[{prompt}]").format("{name}"));
    }

    @Test
    void malformedTemplatesAreRefusedShowingTheTemplate() {
        assertProblem("template \"### Q\\n\" has no {prompt} placeholder; it must appear exactly once", "### Q\n");
        assertProblem("template \"{prompt} and {prompt}\" has {prompt} more than once; it must appear exactly once",
                "{prompt} and {prompt}");
        assertProblem("template \"Q: {promt}\" has an unknown placeholder {promt}: only {prompt} is replaced"
                + " (write {{ and }} for literal braces)", "Q: {promt}");
        assertProblem("template \"{\\\"q\\\": {prompt}}\" has a '{' at character 0 that starts no {name};"
                + " write {{ for a literal {", "{\"q\": {prompt}}");
        assertProblem("template \"{prompt}}\" has a '}' at character 8 that ends no {name}; write }} for a literal }",
                "{prompt}}");
        assertProblem("template \"{{prompt}}\" has no {prompt} placeholder; it must appear exactly once", "{{prompt}}");
        assertProblem("template \"a {\" has a '{' at character 2 that starts no {name}; write {{ for a literal {", "a {");
        assertEquals("template is not set",
                assertThrows(IllegalArgumentException.class, () -> PromptTemplate.parse(null)).getMessage());
    }

    private static void assertProblem(String expected, String template) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> PromptTemplate.parse(template)).getMessage());
    }
}
