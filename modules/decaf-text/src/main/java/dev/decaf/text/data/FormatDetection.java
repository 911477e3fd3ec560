package dev.decaf.text.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.decaf.text.template.Conversation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides how a data file is read: its {@link DataFormat}, and for {@link DataFormat#TEXT}
 * whether it is plain text or JSON lines (by extension: {@code .jsonl}, {@code .json} and {@code
 * .ndjson} are JSON lines, anything else is plain text).
 */
final class FormatDetection {

    /**
     * The resolved layout of a file.
     *
     * @param format the format, never AUTO
     * @param plainText whether the file is plain text (TEXT only)
     */
    record Layout(DataFormat format, boolean plainText) {}

    private FormatDetection() {}

    /**
     * Resolves the layout of a file, checking that it exists.
     *
     * @param file the data file
     * @param requested the format asked for, possibly AUTO
     * @param skipBadLines whether unreadable first lines are passed over while detecting
     * @return the layout
     * @throws DataException when the file is missing or its format cannot be told
     * @throws IOException when reading fails
     */
    static Layout resolve(Path file, DataFormat requested, boolean skipBadLines) throws IOException {
        if (Files.isDirectory(file)) {
            throw new DataException(file, "is a directory, not a data file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(file, "no such file");
        }
        boolean json = jsonLines(file);
        switch (requested) {
            case TEXT:
                return new Layout(DataFormat.TEXT, !json);
            case PROMPT_COMPLETION:
            case MESSAGES:
            case TOKENS:
                return new Layout(requested, false);
            default:
                break;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt")) {
            return new Layout(DataFormat.TEXT, true);
        }
        if (!json) {
            throw new DataException(file, "cannot tell the format from the file name (expected .txt, .jsonl or .json);"
                    + " a recipe can set data.format");
        }
        return new Layout(detect(file, skipBadLines), false);
    }

    /** Returns whether the file name says JSON lines. */
    static boolean jsonLines(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson");
    }

    private static DataFormat detect(Path file, boolean skipBadLines) throws IOException {
        DataException first = null;
        try (LineReader r = new LineReader(file, Files.newInputStream(file))) {
            String line;
            while ((line = r.next()) != null) {
                if (JsonLines.blank(line)) {
                    continue;
                }
                try {
                    return fromKeys(JsonLines.object(line));
                } catch (LineProblem p) {
                    DataException e = new DataException(file, r.lineNumber(), p.getMessage());
                    if (!skipBadLines) {
                        throw e;
                    }
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
        throw new DataException(file, "no data");
    }

    /**
     * Tells a line's format from its keys, as {@link DataFormat#AUTO} does.
     *
     * @param object the line's object
     * @return the format its keys name
     * @throws LineProblem when the keys name no format
     */
    static DataFormat fromKeys(JsonNode object) throws LineProblem {
        if (object.has("input_ids")) {
            return DataFormat.TOKENS;
        }
        if (object.has("prompt") || object.has("completion")) {
            return DataFormat.PROMPT_COMPLETION;
        }
        if (object.has(Conversation.FIELD)) {
            return DataFormat.MESSAGES;
        }
        if (object.has("text")) {
            return DataFormat.TEXT;
        }
        List<String> keys = new ArrayList<>();
        object.fieldNames().forEachRemaining(k -> keys.add("'" + k + "'"));
        throw new LineProblem("cannot detect the format: expected field 'text', 'prompt' and 'completion',"
                + " 'messages' or 'input_ids', found " + (keys.isEmpty() ? "no fields" : String.join(", ", keys)));
    }
}
