package dev.decaf.cli;

import dev.decaf.text.sampling.Sampler;
import picocli.CommandLine.Option;

/**
 * How new tokens are chosen ({@link Sampler}): {@code --max-tokens}, {@code --temperature}, {@code
 * --top-k}, {@code --top-p} and {@code --seed}, validated with messages that name the option.
 */
final class SamplingOptions {

    @Option(names = "--max-tokens", paramLabel = "N", description = "The most new tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens = 64;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy, else > 0 (default: ${DEFAULT-VALUE}).")
    double temperature = 1.0;

    @Option(names = "--top-k", paramLabel = "K", description = "Keep the K most probable tokens, 0 = all (default: ${DEFAULT-VALUE}).")
    int topK = 0;

    @Option(names = "--top-p", paramLabel = "P",
            description = "Keep the smallest set with probability >= P, in (0, 1]; 1 = all (default: ${DEFAULT-VALUE}).")
    double topP = 1.0;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed of the sampling (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    /** Returns the most new tokens, checked. */
    int maxTokens() {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens must be >= 0, got " + maxTokens);
        }
        return maxTokens;
    }

    /**
     * Returns the sampler the options describe.
     *
     * @return the sampler
     * @throws IllegalArgumentException naming the first invalid option
     */
    Sampler sampler() {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be finite and >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        }
        return new Sampler(temperature, topK, topP, seed);
    }
}
