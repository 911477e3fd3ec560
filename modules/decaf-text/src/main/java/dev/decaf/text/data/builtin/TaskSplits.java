package dev.decaf.text.data.builtin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Draws a task's two splits from one seed: the validation examples first, from their own random
 * stream, then training examples from another; an example whose prompt was already drawn (in
 * either split) is dropped and drawn again. So the splits share no prompt, and adding training
 * examples never changes the validation set.
 */
final class TaskSplits {

    private TaskSplits() {}

    /**
     * Draws {@code validationCount} validation examples, then {@code trainCount} training examples
     * whose prompts are new.
     *
     * @param name the task's name (names the random streams)
     * @param seed the seed
     * @param trainCount training examples
     * @param validationCount validation examples
     * @param generator draws one example
     * @return {@code [train, validation]}
     */
    static List<List<TaskExample>> draw(String name, long seed, int trainCount, int validationCount,
            Function<SplitMix64, TaskExample> generator) {
        Set<String> seen = new HashSet<>();
        List<TaskExample> validation =
                draw(SplitMix64.stream(seed, name + "/validation"), validationCount, seen, generator);
        List<TaskExample> train = draw(SplitMix64.stream(seed, name + "/train"), trainCount, seen, generator);
        return List.of(train, validation);
    }

    private static List<TaskExample> draw(SplitMix64 rng, int count, Set<String> seen,
            Function<SplitMix64, TaskExample> generator) {
        List<TaskExample> out = new ArrayList<>(count);
        int attempts = 0;
        while (out.size() < count) {
            if (++attempts > 100 * (count + 10)) {
                throw new IllegalStateException("cannot draw " + count + " distinct prompts");
            }
            TaskExample e = generator.apply(rng);
            if (seen.add(e.prompt())) {
                out.add(e);
            }
        }
        return out;
    }
}
