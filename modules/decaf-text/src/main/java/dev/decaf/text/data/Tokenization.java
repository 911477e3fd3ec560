package dev.decaf.text.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one data file into a token stream, line by line, writing as it goes (memory stays flat
 * whatever the file's size):
 *
 * <ul>
 *   <li>plain text: every line tokenised with its trailing {@code "\n"} (a {@code \r\n} becomes
 *       {@code \n}; a last line without terminator gets none), then one end-of-text: the file is one
 *       document;
 *   <li>{@code {"text"}} lines: each the tokens of its text, then end-of-text;
 *   <li>{@code {"prompt", "completion"}} lines: the tokens of the prompt framed by the prompt
 *       template (mask 0), then the completion's tokens and the end-of-text (mask 1), with the
 *       example's start recorded in the offsets file; an example needs at least 2 tokens;
 *   <li>{@code {"messages"}} lines: the conversation rendered by the chat template into segments
 *       (see {@link SupervisedExample}), each tokenised on its own, mask 1 on the assistant turns'
 *       tokens; text after the last assistant turn is left out, no end-of-text is added;
 *   <li>{@code {"input_ids"}} lines: the ids as given (at least 2, each in {@code [0, vocabSize)}),
 *       with their start recorded in the offsets file.
 * </ul>
 *
 * An example of more than {@code seqLen + 1} tokens is truncated, dropped or a line error as
 * {@link Overlong} says; truncations and drops are counted.
 *
 * Blank lines of JSON lines files are ignored. A line error stops the run, or with {@code
 * skipBadLines} is counted and the line left out. The bytes read are hashed again and must match
 * the hash the cache key was made from, so a file that changes mid-run is never cached.
 */
final class Tokenization {

    private static final Logger LOG = LoggerFactory.getLogger(Tokenization.class);

    /** How many skip messages are kept (all are counted). */
    static final int MAX_REPORTED = 20;

    /**
     * The counts of a run.
     *
     * @param tokens tokens written
     * @param documents documents (or samples) written
     * @param skippedLines bad lines left out
     * @param skipped the first {@link #MAX_REPORTED} skip messages, each {@code FILE:LINE: problem}
     * @param truncated examples cut to {@code seqLen + 1} tokens (counted in documents)
     * @param dropped examples longer than {@code seqLen + 1} tokens left out (not in documents)
     */
    record Result(long tokens, long documents, long skippedLines, List<String> skipped, long truncated,
            long dropped) {}

    private final SourceSpec spec;
    private final Path file;
    private final TextTokenizer tokenizer;
    private final CacheFileWriter tokens;
    private final CacheFileWriter mask;
    private final CacheFileWriter offsets;
    private long tokenCount;
    private long documents;
    private long skippedLines;
    private final List<String> skipped = new ArrayList<>();
    private long truncated;
    private long dropped;

    private Tokenization(SourceSpec spec, CacheFileWriter tokens, CacheFileWriter mask, CacheFileWriter offsets) {
        this.spec = spec;
        this.file = spec.file();
        this.tokenizer = spec.tokenizer();
        this.tokens = tokens;
        this.mask = mask;
        this.offsets = offsets;
    }

    /**
     * Tokenises a file.
     *
     * @param spec the source
     * @param expectedSha256 the hash of the file's bytes the cache key was made from
     * @param tokens receives the token stream
     * @param mask receives the loss mask (prompt–completion), else null
     * @param offsets receives the example offsets (prompt–completion, pre-tokenised), else null
     * @return the counts
     * @throws DataException when the data is unusable
     * @throws IOException when reading or writing fails
     */
    static Result run(SourceSpec spec, byte[] expectedSha256, CacheFileWriter tokens, CacheFileWriter mask,
            CacheFileWriter offsets) throws IOException {
        return new Tokenization(spec, tokens, mask, offsets).run(expectedSha256);
    }

    private Result run(byte[] expectedSha256) throws IOException {
        MessageDigest md = TokenCache.sha256();
        try (LineReader r = new LineReader(file,
                new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), md))) {
            if (spec.layout().plainText()) {
                plainText(r);
            } else {
                jsonLines(r);
            }
        }
        if (!Arrays.equals(md.digest(), expectedSha256)) {
            throw new DataException(file, "changed while it was being tokenised; run again");
        }
        return new Result(tokenCount, documents, skippedLines, List.copyOf(skipped), truncated, dropped);
    }

    private void plainText(LineReader r) throws IOException {
        String line;
        while ((line = r.next()) != null) {
            String text = r.terminated() ? line + "\n" : line;
            if (!text.isEmpty()) {
                write(tokenizer.encode(text));
            }
        }
        if (tokenCount == 0) {
            throw new DataException(file, "no data");
        }
        tokens.putInt(tokenizer.eosId());
        tokenCount++;
        documents = 1;
    }

    private void jsonLines(LineReader r) throws IOException {
        if (offsets != null) {
            offsets.putLong(0);
        }
        while (true) {
            try {
                String line = r.next(); // a line over the limit throws, and is skipped like any bad line
                if (line == null) {
                    break;
                }
                if (JsonLines.blank(line)) {
                    continue;
                }
                JsonNode object = JsonLines.object(line);
                boolean kept = switch (spec.format()) {
                    case TEXT -> text(object);
                    case PROMPT_COMPLETION -> promptCompletion(object);
                    case MESSAGES -> messages(object);
                    case TOKENS -> inputIds(object);
                    default -> throw new IllegalStateException("unresolved format " + spec.format());
                };
                if (kept) {
                    documents++;
                } else {
                    dropped++;
                }
            } catch (LineProblem | LineTooLongException p) {
                String problem = p instanceof LineTooLongException t ? LineTooLongException.problem(t.bytes(),
                        t.maxBytes()) : p.getMessage();
                if (!spec.skipBadLines()) {
                    throw new DataException(file, r.lineNumber(), problem);
                }
                skippedLines++;
                if (skipped.size() < MAX_REPORTED) {
                    String message = DataException.where(file, r.lineNumber()) + ": " + problem;
                    skipped.add(message);
                    LOG.debug("skipped {}", message); // reported once, through LmDataset.warnings()
                }
            }
        }
        if (documents == 0 && dropped > 0) {
            throw new DataException(file, "no data: all " + dropped + (dropped == 1 ? " example is" : " examples are")
                    + " longer than seq_len + 1 = " + spec.blockLength() + " tokens and overlong is drop");
        }
        if (documents == 0) {
            throw new DataException(file, skippedLines == 0 ? "no data"
                    : "no data (all " + skippedLines + " non-blank lines were skipped as bad)");
        }
    }

    /** Writes a text document; returns true (text is cut into blocks, never dropped). */
    private boolean text(JsonNode object) throws IOException, LineProblem {
        int[] ids = tokenizer.encode(JsonLines.string(object, "text"));
        write(ids);
        tokens.putInt(tokenizer.eosId());
        tokenCount++;
        return true;
    }

    /** Writes a prompt–completion example as {@link Overlong} says; returns whether it was kept. */
    private boolean promptCompletion(JsonNode object) throws IOException, LineProblem {
        SupervisedExample e = SupervisedExample.promptCompletion(object, spec.template(), tokenizer);
        return supervised(e, () -> "example is " + e.length() + " tokens (prompt " + e.promptLength()
                + " + completion " + (e.length() - e.promptLength() - 1) + " + end-of-text), more than seq_len + 1 = "
                + spec.blockLength() + " (overlong is error)");
    }

    /** Writes a conversation as {@link Overlong} says; returns whether it was kept. */
    private boolean messages(JsonNode object) throws IOException, LineProblem {
        SupervisedExample e = SupervisedExample.messages(object, spec.chatTemplate(), tokenizer);
        return supervised(e, () -> "conversation is " + e.length() + " tokens (" + e.promptLength()
                + " before the first assistant turn), more than seq_len + 1 = " + spec.blockLength()
                + " (overlong is error)");
    }

    /** Writes a supervised example, truncated, dropped or refused when it is longer than a row. */
    private boolean supervised(SupervisedExample e, Supplier<String> tooLong)
            throws IOException, LineProblem {
        SupervisedExample kept = e;
        if (e.length() > spec.blockLength()) {
            switch (spec.overlong()) {
                case ERROR -> throw new LineProblem(tooLong.get());
                case DROP -> {
                    return false;
                }
                case TRUNCATE -> {
                    kept = e.truncate(spec.blockLength());
                    truncated++;
                }
                default -> throw new IllegalStateException("unknown overlong " + spec.overlong());
            }
        }
        tokens.putInts(kept.ids());
        for (byte b : kept.mask()) {
            mask.putByte(b);
        }
        tokenCount += kept.length();
        offsets.putLong(tokenCount);
        return true;
    }

    /** Writes an {@code input_ids} line as {@link Overlong} says; returns whether it was kept. */
    private boolean inputIds(JsonNode object) throws IOException, LineProblem {
        int[] ids = JsonLines.ids(object, "input_ids", tokenizer.vocabSize());
        if (ids.length < 2) {
            throw new LineProblem("input_ids has " + ids.length + (ids.length == 1 ? " id" : " ids")
                    + "; a sample needs at least 2 (an input and its label)");
        }
        if (ids.length > spec.blockLength()) {
            switch (spec.overlong()) {
                case ERROR -> throw new LineProblem("input_ids has " + ids.length + " ids, more than seq_len + 1 = "
                        + spec.blockLength() + " (overlong is error)");
                case DROP -> {
                    return false;
                }
                case TRUNCATE -> {
                    ids = Arrays.copyOf(ids, spec.blockLength());
                    truncated++;
                }
                default -> throw new IllegalStateException("unknown overlong " + spec.overlong());
            }
        }
        write(ids);
        offsets.putLong(tokenCount);
        return true;
    }

    private void write(int[] ids) throws IOException {
        tokens.putInts(ids);
        tokenCount += ids.length;
    }
}
