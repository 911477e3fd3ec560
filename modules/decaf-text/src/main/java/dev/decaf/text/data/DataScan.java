package dev.decaf.text.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a data file the way {@link LmDataset} would read it — the same format detection, field
 * rules and line errors as its tokenisation — without writing anything: one streaming pass, line
 * by line, that tokenises each example only to measure it (memory stays flat in the file's size;
 * one line holds at most {@link Builder#optMaxLineBytes} bytes). Every problem is collected, not
 * just the first: per {@link Kind} a count and the first {@value #MAX_EXAMPLES} with their lines.
 *
 * <p>Severities: a problem that makes {@link LmDataset} fail is an {@link Severity#ERROR}; a bad
 * line that {@code skipBadLines} would skip and count is a {@link Severity#WARNING}; examples
 * longer than {@code seqLen + 1} tokens (prompt–completion and pre-tokenised samples, which must
 * fit one block; text documents are packed across blocks) are {@link Severity#INFO} when the
 * overlong policy truncates or drops them and line problems when it is {@code error}. Without a
 * tokenizer (a model that trains its own at the start of a run) only the structure is checked and
 * token counts are -1; so too for {@link DataFormat#MESSAGES} data without a chat template (the
 * caller reports why there is none). With one, each conversation is rendered as {@link LmDataset}
 * renders it, so a conversation the template refuses is a line problem here too.
 *
 * <pre>{@code
 * DataScan.Result r = DataScan.builder().setFile(Path.of("sft.jsonl")).setSeqLen(512)
 *         .optTokenizer(tok).optSkipBadLines(false).build().scan();
 * r.errors();                 // 0: LmDataset would read this file
 * r.longest();                // the longest example, in tokens
 * }</pre>
 */
public final class DataScan {

    /** How many problems of one kind are kept with their lines (all are counted). */
    public static final int MAX_EXAMPLES = 5;


    /** How much a problem matters. */
    public enum Severity {
        /** The run would fail. */
        ERROR,
        /** The run would go on, skipping and counting the line. */
        WARNING,
        /** Worth knowing, changes nothing. */
        INFO
    }

    /** What kind of problem; {@link #id()} is its stable name in reports. */
    public enum Kind {
        /** The file is missing or a directory. */
        MISSING_FILE("missing-file"),
        /** The format cannot be told, or the tokenizer cannot serve it. */
        FORMAT("format"),
        /** Not text: invalid UTF-8 or a NUL byte. */
        BINARY("binary"),
        /** A line longer than the line limit (read through, never held). */
        LINE_TOO_LONG("line-too-long"),
        /** Not valid JSON, or not a JSON object. */
        MALFORMED_JSON("malformed-json"),
        /** A field that is missing, of the wrong type, or out of range. */
        FIELD("field"),
        /** A line of another format than the file's. */
        MIXED_FORMAT("mixed-format"),
        /** Examples longer than {@code seqLen + 1} tokens. */
        OVERLONG("overlong"),
        /** No data: no non-blank line, every line bad, or too few tokens for one block (listed last: it follows from the rest). */
        EMPTY("empty-data");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** Returns the kind's name in reports, e.g. {@code malformed-json}. */
        public String id() {
            return id;
        }
    }

    /**
     * One problem.
     *
     * @param kind what kind
     * @param severity how much it matters
     * @param line the 1-based line, or 0 for the file as a whole
     * @param message what is wrong, without file or line
     */
    public record Issue(Kind kind, Severity severity, long line, String message) {}

    /**
     * What a scan found.
     *
     * @param file the file
     * @param format the resolved format, or null when it could not be told
     * @param plainText whether the file is read as plain text
     * @param lines lines in the file
     * @param examples examples (documents, prompt–completion pairs, conversations or samples) that would be used;
     *     1 for a plain text file with data
     * @param tokens tokens of those examples, one end-of-text per packed example included; -1
     *     without a tokenizer
     * @param longest tokens of the longest example (-1 without a tokenizer)
     * @param longestLine its line (0 for plain text, which is one document)
     * @param overlong examples longer than {@code seqLen + 1} tokens
     * @param overlongLines the first {@value #MAX_EXAMPLES} of their lines
     * @param samples training samples the file gives before any hold-out, after the overlong
     *     policy: blocks of {@code seqLen + 1} tokens (text), rows of whole examples (prompt–completion
     *     and messages, packed as {@link PackPlan} packs them or one to a row), or pre-tokenised
     *     lines; -1 when not measured
     * @param issues the problems kept, at most {@value #MAX_EXAMPLES} per kind, in file order
     * @param counts every problem counted, per kind ({@link Kind#OVERLONG}: every overlong
     *     example, also when one note reports them all)
     */
    public record Result(Path file, DataFormat format, boolean plainText, long lines, long examples, long tokens,
            long longest, long longestLine, long overlong, List<Long> overlongLines, long samples, List<Issue> issues,
            Map<Kind, Long> counts) {

        /** Copies the lists and map. */
        public Result {
            overlongLines = List.copyOf(overlongLines);
            issues = List.copyOf(issues);
            counts = Map.copyOf(counts);
        }

        /** Returns how many problems of a kind were found (more than {@link #issues()} may show). */
        public long count(Kind kind) {
            return counts.getOrDefault(kind, 0L);
        }

        /** Returns whether token counts were measured (there was a tokenizer, or the data is token ids). */
        public boolean measured() {
            return tokens >= 0;
        }
    }

    /** One example's length and the line it is on. */
    private record Example(long line, long tokens) {}

    private final Path file;
    private final DataFormat requested;
    private final TextTokenizer tokenizer;
    private final int seqLen;
    private final boolean skipBadLines;
    private final Overlong overlong;
    private final int maxLineBytes;
    private final PromptTemplate template;
    private final ChatTemplate chatTemplate;

    // the state of the scan (a DataScan runs once)
    private boolean scanned;
    private DataFormat format;
    private long formatLine;
    private long examples;
    private long tokens;
    private long keptTokens;
    private long keptSamples;
    /** Rows of whole supervised examples, laid out as {@link PackPlan#greedy} lays them out. */
    private final PackPlan.Filler rows;
    private long longest = -1;
    private long longestLine;
    private long overlongCount;
    private final List<Long> overlongLines = new ArrayList<>();
    private long badLines;
    private final List<Issue> issues = new ArrayList<>();
    private final Map<Kind, Long> counts = new EnumMap<>(Kind.class);

    private DataScan(Builder b) {
        this.file = b.file;
        this.requested = b.format;
        this.tokenizer = b.tokenizer;
        this.seqLen = b.seqLen;
        this.skipBadLines = b.skipBadLines;
        this.overlong = b.overlong;
        this.rows = new PackPlan.Filler(b.seqLen, b.packing);
        this.maxLineBytes = b.maxLineBytes;
        this.template = b.template;
        this.chatTemplate = b.chatTemplate;
    }

    /** Starts a scan. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the file once and reports what {@link LmDataset} would make of it (call it once).
     *
     * @return what was found
     * @throws IOException when reading fails (a problem of the data is an {@link Issue}, not an exception)
     */
    public Result scan() throws IOException {
        if (scanned) {
            throw new IllegalStateException("a DataScan runs once: build another");
        }
        scanned = true;
        FormatDetection.Layout layout = layout();
        if (layout == null) {
            return result(false, 0);
        }
        format = layout.format() == DataFormat.AUTO ? null : layout.format();
        long lines;
        try (LineReader r = new LineReader(file, new BufferedInputStream(Files.newInputStream(file), 1 << 16),
                maxLineBytes)) {
            lines = layout.plainText() ? plainText(r) : jsonLines(r);
        }
        if (format != null && format.packed() && tokenizer != null && tokenizer.eosId() < 0) {
            add(Kind.FORMAT, Severity.ERROR, 0, "the tokenizer has no end-of-text token, which packing " + format
                    + " data needs between documents");
        }
        if (overlongCount > 0 && overlong != Overlong.ERROR) {
            add(Kind.OVERLONG, Severity.INFO, overlongLines.get(0), overlongCount + (overlongCount == 1 ? " example is"
                    : " examples are") + " longer than seq_len + 1 = " + (seqLen + 1) + " tokens (the longest: " + longest
                    + " tokens, line " + longestLine + "); " + (overlong == Overlong.DROP ? "dropped" : "truncated")
                    + " (data.overlong: " + overlong.name().toLowerCase(java.util.Locale.ROOT) + "); lines " + lineList(overlongLines, overlongCount));
            counts.put(Kind.OVERLONG, overlongCount); // one note, counting every overlong example
        }
        if (count(Kind.EMPTY) == 0 && count(Kind.FORMAT) == 0) {
            if (examples == 0) {
                add(Kind.EMPTY, Severity.ERROR, 0, badLines == 0 ? "no data"
                        : "no data (all " + badLines + " non-blank lines are bad)");
            } else if (measuredSamples() == 0) {
                add(Kind.EMPTY, Severity.ERROR, 0, "no data: " + keptTokens + " tokens make no block of seq_len + 1 = "
                        + (seqLen + 1) + " tokens");
            }
        }
        return result(layout.plainText(), lines);
    }

    /** The file's layout, or null after reporting why there is none. */
    private FormatDetection.Layout layout() throws IOException {
        if (Files.isDirectory(file)) {
            add(Kind.MISSING_FILE, Severity.ERROR, 0, "is a directory, not a data file");
            return null;
        }
        if (!Files.isRegularFile(file)) {
            add(Kind.MISSING_FILE, Severity.ERROR, 0, "no such file");
            return null;
        }
        boolean json = FormatDetection.jsonLines(file);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        switch (requested) {
            case TEXT:
                return new FormatDetection.Layout(DataFormat.TEXT, !json);
            case PROMPT_COMPLETION:
            case MESSAGES:
            case TOKENS:
                return new FormatDetection.Layout(requested, false);
            default:
                break;
        }
        if (name.endsWith(".txt")) {
            return new FormatDetection.Layout(DataFormat.TEXT, true);
        }
        if (!json) {
            add(Kind.FORMAT, Severity.ERROR, 0, "cannot tell the format from the file name (expected .txt, .jsonl or"
                    + " .json); a recipe can set data.format");
            return null;
        }
        return new FormatDetection.Layout(DataFormat.AUTO, false); // the first good line decides
    }

    private long plainText(LineReader r) throws IOException {
        long documentTokens = 0;
        boolean any = false;
        while (true) {
            String line;
            try {
                line = r.next();
            } catch (DataException e) {
                unreadable(e, r);
                continue; // plain text skips no line: every unreadable one is an error
            }
            if (line == null) {
                break;
            }
            int nul = line.indexOf('\0');
            if (nul >= 0) {
                add(Kind.BINARY, Severity.ERROR, r.lineNumber(), "binary data: a NUL byte at character " + (nul + 1)
                        + " (is this a text file?)");
            }
            String text = r.terminated() ? line + "\n" : line;
            if (!text.isEmpty()) {
                any = true;
                if (tokenizer != null) {
                    documentTokens += tokenizer.encode(text).length;
                }
            }
        }
        if (any && (tokenizer == null || documentTokens > 0)) {
            examples = 1;
            if (tokenizer != null) {
                documentTokens++; // the end-of-text after the document
                tokens = documentTokens;
                keptTokens = documentTokens;
                longest = documentTokens;
            }
        }
        return r.lineNumber();
    }

    private long jsonLines(LineReader r) throws IOException {
        while (true) {
            String line;
            try {
                line = r.next();
            } catch (DataException e) {
                unreadable(e, r);
                continue;
            }
            if (line == null) {
                break;
            }
            if (JsonLines.blank(line)) {
                continue;
            }
            long n = r.lineNumber();
            Kind kind = Kind.FIELD;
            try {
                int nul = line.indexOf('\0');
                if (nul >= 0) {
                    kind = Kind.BINARY;
                    throw new LineProblem("binary data: a NUL byte at character " + (nul + 1));
                }
                JsonNode object;
                try {
                    object = JsonLines.object(line);
                } catch (LineProblem p) {
                    kind = Kind.MALFORMED_JSON;
                    throw p;
                }
                if (format == null) {
                    format = FormatDetection.fromKeys(object); // as detection does: the first good line decides
                    formatLine = n;
                }
                Example e;
                try {
                    e = example(n, object);
                } catch (LineProblem p) {
                    kind = otherFormat(object) != null ? Kind.MIXED_FORMAT : Kind.FIELD;
                    throw kind == Kind.MIXED_FORMAT ? new LineProblem(p.getMessage() + ": this line is "
                            + name(otherFormat(object)) + " data, the file is " + name(format) + " (" + formatSource()
                            + ")") : p;
                }
                kind = Kind.OVERLONG; // the only problem accept finds
                accept(e);
            } catch (LineProblem p) {
                lineProblem(kind, n, p.getMessage());
            }
        }
        return r.lineNumber();
    }

    /** The format a line's keys name when it is not the file's, or null. */
    private DataFormat otherFormat(JsonNode object) {
        try {
            DataFormat f = FormatDetection.fromKeys(object);
            return f == format ? null : f;
        } catch (LineProblem p) {
            return null;
        }
    }

    /** A format as recipes spell it: {@code prompt-completion}. */
    private static String name(DataFormat f) {
        return f.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private String formatSource() {
        return requested != DataFormat.AUTO ? "data.format" : "detected from line " + formatLine;
    }

    /** Reads one example of the file's format and measures it, with Tokenization's field rules. */
    private Example example(long line, JsonNode object) throws LineProblem {
        switch (format) {
            case TEXT -> {
                String text = JsonLines.string(object, "text");
                return new Example(line, tokenizer == null ? -1 : tokenizer.encode(text).length + 1L);
            }
            case PROMPT_COMPLETION -> {
                if (tokenizer == null) {
                    JsonLines.string(object, "prompt");
                    JsonLines.string(object, "completion");
                    return new Example(line, -1);
                }
                return new Example(line, SupervisedExample.promptCompletion(object, template, tokenizer).length());
            }
            case MESSAGES -> {
                if (chatTemplate == null) {
                    SupervisedExample.messages(object);
                    return new Example(line, -1);
                }
                if (tokenizer == null) {
                    SupervisedExample.conversation(object, chatTemplate);
                    return new Example(line, -1);
                }
                return new Example(line, SupervisedExample.messages(object, chatTemplate, tokenizer).length());
            }
            case TOKENS -> {
                int[] ids = JsonLines.ids(object, "input_ids", tokenizer == null ? Integer.MAX_VALUE : tokenizer.vocabSize());
                if (ids.length < 2) {
                    throw new LineProblem("input_ids has " + ids.length + (ids.length == 1 ? " id" : " ids")
                            + "; a sample needs at least 2 (an input and its label)");
                }
                return new Example(line, ids.length);
            }
            default -> throw new IllegalStateException("unresolved format " + format);
        }
    }

    private void accept(Example e) throws LineProblem {
        long block = seqLen + 1L;
        boolean fitsOneBlock = format != DataFormat.TEXT; // text documents are packed across blocks
        boolean tooLong = fitsOneBlock && e.tokens() > block;
        if (tooLong && overlong == Overlong.ERROR) {
            noteLongest(e);
            overlongCount++;
            throw new LineProblem("example is " + e.tokens() + " tokens, more than seq_len + 1 = " + block
                    + " (data.overlong: error)");
        }
        examples++;
        if (e.tokens() < 0) {
            return;
        }
        noteLongest(e);
        tokens += e.tokens();
        if (tooLong) {
            overlongCount++;
            if (overlongLines.size() < MAX_EXAMPLES) {
                overlongLines.add(e.line());
            }
        }
        long kept = !tooLong ? e.tokens() : overlong == Overlong.DROP ? 0 : block;
        keptTokens += kept;
        if (kept > 0) {
            keptSamples++;
            rows.place(kept - 1);
        }
    }

    private void noteLongest(Example e) {
        if (e.tokens() > longest) {
            longest = e.tokens();
            longestLine = e.line();
        }
    }

    /** Whether examples are measured in tokens: token ids are; text needs a tokenizer, messages a chat template too. */
    private boolean measuring() {
        return format == DataFormat.TOKENS
                || tokenizer != null && (format != DataFormat.MESSAGES || chatTemplate != null);
    }

    private long measuredSamples() {
        if (!measuring()) {
            return -1;
        }
        if (format == DataFormat.TOKENS) {
            return keptSamples;
        }
        return format != null && format.supervised() ? rows.rows() : keptTokens / (seqLen + 1L);
    }

    /** A line LineReader refused: too long (a bad line) or not UTF-8 (which stops LmDataset whatever the options). */
    private void unreadable(DataException e, LineReader r) {
        String problem = e.getMessage().substring(DataException.where(file, e.line()).length() + 2);
        if (e instanceof LineTooLongException) {
            lineProblem(Kind.LINE_TOO_LONG, e.line(), problem);
        } else {
            add(Kind.BINARY, Severity.ERROR, e.line() > 0 ? e.line() : r.lineNumber(), "binary data: " + problem);
        }
    }

    private void lineProblem(Kind kind, long line, String message) {
        badLines++;
        add(kind, skipBadLines ? Severity.WARNING : Severity.ERROR, line, message);
    }

    private void add(Kind kind, Severity severity, long line, String message) {
        long seen = counts.merge(kind, 1L, Long::sum);
        if (seen <= MAX_EXAMPLES) {
            issues.add(new Issue(kind, severity, line, message));
        }
    }

    private long count(Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    private Result result(boolean plainText, long lines) {
        boolean measured = measuring();
        return new Result(file, format, plainText, lines, examples, measured ? tokens : -1, measured ? Math.max(longest, 0) : -1,
                measured && !plainText ? longestLine : 0, overlongCount, overlongLines, measured ? measuredSamples() : -1,
                issues, counts);
    }

    /** {@code 3, 17, 40} or {@code 3, 17, 40, … (12 in all)}. */
    private static String lineList(List<Long> lines, long total) {
        StringBuilder sb = new StringBuilder();
        for (Long l : lines) {
            sb.append(sb.length() == 0 ? "" : ", ").append(l);
        }
        return total > lines.size() ? sb + ", … (" + total + " in all)" : sb.toString();
    }

    /** Builds a {@link DataScan}; {@code set*} options are required, {@code opt*} ones are not. */
    public static final class Builder {
        private Path file;
        private DataFormat format = DataFormat.AUTO;
        private TextTokenizer tokenizer;
        private int seqLen;
        private boolean skipBadLines;
        private Overlong overlong = Overlong.TRUNCATE;
        private boolean packing = true;
        private int maxLineBytes = LineReader.DEFAULT_MAX_LINE_BYTES;
        private PromptTemplate template = PromptTemplate.defaultTemplate();
        private ChatTemplate chatTemplate;

        private Builder() {}

        /**
         * Sets whether supervised examples would be packed several whole examples to a row
         * (default true), as {@link LmDataset.Builder#optPacking}; it decides {@link
         * Result#samples()}.
         *
         * @param packing whether to pack
         * @return this builder
         */
        public Builder optPacking(boolean packing) {
            this.packing = packing;
            return this;
        }

        /**
         * Sets how prompt–completion prompts are framed, as {@link LmDataset.Builder#optTemplate}
         * (default: the prompt as it is).
         *
         * @param template the template
         * @return this builder
         */
        public Builder optTemplate(PromptTemplate template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * Sets the chat template that renders messages data, as {@link
         * LmDataset.Builder#optChatTemplate} (default none: messages lines are checked for
         * structure only, and not measured).
         *
         * @param chatTemplate the template, or null
         * @return this builder
         */
        public Builder optChatTemplate(ChatTemplate chatTemplate) {
            this.chatTemplate = chatTemplate;
            return this;
        }

        /**
         * Sets the data file.
         *
         * @param file the file
         * @return this builder
         */
        public Builder setFile(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Sets the context length; an example that must fit one sample may have {@code seqLen + 1} tokens.
         *
         * @param seqLen the length, ≥ 1
         * @return this builder
         */
        public Builder setSeqLen(int seqLen) {
            if (seqLen < 1 || seqLen == Integer.MAX_VALUE) {
                throw new IllegalArgumentException("seqLen must be in [1, " + (Integer.MAX_VALUE - 1) + "], got " + seqLen);
            }
            this.seqLen = seqLen;
            return this;
        }

        /**
         * Sets the format (default AUTO).
         *
         * @param format the format
         * @return this builder
         */
        public Builder optFormat(DataFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Sets the tokenizer that measures examples (default none: structure only, no token counts).
         *
         * @param tokenizer the tokenizer, or null
         * @return this builder
         */
        public Builder optTokenizer(TextTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /**
         * Sets whether bad lines would be skipped and counted (then they are warnings) rather than
         * fatal (errors; default).
         *
         * @param skip whether bad lines are skipped
         * @return this builder
         */
        public Builder optSkipBadLines(boolean skip) {
            this.skipBadLines = skip;
            return this;
        }

        /**
         * Sets what happens to an example longer than {@code seqLen + 1} tokens, as {@link
         * LmDataset.Builder#optOverlong} ({@link Overlong#TRUNCATE}, the default, and {@link
         * Overlong#DROP} are reported as information; {@link Overlong#ERROR} makes it a bad line).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optOverlong(Overlong policy) {
            this.overlong = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets the longest line read, in bytes (default {@value LineReader#DEFAULT_MAX_LINE_BYTES});
         * a longer line is passed over without being held and reported as a bad line.
         *
         * @param bytes the limit, ≥ 1
         * @return this builder
         */
        public Builder optMaxLineBytes(int bytes) {
            if (bytes < 1 || bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxLineBytes must be in [1, " + (Integer.MAX_VALUE - 16) + "], got "
                        + bytes);
            }
            this.maxLineBytes = bytes;
            return this;
        }

        /** Builds the scan. */
        public DataScan build() {
            if (file == null) {
                throw new IllegalStateException("no data file: call setFile");
            }
            if (seqLen == 0) {
                throw new IllegalStateException("no context length: call setSeqLen");
            }
            return new DataScan(this);
        }
    }
}
