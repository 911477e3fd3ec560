package dev.decaf.cli;

import ai.djl.ndarray.NDManager;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Generator;
import dev.decaf.onnx.OnnxDecoder;
import dev.decaf.onnx.OnnxGenerator;
import dev.decaf.text.sampling.Generation;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code decaf generate}: continue a prompt with a model directory (see {@link Generator} and
 * {@link Sampler}); prints the new text only.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Continue a prompt with a model; print the generated text (not the prompt).",
            "Sampling: temperature, then top-k, then top-p on what top-k kept;",
            "--temperature 0 is greedy. Stops after --max-tokens tokens or at",
            "end-of-text. Keys and values are cached (for onnx, in a graph exported --kv-cache), so each",
            "new token feeds only itself; --no-kv-cache runs the full forward pass over the whole context",
            "every step.",
            "A prompt longer than the model's positions is cut to its last tokens, with a note on stderr."},
        footer = {"", "Examples:", "  ./decaf generate --model runs/tiny --prompt 'Once upon a time'",
            "  ./decaf generate --model runs/tiny --prompt 'def f(x):' --temperature 0",
            "  ./decaf generate --model runs/tiny --prompt 'The' --top-k 40 --top-p 0.95",
            "", "The same model, prompt, options and --seed give the same text."})
final class GenerateCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The text to continue (may be empty).")
    String prompt;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ThreadsOption threads;

    @Mixin
    EngineOption engine;

    @Option(names = "--no-kv-cache", description = "Recompute the whole context every step (the reference path).")
    boolean noKvCache;

    @Override
    public Integer call() {
        int maxTokens = sampling.maxTokens();
        Sampler sampler = sampling.sampler();
        boolean onnx = engine.onnx();
        EvalCommand.checkModelDir(model.dir());
        PrintWriter out = spec.commandLine().getOut();
        if (onnx) {
            try (OnnxDecoder decoder = engine.open(model.dir(), threads);
                    TextTokenizer tok = EvalCommand.loadTokenizer(model.dir(), decoder.config(), spec.commandLine().getErr())) {
                if (!decoder.hasKvCache() && !noKvCache) {
                    spec.commandLine().getErr().println("decaf: note: the graph has no key/value cache, so every token"
                            + " recomputes the context (export with --kv-cache for the cached graph)");
                }
                Generation.Result r = new OnnxGenerator(decoder, tok).withCache(!noKvCache)
                        .generate(prompt, maxTokens, sampler);
                notePromptCut(r.promptIds().length, decoder.config().maxPositions());
                out.println(r.text());
                out.flush();
            }
            return 0;
        }
        threads.apply();
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelDirectory.Loaded loaded = EvalCommand.loadModel(model.dir(), manager);
            try (TextTokenizer tok = EvalCommand.loadTokenizer(model.dir(), loaded, spec.commandLine().getErr())) {
                Generation.Result r = new Generator(loaded.model(), tok, manager).withKvCache(!noKvCache)
                        .generate(prompt, maxTokens, sampler);
                notePromptCut(r.promptIds().length, loaded.config().maxPositions());
                out.println(r.text());
                out.flush();
            }
        }
        return 0;
    }

    private void notePromptCut(int promptLength, int positions) {
        if (promptLength > positions) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "decaf: note: the prompt is %d tokens; %s has %d positions, so it saw only"
                    + " the prompt's last %d tokens%n", promptLength, model.dir(), positions, positions);
            err.flush();
        }
    }
}
