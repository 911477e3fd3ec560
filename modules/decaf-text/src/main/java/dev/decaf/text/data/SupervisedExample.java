package dev.decaf.text.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.template.Conversation;
import dev.decaf.text.template.ConversationProblem;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.text.template.Segment;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One supervised example (a prompt–completion pair or a conversation) as token ids and a loss mask,
 * made from its rendered {@link Segment segments}: each segment's text is tokenised on its own and
 * the ids are concatenated, so the mask (1 for the tokens of trained segments, 0 for the others)
 * changes exactly where the segments meet — a merge across the boundary, which tokenising the
 * joined text could make, never blurs it. {@link Tokenization} writes examples made here and
 * {@link DataScan} measures them, so both count the same tokens.
 *
 * <p>The example's <em>prompt</em> is its leading untrained tokens (for a conversation: everything
 * before the first assistant turn); {@link #truncate} cuts as {@link Overlong#TRUNCATE} says.
 */
final class SupervisedExample {

    private final int[] ids;
    private final byte[] mask;
    private final int promptLength;

    private SupervisedExample(int[] ids, byte[] mask) {
        this.ids = ids;
        this.mask = mask;
        int p = 0;
        while (p < mask.length && mask[p] == 0) {
            p++;
        }
        this.promptLength = p;
    }

    /**
     * Tokenises an example's segments.
     *
     * @param segments the rendered example, in order
     * @param tokenizer the tokenizer
     * @param endOfText whether a trained end-of-text follows (prompt–completion; a chat template
     *     writes its own end-of-turn marker)
     * @return the example
     */
    static SupervisedExample encode(List<Segment> segments, TextTokenizer tokenizer, boolean endOfText) {
        List<int[]> parts = new ArrayList<>(segments.size());
        int n = endOfText ? 1 : 0;
        for (Segment s : segments) {
            int[] p = s.text().isEmpty() ? new int[0] : tokenizer.encode(s.text());
            parts.add(p);
            n += p.length;
        }
        int[] ids = new int[n];
        byte[] mask = new byte[n];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            int[] p = parts.get(i);
            System.arraycopy(p, 0, ids, at, p.length);
            Arrays.fill(mask, at, at + p.length, segments.get(i).trained() ? (byte) 1 : (byte) 0);
            at += p.length;
        }
        if (endOfText) {
            ids[at] = tokenizer.eosId();
            mask[at] = 1;
        }
        return new SupervisedExample(ids, mask);
    }

    /**
     * Reads and tokenises a {@code {"prompt", "completion"}} line: the framed prompt, the
     * completion, a trained end-of-text.
     *
     * @param object the line's object
     * @param template frames the prompt
     * @param tokenizer the tokenizer
     * @return the example, at least 2 tokens
     * @throws LineProblem when a field is missing or not a string, or the example has 1 token
     */
    static SupervisedExample promptCompletion(JsonNode object, PromptTemplate template, TextTokenizer tokenizer)
            throws LineProblem {
        String prompt = JsonLines.string(object, "prompt");
        String completion = JsonLines.string(object, "completion");
        SupervisedExample e = encode(template.render(prompt, completion), tokenizer, true);
        if (e.length() < 2) {
            throw new LineProblem("example has 1 token (an empty prompt and completion, then end-of-text);"
                    + " it needs at least 2 (an input and its label)");
        }
        return e;
    }

    /**
     * Reads, renders and tokenises a {@code messages} line (see {@link #conversation}).
     *
     * @param object the line's object
     * @param template the chat template
     * @param tokenizer the tokenizer
     * @return the example, at least 2 tokens, at least one of them trained
     * @throws LineProblem when the conversation is malformed, refused, or has nothing to train on
     */
    static SupervisedExample messages(JsonNode object, ChatTemplate template, TextTokenizer tokenizer)
            throws LineProblem {
        SupervisedExample e = encode(conversation(object, template), tokenizer, false);
        if (e.promptLength() == e.length()) {
            throw new LineProblem("the assistant turns render to no tokens: nothing to train on");
        }
        if (e.length() < 2) {
            throw new LineProblem("conversation is 1 token; it needs at least 2 (an input and its label)");
        }
        return e;
    }

    /**
     * Reads a {@code messages} line and renders it with a chat template, leaving out any untrained
     * text after the last assistant turn (it would be read and never learnt from).
     *
     * @param object the line's object
     * @param template the chat template
     * @return the segments, the last one trained
     * @throws LineProblem when the messages are malformed, hold no assistant turn, or the template
     *     refuses or cannot split them
     */
    static List<Segment> conversation(JsonNode object, ChatTemplate template) throws LineProblem {
        List<Segment> segments;
        try {
            segments = new ArrayList<>(template.render(messages(object).messages()));
        } catch (ConversationProblem p) {
            throw new LineProblem(p.getMessage());
        }
        while (!segments.isEmpty() && !segments.get(segments.size() - 1).trained()) {
            segments.remove(segments.size() - 1);
        }
        return segments;
    }

    /**
     * Reads a {@code messages} line's conversation (its structure only).
     *
     * @param object the line's object
     * @return the conversation
     * @throws LineProblem when the messages are malformed or hold no assistant turn
     */
    static Conversation messages(JsonNode object) throws LineProblem {
        try {
            return Conversation.fromJson(object);
        } catch (ConversationProblem p) {
            throw new LineProblem(p.getMessage());
        }
    }

    /** Returns the number of tokens. */
    int length() {
        return ids.length;
    }

    /** Returns the number of leading untrained tokens. */
    int promptLength() {
        return promptLength;
    }

    /** Returns the token ids (not a copy). */
    int[] ids() {
        return ids;
    }

    /** Returns the loss mask, one byte per token (not a copy). */
    byte[] mask() {
        return mask;
    }

    /**
     * Cuts the example to {@code limit} tokens as {@link Overlong#TRUNCATE} does, with {@code p}
     * the prompt's tokens and {@code a = length − p} the rest (which starts with a trained token):
     * when {@code p < limit} the first {@code limit} tokens are kept (the whole prompt, the start
     * of the rest); otherwise the last {@code limit − r} prompt tokens and the first {@code r} of
     * the rest, {@code r = min(a, ⌊limit/2⌋)}.
     *
     * @param limit the most tokens kept, ≥ 2
     * @return the example itself when it fits, else the cut one
     */
    SupervisedExample truncate(int limit) {
        if (ids.length <= limit) {
            return this;
        }
        int from;
        int to;
        if (promptLength < limit) {
            from = 0;
            to = limit;
        } else {
            int rest = Math.min(ids.length - promptLength, limit / 2);
            from = promptLength - (limit - rest);
            to = promptLength + rest;
        }
        return new SupervisedExample(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(mask, from, to));
    }
}
