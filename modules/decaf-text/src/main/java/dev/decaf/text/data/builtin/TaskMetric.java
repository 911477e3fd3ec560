package dev.decaf.text.data.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.decaf.text.data.JsonLines;
import dev.decaf.text.data.LineProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The task metric: a set of prompts with their reference completions (normally a task's {@code
 * validation.jsonl}), scored by {@link ExactMatch}.
 *
 * <pre>{@code
 * TaskMetric metric = TaskMetric.load(taskDir.resolve("validation.jsonl"));
 * TaskMetric.Result r = metric.evaluate(prompt -> generateGreedy(model, prompt, 8));
 * System.out.printf("exact match %.1f%% (%d/%d)%n", 100 * r.accuracy(), r.correct(), r.total());
 * }</pre>
 */
public final class TaskMetric {


    private final List<TaskExample> examples;
    private final Map<String, String> byPrompt;

    private TaskMetric(List<TaskExample> examples) {
        Map<String, String> map = new LinkedHashMap<>();
        for (TaskExample e : examples) {
            String old = map.putIfAbsent(e.prompt(), e.completion());
            if (old != null && !old.equals(e.completion())) {
                throw new IllegalArgumentException("prompt has two references: " + quote(e.prompt()));
            }
        }
        this.examples = List.copyOf(examples);
        this.byPrompt = map;
    }

    /**
     * Returns a metric over the given examples.
     *
     * @param examples prompts with references; a prompt may repeat only with the same reference
     * @return the metric
     */
    public static TaskMetric of(List<TaskExample> examples) {
        return new TaskMetric(examples);
    }

    /**
     * Reads a prompt–completion JSON lines file ({@code {"prompt": …, "completion": …}} per line;
     * blank lines are skipped; other fields are ignored).
     *
     * @param file the file
     * @return the metric over its lines, in file order
     * @throws IOException when the file cannot be read, or a line is not such an object (the
     *     message names the file and line)
     */
    public static TaskMetric load(Path file) throws IOException {
        List<TaskExample> out = new ArrayList<>();
        JsonLines.read(file, (line, node) -> {
            if (!text(node, "prompt") || !text(node, "completion")) {
                throw new LineProblem("expected {\"prompt\": string, \"completion\": string}");
            }
            out.add(new TaskExample(node.get("prompt").textValue(), node.get("completion").textValue()));
        });
        try {
            return new TaskMetric(out);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static boolean text(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v != null && v.isTextual();
    }

    /** Returns the examples, in order. */
    public List<TaskExample> examples() {
        return examples;
    }

    /** Returns the prompts, in order. */
    public List<String> prompts() {
        return examples.stream().map(TaskExample::prompt).toList();
    }

    /** Returns the reference completions, in order. */
    public List<String> references() {
        return examples.stream().map(TaskExample::completion).toList();
    }

    /** Returns the number of examples. */
    public int size() {
        return examples.size();
    }

    /**
     * Returns the reference completion for a prompt.
     *
     * @param prompt the prompt, exactly as in the file
     * @return its reference, or empty when the prompt is not in the set
     */
    public Optional<String> reference(String prompt) {
        return Optional.ofNullable(byPrompt.get(prompt));
    }

    /**
     * Scores predictions given in the order of {@link #examples()}.
     *
     * @param predictions one completion per example
     * @return the exact-match accuracy (NaN for an empty set)
     */
    public double score(List<String> predictions) {
        return ExactMatch.score(predictions, references());
    }

    /**
     * Scores predictions keyed by prompt; a prompt without a prediction counts as wrong.
     *
     * @param predictions prompt → completion
     * @return the exact-match accuracy over all examples (NaN for an empty set)
     */
    public double score(Map<String, String> predictions) {
        List<String> ordered = new ArrayList<>(examples.size());
        for (TaskExample e : examples) {
            String p = predictions.get(e.prompt());
            ordered.add(p == null ? "\u0000no prediction" : p);
        }
        return score(ordered);
    }

    /**
     * Runs a model on every prompt and scores it.
     *
     * @param model prompt → generated completion (greedy decoding recommended)
     * @return every outcome and the accuracy
     */
    public Result evaluate(Function<String, String> model) {
        return evaluate(model, examples.size());
    }

    /**
     * Runs a model on the first {@code limit} prompts and scores it.
     *
     * @param model prompt → generated completion
     * @param limit how many examples to use (at most {@link #size()})
     * @return every outcome and the accuracy over them
     */
    public Result evaluate(Function<String, String> model, int limit) {
        Objects.requireNonNull(model, "model");
        int n = Math.min(Math.max(0, limit), examples.size());
        List<Outcome> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TaskExample e = examples.get(i);
            String p = model.apply(e.prompt());
            outcomes.add(new Outcome(e.prompt(), e.completion(), p, p != null && ExactMatch.matches(p, e.completion())));
        }
        return new Result(outcomes);
    }

    /**
     * One prompt's result.
     *
     * @param prompt the prompt
     * @param reference the reference completion
     * @param prediction what the model produced
     * @param correct whether it matches
     */
    public record Outcome(String prompt, String reference, String prediction, boolean correct) {}

    /**
     * An evaluation.
     *
     * @param outcomes every example's outcome, in order
     */
    public record Result(List<Outcome> outcomes) {

        public Result {
            outcomes = List.copyOf(outcomes);
        }

        /** Returns how many were correct. */
        public int correct() {
            return (int) outcomes.stream().filter(Outcome::correct).count();
        }

        /** Returns how many were scored. */
        public int total() {
            return outcomes.size();
        }

        /** Returns correct / total (NaN when nothing was scored). */
        public double accuracy() {
            return outcomes.isEmpty() ? Double.NaN : (double) correct() / outcomes.size();
        }
    }

    private static String quote(String s) {
        String t = s.replace("\n", "\\n");
        return "\"" + (t.length() > 80 ? t.substring(0, 80) + "…" : t) + "\"";
    }
}
