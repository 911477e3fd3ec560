package dev.decaf.cli;

import ai.djl.ndarray.NDManager;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.checkpoint.TokenIds;
import dev.decaf.models.infer.Evaluator;
import dev.decaf.onnx.OnnxDecoder;
import dev.decaf.onnx.OnnxScorer;
import dev.decaf.text.eval.LossEvaluator;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.text.data.CacheLocation;
import dev.decaf.text.data.DataException;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.Overlong;
import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code decaf eval}: mean next-token loss and perplexity of a model directory over a data file
 * (see {@link Evaluator}). With {@code --json} the last line of the output is exactly {@code
 * {"loss": …, "perplexity": …, "tokens": …}}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Mean next-token loss and perplexity of a model over a data file.",
            "Pre-tokenised JSON lines ({\"input_ids\": [...]}) are evaluated one sequence",
            "per line, exactly as given. Text (.txt, {\"text\": ...}), prompt-completion and",
            "chat ({\"messages\": [...]}) JSON lines are tokenised: text is cut into blocks",
            "of the model's context, prompt-completion examples (prompts framed by",
            "--template) and conversations (rendered by the model's chat_template) are",
            "packed whole (completion and assistant tokens count only).",
            "Examples longer than the context are truncated by default (--overlong)."},
        footer = {"", "Examples:", "  ./decaf eval --model runs/tiny --data data.jsonl",
            "  ./decaf eval --model runs/tiny --data data.txt --seq-len 32",
            "  ./decaf eval --model runs/tiny --data ids.jsonl --json | tail -n 1",
            "", "tokens counts predicted positions: n - 1 per input_ids line; for packed data the label"
                + " positions of every full block (a tail that fills no block is left out)."})
