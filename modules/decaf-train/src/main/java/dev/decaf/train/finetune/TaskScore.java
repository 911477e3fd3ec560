package dev.decaf.train.finetune;

import dev.decaf.models.infer.Generator;
import dev.decaf.text.data.builtin.TaskMetric;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A recipe's {@code task}: the exact match of greedy answers to the first {@value #EXAMPLES}
 * prompts of the prompt/completion validation file, measured before and after fine-tuning.
 */
final class TaskScore {

    /** How many validation prompts are scored. */
    static final int EXAMPLES = 100;

    private static final int MAX_ANSWER_TOKENS = 24;

    private final String name;
    private final TaskMetric metric;

    private TaskScore(String name, TaskMetric metric) {
        this.name = name;
        this.metric = metric;
    }

    /**
     * Loads the recipe's task.
     *
     * @param recipe the recipe
     * @param validationFile the validation file (must be prompt/completion JSON lines)
     * @return the task, or null when the recipe has none
     * @throws IOException on a read error
     */
    static TaskScore of(Recipe recipe, Path validationFile) throws IOException {
        if (recipe.task() == null) {
            return null;
        }
        if (validationFile == null || !validationFile.toString().endsWith(".jsonl")) {
            throw new IllegalArgumentException("task: '" + recipe.task() + "' needs a prompt/completion validation file");
        }
        return new TaskScore(recipe.task(), TaskMetric.load(validationFile));
    }

    /** Returns the task's name. */
    public String name() {
        return name;
    }

    /** Returns how many prompts are scored: {@value #EXAMPLES}, or fewer when the file has fewer. */
    public int examples() {
        return Math.min(EXAMPLES, metric.size());
    }

    /**
     * Returns the first prompts, for samples in the report.
     *
     * @param n how many at most
     * @return the prompts
     */
    public List<String> prompts(int n) {
        return metric.prompts().subList(0, Math.min(n, metric.size()));
    }

    /**
     * Scores the model behind a generator.
     *
     * @param generator the generator
     * @return the fraction of exact matches
     */
    public double accuracy(Generator generator) {
        Sampler greedy = new Sampler(0, 0, 1, 0);
        return metric.evaluate(p -> generator.generate(p, MAX_ANSWER_TOKENS, greedy).text(), EXAMPLES).accuracy();
    }
}
