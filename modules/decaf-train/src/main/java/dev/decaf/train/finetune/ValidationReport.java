package dev.decaf.train.finetune;

import dev.decaf.core.json.Json;
import dev.decaf.text.data.DataScan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything {@link RecipeValidation} found about a recipe: the findings in the order they were
 * checked (schema, model, tokenizer, groups, then each data file grouped by kind), and what the
 * data scan measured per split. {@link #ok()} when there is no error; warnings and notes alone
 * leave a recipe ok.
 *
 * <p>{@link #toJson()} is the stable shape {@code decaf recipes validate --json} prints:
 *
 * <pre>{@code
 * {"ok": false, "recipe": "r.yaml",
 *  "errors":   [{"kind": "seq-len", "message": "…", "file": "r.yaml", "line": null}, …],
 *  "warnings": [{"kind": "malformed-json", "message": "…", "file": "train.jsonl", "line": 7}, …],
 *  "notes":    [ … ],
 *  "data": {"train": {"source": "train.jsonl", "format": "prompt-completion", "lines": 120,
 *                     "examples": 118, "tokens": 5210, "longest": 97, "longest_line": 40,
 *                     "overlong": 2, "samples": 40, "problems": {"malformed-json": 2}},
 *           "validation": { … }}}
 * }</pre>
 *
 * Token counts ({@code tokens}, {@code longest}, {@code samples}) are null when they were not
 * measured (no tokenizer yet); {@code data} lacks a split that was not scanned.
 *
 * @param recipe the recipe file as named
 * @param findings every finding, in report order
 * @param data per split ({@code train}, {@code validation}), what the scan measured
 */
public record ValidationReport(String recipe, List<Finding> findings, Map<String, DataCheck> data) {

    /**
     * One scanned data file.
     *
     * @param source the file as the user knows it ({@code builtin:NAME/train.jsonl} for built-in data)
     * @param result what the scan found
     */
    public record DataCheck(String source, DataScan.Result result) {}

    /** Copies the list and map. */
    public ValidationReport {
        findings = List.copyOf(findings);
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** Returns whether nothing fails: no finding is an error. */
    public boolean ok() {
        return errors().isEmpty();
    }

    /** Returns the errors, in report order. */
    public List<Finding> errors() {
        return of(DataScan.Severity.ERROR);
    }

    /** Returns the warnings, in report order. */
    public List<Finding> warnings() {
        return of(DataScan.Severity.WARNING);
    }

    /** Returns the notes (information), in report order. */
    public List<Finding> notes() {
        return of(DataScan.Severity.INFO);
    }

    private List<Finding> of(DataScan.Severity s) {
        return findings.stream().filter(f -> f.severity() == s).toList();
    }

    /**
     * Returns one line on what a split's scan measured, e.g. {@code data.train: t.jsonl:
     * prompt-completion, 120 lines, 118 examples, 5,210 tokens, longest 97 tokens (line 40), 2
     * overlong, 40 samples}.
     *
     * @param split {@code train} or {@code validation}
     * @return the line
     */
    public String summary(String split) {
        DataCheck c = data.get(split);
        DataScan.Result r = c.result();
        StringBuilder sb = new StringBuilder("data.").append(split).append(": ").append(c.source()).append(": ")
                .append(formatName(r.format())).append(String.format(Locale.ROOT, ", %,d lines, %,d examples", r.lines(),
                        r.examples()));
        if (r.measured()) {
            sb.append(String.format(Locale.ROOT, ", %,d tokens, longest %,d tokens", r.tokens(), r.longest()));
            if (r.longestLine() > 0) {
                sb.append(" (line ").append(r.longestLine()).append(')');
            }
            sb.append(String.format(Locale.ROOT, ", %,d overlong, %,d sample%s", r.overlong(), r.samples(),
                    r.samples() == 1 ? "" : "s"));
        } else {
            sb.append(" (token counts not measured: no tokenizer yet)");
        }
        return sb.toString();
    }

    /** Returns the report as one JSON object (see the class comment for its shape). */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("ok", ok());
        root.put("recipe", recipe);
        root.put("errors", errors().stream().map(Finding::toJson).toList());
        root.put("warnings", warnings().stream().map(Finding::toJson).toList());
        root.put("notes", notes().stream().map(Finding::toJson).toList());
        Map<String, Object> splits = new LinkedHashMap<>();
        data.forEach((split, c) -> splits.put(split, json(c)));
        root.put("data", splits);
        return Json.write(root);
    }

    private static Map<String, Object> json(DataCheck c) {
        DataScan.Result r = c.result();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", c.source());
        m.put("format", r.format() == null ? null : formatName(r.format()));
        m.put("lines", r.lines());
        m.put("examples", r.examples());
        m.put("tokens", r.measured() ? r.tokens() : null);
        m.put("longest", r.measured() ? r.longest() : null);
        m.put("longest_line", r.measured() && r.longestLine() > 0 ? r.longestLine() : null);
        m.put("overlong", r.overlong());
        m.put("samples", r.measured() ? r.samples() : null);
        Map<String, Object> problems = new LinkedHashMap<>();
        for (DataScan.Kind k : DataScan.Kind.values()) {
            if (r.count(k) > 0) {
                problems.put(k.id(), r.count(k));
            }
        }
        m.put("problems", problems);
        return m;
    }

    /** A format as recipes spell it ({@code prompt-completion}), or {@code unknown}. */
    static String formatName(dev.decaf.text.data.DataFormat f) {
        return f == null ? "unknown format" : f.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Collects findings in order. */
    static final class Builder {
        private final String recipe;
        private final List<Finding> findings = new ArrayList<>();
        private final Map<String, DataCheck> data = new LinkedHashMap<>();

        Builder(String recipe) {
            this.recipe = recipe;
        }

        void error(String kind, String message, String file, long line) {
            findings.add(new Finding(kind, DataScan.Severity.ERROR, message, file, line));
        }

        void add(Finding f) {
            findings.add(f);
        }

        int size() {
            return findings.size();
        }

        /** Returns the errors found so far. */
        long errors() {
            return findings.stream().filter(f -> f.severity() == DataScan.Severity.ERROR).count();
        }

        void data(String split, DataCheck check) {
            data.put(split, check);
        }

        ValidationReport build() {
            return new ValidationReport(recipe, findings, data);
        }
    }
}