final class EvalCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "A .txt, .jsonl or .json data file.")
    Path data;

    @Option(names = "--json", description = "End the output with one JSON line: {\"loss\": ..., \"perplexity\": ..., \"tokens\": ...}.")
    boolean json;

    @Option(names = "--batch-size", paramLabel = "N", description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--seq-len", paramLabel = "N",
            description = "Context for packed text, at most the model's positions, as train.seq_len (default: that most);"
                    + " a longer one is refused.")
    Integer seqLen;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--overlong", paramLabel = "RULE",
            description = "An example longer than the context: truncate (the completion's end), drop or error"
                    + " (default: ${DEFAULT-VALUE}).")
    String overlong = "truncate";

    @Option(names = "--packing", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Pack several whole prompt-completion examples per row (default); --no-packing: one per row.")
    boolean packing = true;

    @Option(names = "--template", paramLabel = "TEXT",
            description = "Frame each prompt of prompt-completion data as data.template does: a string with {prompt}"
                    + " once; use the recipe's to compare with training (default: ${DEFAULT-VALUE}).")
    String template = PromptTemplate.PLACEHOLDER;

    @Mixin
    EngineOption engine;

    @Override
    public Integer call() throws IOException {
        overlongRule(overlong);
        promptTemplate(template);
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (seqLen != null && seqLen < 1) {
            throw new IllegalArgumentException("--seq-len must be >= 1, got " + seqLen);
        }
        Path model = modelOption.dir();
        checkModelDir(model);
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("--data " + data + ": no such file");
        }
        PrintWriter out = spec.commandLine().getOut();
        Consumer<String> warn = w -> out.println("warning: " + w);
        if (engine.onnx()) {
            try (OnnxDecoder decoder = engine.open(model, threads)) {
                report(out, model, decoder.config(), OnnxScorer.evaluator(decoder), warn);
            }
        } else {
            threads.apply();
            try (NDManager manager = NDManager.newBaseManager()) {
                ModelDirectory.Loaded loaded = loadModel(model, manager);
                report(out, model, loaded.config(), new Evaluator(loaded.model(), manager).lossEvaluator(), warn);
            }
        }
        return 0;
    }

    /** Evaluates the data with either engine's scores and prints the result. */
    private void report(PrintWriter out, Path model, ModelConfig config, LossEvaluator evaluator, Consumer<String> warn)
            throws IOException {
        Overlong rule = overlongRule(overlong);
        PromptTemplate promptTemplate = promptTemplate(template);
        LossEvaluator.Result r;
        String how;
        try {
            if (LossEvaluator.isTokenFile(data)) {
                how = "input_ids, one sequence per line";
                r = evaluator.evaluate(data, null, null, batchSize, 0, rule, packing, promptTemplate, null, null, warn);
            } else {
                checkSeqLen(model, config.maxPositions());
                int context = evaluator.packedSeqLen(seqLen == null ? 0 : seqLen);
                how = "packed into blocks of " + (context + 1) + " tokens";
                ChatTemplate chat = holdsMessages(data) ? chatTemplate(model) : null;
                try (TextTokenizer tok = loadTokenizer(model, config, spec.commandLine().getErr())) {
                    r = evaluator.evaluate(data, tok, model.resolve("tokenizer.json"), batchSize, context, rule,
                            packing, promptTemplate, chat, CacheLocation.system().choose(List.of(data)).orElse(null),
                            warn);
                }
            }
        } catch (dev.decaf.text.data.DataException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "eval %s on %s (%s): %d sequences%n", model, data, how, r.sequences());
        out.printf(Locale.ROOT, "loss        %.6f%n", r.loss());
        out.printf(Locale.ROOT, "perplexity  %.4f%n", r.perplexity());
        out.printf(Locale.ROOT, "tokens      %d%n", r.tokens());
        if (json) {
            out.println(r.toJson());
        }
        out.flush();
    }

    /**
     * Refuses a {@code --seq-len} beyond the model's positions rather than capping it: a loss
     * measured at a shorter context than asked for is another number (loss falls with context), and
     * a script reading the {@code --json} line would never see a note that it was capped.
     */
    private void checkSeqLen(Path model, int positions) {
        int most = positions;
        if (seqLen != null && seqLen > most) {
            throw new IllegalArgumentException("--seq-len " + seqLen + " is longer than " + model + " allows: its "
                    + positions + " positions take blocks of at most " + most + " + 1 tokens (use --seq-len "
                    + most + " or less)");
        }
    }

    /** Parses {@code --template}; a bad one is bad input naming the option. */
    static PromptTemplate promptTemplate(String value) {
        try {
            return PromptTemplate.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--template: " + e.getMessage(), e);
        }
    }

    /** Whether the data file holds chat {@code messages} (by its first line; a file that says nothing is left to the evaluator). */
    private static boolean holdsMessages(Path data) throws IOException {
        try {
            return DataFormat.AUTO.resolve(data, false) == DataFormat.MESSAGES;
        } catch (DataException e) {
            return false;
        }
    }

    /** The model directory's chat template; its absence is bad input naming the tokenizer_config.json. */
    private static ChatTemplate chatTemplate(Path model) throws IOException {
        Path config = model.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException(config + ": no such file, so there is no chat template to render"
                    + " 'messages' data with");
        }
        return ChatTemplate.fromTokenizerConfig(config);
    }

    /** Parses {@code --overlong}: truncate, drop or error. */
    static Overlong overlongRule(String value) {
        for (Overlong o : Overlong.values()) {
            if (o.name().toLowerCase(Locale.ROOT).equals(value)) {
                return o;
            }
        }
        throw new IllegalArgumentException("--overlong must be truncate, drop or error, got '" + value + "'");
    }

    static void checkModelDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--model " + dir + ": no such directory");
        }
    }

    /** Loads a model directory; a missing or malformed file is bad input (exit 2), named in the message. */
    static ModelDirectory.Loaded loadModel(Path dir, NDManager manager) {
        try {
            return ModelDirectory.load(dir, manager);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Loads the model's tokenizer.json and checks that its ids fit the model's vocabulary; a
     * config.json whose eos_token_id is not the tokenizer's end-of-text id is a one-line warning on
     * {@code err} (the tokenizer's id is the one used).
     */
    static TextTokenizer loadTokenizer(Path dir, ModelDirectory.Loaded loaded, PrintWriter err) {
        return loadTokenizer(dir, loaded.config(), err);
    }

    /** As {@link #loadTokenizer(Path, ModelDirectory.Loaded, PrintWriter)}, against a config (either engine's). */
    static TextTokenizer loadTokenizer(Path dir, ModelConfig config, PrintWriter err) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file (the model directory needs its tokenizer)");
        }
        TextTokenizer tok;
        try {
            tok = TextTokenizer.load(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        int vocab = config.vocabSize();
        if (tok.vocabSize() > vocab) {
            tok.close();
            throw new IllegalArgumentException(file + ": the tokenizer has " + tok.vocabSize()
                    + " tokens but config.json's vocab_size is " + vocab);
        }
        String ids = TokenIds.mismatch(config, tok, dir.resolve("config.json").toString());
        if (ids != null) {
            err.println("decaf: warning: " + ids);
            err.flush();
        }
        return tok;
    }
}
