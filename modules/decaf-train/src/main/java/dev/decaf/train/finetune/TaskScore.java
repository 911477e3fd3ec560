package dev.decaf.train.finetune;

import dev.decaf.models.infer.Generator;
import dev.decaf.text.data.DataSplit;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.data.PromptCompletionIds;
import dev.decaf.text.data.builtin.ExactMatch;
import dev.decaf.text.data.builtin.TaskExample;
import dev.decaf.text.data.builtin.TaskMetric;
import dev.decaf.text.sampling.Generation;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.text.tokenizer.TextTokenizer;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recipe's {@code task}: the {@link ExactMatch} accuracy of greedy answers (at most {@value
 * #MAX_ANSWER_TOKENS} tokens) to the first {@value #EXAMPLES} validation prompts, measured before
 * and after fine-tuning. The task's name is a label: the metric is the same for built-in tasks and
 * for any prompt–completion data. The prompts come from the validation file (prompt/completion
 * JSON lines) or, without one, from the examples {@code data.validation_fraction} holds out of
 * prompt–completion training data, in file order, read back from the token cache as they were
 * tokenised: the prompt's ids are the model's input and the completion's decoded ids the
 * reference. A held-out example whose completion was truncated is not scored (its reference is cut).
 */
final class TaskScore {

    /** How many validation prompts are scored. */
    static final int EXAMPLES = 100;

    private static final int MAX_ANSWER_TOKENS = 24;

    /**
     * One scored prompt.
     *
     * @param prompt the prompt's text
     * @param ids its ids, or null to encode the text
     * @param reference the reference completion
     */
    private record Item(String prompt, int[] ids, String reference) {}

    private final String name;
    private final String source;
    private final List<Item> items;

    private TaskScore(String name, String source, List<Item> items) {
        this.name = name;
        this.source = source;
        this.items = List.copyOf(items);
    }

    /**
     * Loads the recipe's task.
     *
     * @param recipe the recipe
     * @param validationFile the validation file (must be prompt/completion JSON lines), or null
     * @param data the run's data (its held-out examples serve without a validation file)
     * @param tokenizer the run's tokenizer (decodes held-out examples)
     * @return the task, or null when the recipe has none
     * @throws IOException on a read error
     */
    static TaskScore of(Recipe recipe, Path validationFile, LmDataset data, TextTokenizer tokenizer)
            throws IOException {
        if (recipe.task() == null) {
            return null;
        }
        if (validationFile != null) {
            if (!validationFile.toString().endsWith(".jsonl")) {
                throw new IllegalArgumentException("task: '" + recipe.task()
                        + "' needs a prompt/completion validation file, not " + validationFile);
            }
            List<Item> items = new ArrayList<>();
            for (TaskExample e : TaskMetric.load(validationFile).examples()) {
                items.add(new Item(e.prompt(), null, e.completion()));
            }
            return new TaskScore(recipe.task(), "validation prompts", items);
        }
        DataSplit held = data.validation();
        if (held.examples() == 0 || !held.isPromptCompletion()) {
            throw new IllegalArgumentException("task: '" + recipe.task() + "' needs prompt/completion validation"
                    + " examples: set data.validation to a prompt/completion file, or hold some out of"
                    + " prompt-completion training data with data.validation_fraction");
        }
        int eos = tokenizer.eosId();
        List<Item> items = new ArrayList<>();
        for (int e = 0; e < held.examples() && items.size() < EXAMPLES; e++) {
            PromptCompletionIds ex = held.promptCompletion(e);
            if (ex.prompt().length > 0 && ex.complete(eos)) {
                items.add(new Item(tokenizer.decode(ex.prompt()), ex.prompt(), tokenizer.decode(ex.completion(eos))));
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("task: '" + recipe.task() + "': none of the " + held.examples()
                    + " held-out examples has a prompt and a whole completion to score");
        }
        return new TaskScore(recipe.task(), "held-out prompts", items);
    }

    /** Returns the task's name. */
    public String name() {
        return name;
    }

    /** Returns where the prompts come from: {@code validation prompts} or {@code held-out prompts}. */
    public String source() {
        return source;
    }

    /** Returns how many prompts are scored: {@value #EXAMPLES}, or fewer when there are fewer. */
    public int examples() {
        return Math.min(EXAMPLES, items.size());
    }

    /**
     * Returns the first prompts, for samples in the report.
     *
     * @param n how many at most
     * @return the prompts
     */
    public List<String> prompts(int n) {
        return items.subList(0, Math.min(n, items.size())).stream().map(Item::prompt).toList();
    }

    /**
     * Scores the model behind a generator.
     *
     * @param generator the generator
     * @return the fraction of exact matches
     */
    public double accuracy(Generator generator) {
        Sampler greedy = new Sampler(0, 0, 1, 0);
        int n = examples();
        int correct = 0;
        for (Item item : items.subList(0, n)) {
            Generation.Result r = item.ids() != null ? generator.generate(item.ids(), MAX_ANSWER_TOKENS, greedy)
                    : generator.generate(item.prompt(), MAX_ANSWER_TOKENS, greedy);
            correct += ExactMatch.matches(r.text(), item.reference()) ? 1 : 0;
        }
        return n == 0 ? Double.NaN : (double) correct / n;
    }
}
