package dev.decaf.models.data.builtin;

import dev.decaf.models.data.builtin.Lexicon.Verb;
import java.util.List;

/**
 * A built-in fine-tuning task, {@code "recall"}: read two to four facts of who has what, answer a
 * question about one of them.
 *
 * <pre>
 * prompt:     "tom has a red ball. mia wants a cup. ben sees an old hat.\nQ: what does mia want?\nA:"
 * completion: " the cup"
 * </pre>
 *
 * <p>Each example draws {@code k} ∈ {2, 3, 4} distinct people ({@link Lexicon#NAMES}, 24), {@code
 * k} distinct things ({@link Lexicon#THINGS}, 32), each with an adjective (14) half of the time,
 * and a verb of having per fact ({@link Lexicon#HAVING}, 10); the question names one person,
 * uniformly, with the base form of that person's verb; the answer is {@code " the"} followed by
 * that person's thing exactly as the fact wrote it (adjective included). The answer is 2–3 words.
 * With a byte-level BPE trained on the pretraining corpus, prompt + completion + end-of-text are
 * about 31 tokens on average, at most 40, with 1024 tokens (every word of the task one token), and
 * about 39, at most 55, with 512 (nouns split): either fits a 64-token context. The splits share
 * no prompt ({@link TaskSplits}); with over 10¹⁰ possible prompts, memorising training examples
 * cannot help.
 *
 * <p><b>A harder task.</b> The answer can only be found by matching the question's name
 * against the facts and copying what follows it: associative recall, which transformers solve with
 * an induction-style circuit (a previous-token head in one layer feeding a content match in the
 * next; Olsson et al. 2022, "In-context Learning and Induction Heads"; the MQAR task of Arora et
 * al. 2023, "Zoology", is the same recall with many more pairs). About 20% of the pretraining
 * paragraphs are stories of this shape ({@code "tom has a red ball. mia wants a cup. then mia drops
 * the cup."}), but a tiny model pretrained for minutes does not form the circuit: a 0.94M parameter
 * GPT-2 style model (4 × 128, 20 CPU minutes of pretraining) completed such stories right 2% of
 * the time, and two minutes of fine-tuning took it from 0% to 7% exact match, below the 1/k
 * (≈ 0.36 averaged over k) of naming a random fact's thing. So the quickstart uses {@link
 * CategoryTask}; this one is here for longer runs and larger models, where it separates a model
 * that reads its context from one that does not.
 */
public final class RecallTask {

    /** The task's name in {@link BuiltinData}. */
    public static final String NAME = "recall";

    /** Examples in {@code train.jsonl}. */
    public static final int TRAIN_EXAMPLES = 8000;

    /** Examples in {@code validation.jsonl}. */
    public static final int VALIDATION_EXAMPLES = 400;

    /** Fewest and most facts in a prompt. */
    public static final int MIN_FACTS = 2;

    public static final int MAX_FACTS = 4;

    private RecallTask() {}

    /**
     * Draws one example.
     *
     * @param rng the random numbers
     * @return the example
     */
    static TaskExample example(SplitMix64 rng) {
        int k = rng.between(MIN_FACTS, MAX_FACTS);
        int[] who = rng.distinct(Lexicon.NAMES.size(), k);
        int[] what = rng.distinct(Lexicon.THINGS.size(), k);
        StringBuilder prompt = new StringBuilder(160);
        String[] things = new String[k];
        Verb[] verbs = new Verb[k];
        for (int i = 0; i < k; i++) {
            things[i] = (rng.chance(0.5) ? rng.pick(Lexicon.ADJECTIVES) + " " : "") + Lexicon.THINGS.get(what[i]).one();
            verbs[i] = rng.pick(Lexicon.HAVING);
            if (i > 0) {
                prompt.append(' ');
            }
            prompt.append(Lexicon.NAMES.get(who[i])).append(' ').append(verbs[i].third()).append(' ')
                    .append(Lexicon.article(things[i])).append(' ').append(things[i]).append('.');
        }
        int q = rng.nextInt(k);
        prompt.append("\nQ: what does ").append(Lexicon.NAMES.get(who[q])).append(' ').append(verbs[q].base())
                .append("?\nA:");
        return new TaskExample(prompt.toString(), " the " + things[q]);
    }

    /**
     * Draws the two splits for a seed (see {@link TaskSplits}).
     *
     * @return {@code [train, validation]}
     */
    static List<List<TaskExample>> splits(long seed, int trainCount, int validationCount) {
        return TaskSplits.draw(NAME, seed, trainCount, validationCount, RecallTask::example);
    }
}
