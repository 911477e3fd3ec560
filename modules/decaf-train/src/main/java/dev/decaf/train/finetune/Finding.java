package dev.decaf.train.finetune;

import dev.decaf.text.data.DataScan;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing {@link RecipeValidation} found, printed as one line: {@code FILE:LINE: message}
 * ({@code FILE: message} when no line is at fault, {@code message} when no file is).
 *
 * @param kind what kind, a stable name for scripts ({@code schema}, {@code seq-len}, {@code
 *     malformed-json}, …; see {@link RecipeValidation})
 * @param severity an error fails the run, a warning does not, a note is information
 * @param message what is wrong, with the recipe key where one is at fault
 * @param file the file at fault, or null
 * @param line the 1-based line, or 0
 */
public record Finding(String kind, DataScan.Severity severity, String message, String file, long line) {

    /** Returns {@code FILE:LINE: message}, leaving out what is not known. */
    @Override
    public String toString() {
        if (file == null) {
            return message;
        }
        return (line > 0 ? file + ":" + line : file) + ": " + message;
    }

    /** Returns the finding as a JSON object: {@code kind}, {@code message}, {@code file}, {@code line} (null when unknown). */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("message", message);
        m.put("file", file);
        m.put("line", line > 0 ? line : null);
        return m;
    }
}
