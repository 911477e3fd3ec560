package dev.decaf.models.data.builtin;

import dev.decaf.models.data.builtin.Lexicon.Category;
import java.util.List;

/**
 * The quickstart's fine-tuning task, {@code "category"}: four words of four different kinds, then a
 * question asking which one is of a given kind; the answer is that word.
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
 * sits at each place equally often. About 4·10⁸ prompts are possible; training and validation
 * share none ({@link TaskSplits}) but use the same words, so the skill measured is reading the
 * question and picking by kind, not knowing new words. With a byte-level BPE trained on the
 * pretraining corpus an example is about 20 tokens (prompt + completion + end-of-text; at most 23
 * with 1024 tokens, 27 with 512).
 *
 * <p><b>Why this task.</b> It is picked to be learnt by a ~1M parameter, 2–4 layer model in one to
 * two CPU minutes of fine-tuning, which we measured (below), while the model answers none
 * zero-shot:
 * <ul>
 *   <li><i>What it needs is pretrained.</i> Which words are animals, places, months… is what a
 *       language model's embeddings learn first, from the contexts words share; the pretraining
 *       corpus ({@link PretrainCorpus}) also states memberships outright ({@code "june is a
 *       month."}, {@code "fox, owl and cow are animals."}) and has the task in prose
 *       ({@code "of cup, fox, june and park, the animal is fox."}). It has no capital letters,
 *       {@code ':'} or {@code '?'}, so the {@code "Q: …?\nA:"} layout is new: zero-shot exact
 *       match is 0, and picking one of the four words at random scores 1/4.</li>
 *   <li><i>The circuit is shallow.</i> The category word sits four tokens before the answer
 *       position, always; the right option is the one whose embedding matches it; the answer is
 *       a copy of one prompt token, followed by end-of-text. One attention step that matches by
 *       content, no multi-step composition. We first tried "recall" ({@link RecallTask}: who has
 *       what), which needs an induction-style circuit (a previous-token head feeding a content
 *       match); a tiny pretrained model did not have it and fine-tuning did not build it in two
 *       minutes. Character-level tasks (reverse or sort the letters of a word) are hidden inside
 *       BPE tokens, and arithmetic on held-out facts transferred only partly.</li>
 *   <li><i>Measured.</i> A GPT-2 style model, 4 layers, width 128, 0.94M parameters, context
 *       128, BPE of 1024 tokens, pretrained for 20 CPU minutes on an earlier version of this
 *       corpus (without the membership sentences; validation loss 1.77), then fine-tuned with
 *       AdamW (lr 1e-3, batch 16 × 128 packed tokens, completion-only loss) on 2 CPU threads:
 *       exact match 0% before, 33% after 150 steps, 62% after 295 steps (100 s) on 200
 *       validation prompts (colors, numbers, days, months ≥ 80%; animals, places, names
 *       lagging).</li>
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
