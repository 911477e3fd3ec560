package dev.decaf.text.data.builtin;

import dev.decaf.text.data.builtin.Lexicon.Category;
import java.util.List;

/**
 * A built-in fine-tuning task, {@code "category"}, the quickstart's ({@code recipes/quickstart.yaml}):
 * four words of four different kinds, then a question asking which one is of a given kind; the
 * answer is that word.
 *
 * <pre>
 * prompt:     "Q: cup, fox, june, park. which one is an animal?\nA:"
 * completion: " fox"
 * </pre>
 *
 * <p>Each example asks about one of seven categories (animal 16 words, color 6, place 16, name 24,
 * number 12, day 7, month 12; {@link Lexicon#CATEGORIES}), uniformly, and offers one word of it
 * together with one word from each of three other categories, drawn from the remaining seven
 * (things, 32 words, are offered but never asked about); the four words are shuffled, so the answer
 * sits at each place equally often. Over 10⁸ prompts are possible; training and validation share
 * none ({@link TaskSplits}) but use the same words, so the skill measured is reading the question
 * and picking by kind, not knowing new words. Prompt + completion + end-of-text are 24 tokens on
 * average, at most 26, with the quickstart model's 1024-token BPE, and 34, at most 47, with a
 * 512-token BPE trained on the pretraining corpus (which splits the longer words).
 *
 * <p><b>Why this task.</b> A tiny pretrained model answers none of it zero-shot and learns it in
 * a few CPU minutes of fine-tuning, well past chance (measured below); it suits the tiny models better
 * than {@link RecallTask}.
 * <ul>
 *   <li><i>What it needs is pretrained.</i> Which words are animals, places, months… is what a
 *       language model's embeddings learn first, from the contexts words share: in the pretraining
 *       corpus ({@link PretrainCorpus}) animals are subjects ({@code "the old dog sleeps"}), places
 *       follow prepositions, names own things, and days, months and numbers come in runs ({@code
 *       "monday, tuesday, wednesday."}), colours in lists ({@code "the colors are red, blue and
 *       green."}). The corpus has no capital letters, {@code ':'}, {@code '?'} or the word
 *       {@code "which"}, so the {@code "Q: …?\nA:"} layout is new: zero-shot exact match is 0, and
 *       naming one of the four words at random scores 1/4.</li>
 *   <li><i>The circuit is shallow.</i> The category word always sits a fixed few tokens before
 *       the answer position; the right option is the one whose embedding matches it; the answer
 *       is a copy of one prompt word, then end-of-text: one attention step that matches by
 *       content. {@link RecallTask} instead needs an induction-style circuit (a previous-token
 *       head feeding a content match), which fine-tuning builds only partly in minutes (measured
 *       below).</li>
 *   <li><i>Measured</i> with decaf itself, {@code ./decaf finetune} ({@code
 *       recipes/quickstart.yaml}: the shipped {@code models/quickstart-base}, a 1.8M parameter
 *       Llama pretrained on {@value BuiltinData#PRETRAIN}; AdamC, lr 2e-3, 1500 steps of 16 × 64
 *       tokens, 2 CPU cores, the launcher's MKL shim): validation loss 14.08 → 0.58 and exact
 *       match 0% → 76% on 100 validation prompts, in 2 min 11 s; two runs gave bit-identical
 *       losses (94% on MKL's generic path: on 100 prompts the metric is coarse). The same recipe
 *       with {@code data.train=builtin:recall} and {@code task=recall}: 0% → 20%.</li>
 * </ul>
 */
public final class CategoryTask {

    /** The task's name in {@link BuiltinData}. */
    public static final String NAME = "category";

    /** Examples in {@code train.jsonl}. */
    public static final int TRAIN_EXAMPLES = 8000;

    /** Examples in {@code validation.jsonl}. */
    public static final int VALIDATION_EXAMPLES = 400;

    /** Words offered per prompt. */
    public static final int OPTIONS = 4;

    /** The categories asked about: all but the last ({@code thing}). */
    static final List<Category> ASKED = Lexicon.CATEGORIES.subList(0, Lexicon.CATEGORIES.size() - 1);

    private CategoryTask() {}

    /** Returns the category names that questions ask about ("animal", "color", …). */
    public static List<String> categories() {
        return ASKED.stream().map(Category::name).toList();
    }

    /**
     * Draws one example.
     *
     * @param rng the random numbers
     * @return the example
     */
    static TaskExample example(SplitMix64 rng) {
        int asked = rng.nextInt(ASKED.size());
        int[] others = rng.distinct(Lexicon.CATEGORIES.size() - 1, OPTIONS - 1); // indices skipping `asked`
        String[] words = new String[OPTIONS];
        Category c = ASKED.get(asked);
        String answer = rng.pick(c.words());
        words[0] = answer;
        for (int i = 1; i < OPTIONS; i++) {
            int k = others[i - 1] < asked ? others[i - 1] : others[i - 1] + 1;
            words[i] = rng.pick(Lexicon.CATEGORIES.get(k).words());
        }
        int at = rng.nextInt(OPTIONS); // where the answer goes
        words[0] = words[at];
        words[at] = answer;
        StringBuilder prompt = new StringBuilder(80).append("Q: ");
        for (int i = 0; i < OPTIONS; i++) {
            if (i > 0) {
                prompt.append(", ");
            }
            prompt.append(words[i]);
        }
        prompt.append(". which one is ").append(c.withArticle()).append("?\nA:");
        return new TaskExample(prompt.toString(), " " + answer);
    }

    /**
     * Draws the two splits for a seed (see {@link TaskSplits}).
     *
     * @return {@code [train, validation]}
     */
    static List<List<TaskExample>> splits(long seed, int trainCount, int validationCount) {
        return TaskSplits.draw(NAME, seed, trainCount, validationCount, CategoryTask::example);
    }
}
