package dev.decaf.text.data.builtin;

import dev.decaf.text.data.builtin.Lexicon.Verb;
import java.util.List;

/**
 * The built-in fine-tuning task, {@code "recall"}: read two to four facts of who has what, answer
 * a question about one of them.
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
 * 31 tokens on average and at most 39 with 1024 tokens (every word of the task one token), 39 and
 * at most 54 with 512 tokens (nouns split): either fits a 64-token context. Validation prompts are drawn first
 * from their own stream, and training examples whose prompt equals a validation prompt (or an
 * earlier training prompt) are drawn again, so the splits are disjoint; with over 10¹⁰ possible
 * prompts collisions are rare anyway, and memorising training examples cannot help.
 *
 * <p><b>Why this task</b>, and why it is harder than it looks. It was chosen to be learned by a
 * 1–3M parameter, 2–4 layer model in one to three CPU minutes after pretraining on {@link
 * PretrainCorpus}; measured, it is learned only partly (last item), and {@link CategoryTask} suits
 * the tiny quickstart models better:
 * <ul>
 *   <li><i>The skill is pretrained, the format is not.</i> About 30% of the pretraining
 *       paragraphs are stories of exactly this shape ({@code "tom has a red ball. mia wants a cup.
 *       then mia drops the cup."}, {@code "the thing mia wants is the cup."}), where the last
 *       words can only be predicted by finding the person earlier in the line and copying their
 *       thing: associative recall, which small transformers solve with an induction-head circuit
 *       (a previous-token head in one layer, a content match in the next — Olsson et al. 2022,
 *       "In-context Learning and Induction Heads"; the MQAR task of Arora et al. 2023, "Zoology",
 *       is the same recall with many more pairs). The pretraining corpus has no capital letters,
 *       no {@code ':'} and no questions, so zero-shot the model does not know to answer after
 *       {@code "A:"} with just {@code " the …"} and stop: exact match starts near 0, while a model
 *       that ignores the question and names a random fact's thing would score 1/k (≈ 0.36
 *       averaged over k).</li>
 *   <li><i>Fine-tuning only has to re-route.</i> The model must learn that after {@code "A:"}
 *       come {@code " the"}, then the thing of the person named in the question (about five
 *       tokens back instead of one), then end-of-text. No new knowledge, no arithmetic, no
 *       character-level work (which byte-level BPE hides inside tokens — word reversal or letter
 *       sorting would be far harder for a tiny model).</li>
 *   <li><i>Short and unambiguous.</i> One correct answer, 2–3 tokens, checked by exact match
 *       ({@link ExactMatch}); every example fits a 64-token context.</li>
 *   <li><i>Measured:</i> {@code recipes/quickstart.yaml} with {@code data.train=builtin:recall}
 *       and {@code task=recall} (the shipped 1.8M parameter Llama, 1500 steps) takes exact match
 *       from 0% to 20% (13% on MKL's generic path), under the ≈ 36% of naming a random fact's
 *       thing; the same recipe on {@link CategoryTask} (its default) reaches 76%.</li>
 * </ul>
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
