package dev.decaf.cli;

import ai.djl.ndarray.NDManager;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Generator;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code decaf generate}: continue a prompt with a model directory (see {@link Generator} and
 * {@link Sampler}); prints the new text only.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Continue a prompt with a model; print the generated text (not the prompt).",
            "Sampling: temperature, then top-k, then top-p on what top-k kept;",
            "--temperature 0 is greedy. Stops after --max-tokens tokens or at",
            "end-of-text. Each token runs a full forward pass (no KV cache yet)."},
        footer = {"", "Examples:", "  ./decaf generate --model runs/tiny --prompt 'Once upon a time'",
            "  ./decaf generate --model runs/tiny --prompt 'def f(x):' --temperature 0",
            "  ./decaf generate --model runs/tiny --prompt 'The' --top-k 40 --top-p 0.95",
            "", "The same model, prompt, options and --seed give the same text."})
final class GenerateCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A model directory (config.json, model.safetensors, tokenizer.json).")
    Path model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The text to continue (may be empty).")
    String prompt;

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

    @Override
    public Integer call() {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens must be >= 0, got " + maxTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be finite and >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        }
        EvalCommand.checkModelDir(model);
        Sampler sampler = new Sampler(temperature, topK, topP, seed);
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelDirectory.Loaded loaded = EvalCommand.loadModel(model, manager);
            try (TextTokenizer tok = EvalCommand.loadTokenizer(model, loaded)) {
                Generator.Result r = new Generator(loaded.model(), tok, manager).generate(prompt, maxTokens, sampler);
                out.println(r.text());
                out.flush();
            }
        }
        return 0;
    }
}
