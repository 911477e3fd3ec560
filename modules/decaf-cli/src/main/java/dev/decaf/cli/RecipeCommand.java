package dev.decaf.cli;

import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.scaling.LambdaCalculation;
import dev.decaf.core.scaling.LambdaRule;
import dev.decaf.core.scaling.LambdaRules;
import dev.decaf.core.scaling.Numbers;
import dev.decaf.core.scaling.ScalingInputs;
import dev.decaf.core.scaling.ScalingValueException;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.DataStats;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.tokenizer.TextTokenizer;
import dev.decaf.train.finetune.TrainingData;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code decaf recipe}: the weight decay λ a rule gives for a run, and what it means (τ_iter,
 * τ_epoch, the Power-Lines τ, the fraction of the run τ_iter spans, tokens per parameter), from
 * {@link LambdaCalculation}. The sizes are given as numbers or counted as {@code decaf finetune}
 * counts them: parameters from the model's config, samples and tokens of the training split from
 * the data after tokenisation and packing ({@link TrainingData}).
 */
@Command(name = "recipe", mixinStandardHelpOptions = true,
        description = {"Choose the weight decay λ of a run by a scaling rule, and show what it means: the EMA",
            "timescales τ_iter (steps) and τ_epoch (epochs), the Power-Lines τ (a fraction of the run's tokens),",
            "the run fraction τ_iter/S (above 1 the decay barely acts) and the tokens per parameter.",
            "Rules: ema (--tau-epoch or --tau-iter; Wang & Aitchison 2025), power-lines (Bergsma et al. 2025),",
            "normalized (--lambda-norm; Loshchilov & Hutter 2019), mup and mup-sqrt (--width, --base-width,",
            "--base-lambda; the square root is Fan et al. 2025's) and fixed (--lambda).",
            "The formulas are in the README, under Choosing λ.",
            "Sizes: --params or --model DIR, and --samples with --tokens or --data FILE, counted as finetune",
            "counts them (the training split after tokenisation and packing)."},
        footer = {"", "Examples:",
            "  ./decaf recipe --params 124000000 --samples 9500 --tokens 1200000 \\",
            "      --batch-size 16 --seq-len 128 --lr 2e-4 --epochs 3 \\",
            "      --rule ema --tau-epoch 0.5",
            "  ./decaf recipe --model models/quickstart-base --data data.jsonl \\",
            "      --batch-size 16 --lr 1e-3 --steps 1500 --rule power-lines --json",
            "", "B is the samples of one optimizer step (batch_size x grad_accum); S = E x N / B rounded up,"
                + " E = S x B / N."})
final class RecipeCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--params", paramLabel = "N", description = "The model's parameters (or --model).")
    Long params;

    @Option(names = "--model", paramLabel = "DIR", description = "A model directory or models/*.json config: its"
            + " parameters, positions and (a directory's) tokenizer.json.")
    Path model;

    @Option(names = "--samples", paramLabel = "N", description = "Training samples (rows) per epoch (or --data).")
    Long samples;

    @Option(names = "--tokens", paramLabel = "D", description = "Non-padding tokens of one epoch's rows (or --data).")
    Long tokens;

    @Option(names = "--data", paramLabel = "FILE", description = "Count samples and tokens of this training file.")
    Path data;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "The tokenizer.json for --data (default: the"
            + " model directory's).")
    Path tokenizer;

    @Option(names = "--validation-fraction", paramLabel = "F", description = "Held out of --data, as"
            + " data.validation_fraction (default: ${DEFAULT-VALUE}).")
    double validationFraction = 0.05;

    @Option(names = "--fraction", paramLabel = "F", description = "Train on this fraction of the examples left"
            + " after the split, as data.fraction (default: ${DEFAULT-VALUE}).")
    double fraction = 1.0;

    @Option(names = "--seed", paramLabel = "S", description = "The run's seed, which chooses the held-out examples"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--template", paramLabel = "TEXT", description = "data.template for prompt-completion --data.")
    String template = dev.decaf.text.template.PromptTemplate.PLACEHOLDER;

    @Option(names = "--overlong", paramLabel = "RULE", description = "data.overlong: truncate, drop or error"
            + " (default: ${DEFAULT-VALUE}).")
    String overlong = "truncate";

    @Option(names = "--packing", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "data.packing (default); --no-packing: one example per row.")
    boolean packing = true;

    @Option(names = "--batch-size", paramLabel = "B", required = true,
            description = "Samples per optimizer step (batch_size x grad_accum).")
    long batchSize;

    @Option(names = "--seq-len", paramLabel = "L", description = "Positions per sample (default with --model: as"
            + " finetune chooses train.seq_len).")
    Integer seqLen;

    @Option(names = "--lr", paramLabel = "η", required = true, description = "The peak learning rate.")
    double lr;

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the data (or --steps).")
    Double epochs;

    @Option(names = "--steps", paramLabel = "S", description = "Optimizer steps (or --epochs).")
    Long steps;

    @Option(names = "--rule", paramLabel = "NAME", required = true,
            description = "ema, power-lines, normalized, mup, mup-sqrt or fixed.")
    String rule;

    @Option(names = "--tau-epoch", paramLabel = "X", description = "ema: τ_epoch, in epochs.")
    Double tauEpoch;

    @Option(names = "--tau-iter", paramLabel = "X", description = "ema: τ_iter, in steps.")
    Double tauIter;

    @Option(names = "--lambda-norm", paramLabel = "X", description = "normalized: λ_norm.")
    Double lambdaNorm;

    @Option(names = "--width", paramLabel = "W", description = "mup, mup-sqrt: the model's width.")
    Double width;

    @Option(names = "--base-width", paramLabel = "W0", description = "mup, mup-sqrt: the width L was tuned at.")
    Double baseWidth;

    @Option(names = "--base-lambda", paramLabel = "L", description = "mup, mup-sqrt: the λ tuned at --base-width.")
    Double baseLambda;

    @Option(names = "--lambda", paramLabel = "X", description = "fixed: λ.")
    Double lambda;

    @Option(names = "--json", description = "Print one JSON object (lambda, tau_iter, tau_epoch, run_fraction, rule,"
            + " ..., inputs) instead of the table.")
    boolean json;

    /** The sizes counted from --model and --data. */
    private record Counted(long params, long samples, long tokens, int seqLen, String source) {}

    @Override
    public Integer call() throws IOException {
        LambdaRule r = rule();
        either(params != null, model != null, "--params", "--model");
        either(epochs != null, steps != null, "--epochs", "--steps");
        if (data != null && (samples != null || tokens != null)) {
            throw new IllegalArgumentException("give --data or --samples and --tokens, not both");
        } else if (data == null && (samples == null || tokens == null)) {
            throw new IllegalArgumentException("give --samples and --tokens, or --data FILE to count them");
        }
        Counted c = count();
        ScalingInputs in;
        try {
            in = epochs != null ? ScalingInputs.ofEpochs(c.params(), c.samples(), c.tokens(), batchSize, c.seqLen(), lr, epochs)
                    : ScalingInputs.ofSteps(c.params(), c.samples(), c.tokens(), batchSize, c.seqLen(), lr, steps);
        } catch (ScalingValueException e) {
            throw badOption(e);
        }
        LambdaCalculation calc = LambdaCalculation.of(r, in);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(calc.toJsonText());
        } else {
            out.printf(Locale.ROOT, "decaf recipe: %s; N_params = %d, N = %d samples, D = %d tokens, B = %d x %d"
                    + " positions, η = %s, %d steps = %s epochs%n", c.source(), in.params(), in.samples(), in.tokens(),
                    in.batchSize(), in.seqLen(), Numbers.plain(lr), in.steps(), Numbers.fmt(in.epochs()));
            out.print(calc.table());
            out.println(calc.formula());
            calc.warnings().forEach(w -> out.println("warning: " + w));
        }
        out.flush();
        return 0;
    }

    private LambdaRule rule() {
        Map<String, Double> given = new LinkedHashMap<>();
        put(given, "tau_epoch", tauEpoch);
        put(given, "tau_iter", tauIter);
        put(given, "lambda_norm", lambdaNorm);
        put(given, "width", width);
        put(given, "base_width", baseWidth);
        put(given, "base_lambda", baseLambda);
        put(given, "lambda", lambda);
        try {
            return LambdaRules.of(rule, given);
        } catch (ScalingValueException e) {
            throw badOption(e);
        }
    }

    private static void put(Map<String, Double> m, String key, Double v) {
        if (v != null) {
            m.put(key, v);
        }
    }

    /** The calculator's problem, naming the option: {@code --tau-epoch must be > 0, got -1}. */
    private static IllegalArgumentException badOption(ScalingValueException e) {
        String problem = e.problem().replace("rule ", "--rule ");
        for (String key : LambdaRules.ALL_OPTIONS) {
            problem = problem.replaceAll("\\b" + key + "\\b", option(key));
        }
        return new IllegalArgumentException(option(e.key()) + " " + problem, e);
    }

    /** The option of a calculator key: {@code tau_epoch} is {@code --tau-epoch}. */
    private static String option(String key) {
        return "--" + key.replace('_', '-');
    }

    private static void either(boolean a, boolean b, String first, String second) {
        if (a == b) {
            throw new IllegalArgumentException(a ? "give " + first + " or " + second + ", not both"
                    : "give " + first + " or " + second);
        }
    }

    private Counted count() throws IOException {
        ModelConfig config = null;
        long n = params != null ? params : 0;
        if (model != null) {
            if (!Files.exists(model)) {
                throw new IllegalArgumentException("--model " + model + ": no such file or directory");
            }
            try {
                config = ModelConfig.load(model);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("--model " + model + ": " + e.getMessage(), e);
            }
            n = DecoderModel.of(config).numParameters(); // what finetune counts: the config's shapes, no weights
            if (seqLen != null && seqLen > config.maxPositions()) {
                throw new IllegalArgumentException("--seq-len " + seqLen + " exceeds the model's " + config.maxPositions()
                        + " positions");
            }
        }
        if (seqLen == null && config == null) {
            throw new IllegalArgumentException("--seq-len is required without --model");
        }
        if (data == null) {
            int len = seqLen != null ? seqLen : config.maxPositions();
            return new Counted(n, samples, tokens, len, model != null ? model.toString() : "given sizes");
        }
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("--data " + data + ": no such file");
        }
        Path tokFile = tokenizer != null ? tokenizer
                : model != null && Files.isDirectory(model) ? model.resolve("tokenizer.json") : null;
        if (tokFile == null || !Files.isRegularFile(tokFile)) {
            throw new IllegalArgumentException("--data needs a tokenizer: --tokenizer FILE or a --model directory with"
                    + " tokenizer.json" + (tokFile != null ? " (no such file: " + tokFile + ")" : ""));
        }
        if (validationFraction < 0 || validationFraction > 0.5) {
            throw new IllegalArgumentException("--validation-fraction must be in [0, 0.5], got " + validationFraction);
        }
        if (!(fraction > 0) || fraction > 1) {
            throw new IllegalArgumentException("--fraction must be in (0, 1], got " + fraction);
        }
        Recipe.Data d = new Recipe.Data(Recipe.Source.ofPath(data), null, validationFraction, fraction, DataFormat.AUTO,
                EvalCommand.promptTemplate(template), false, EvalCommand.overlongRule(overlong), packing);
        int positions = config != null ? config.maxPositions() : seqLen;
        try (TextTokenizer tok = TextTokenizer.load(tokFile)) {
            LmDataset set = TrainingData.load(d, seed, data, null, tok, tokFile, seqLen, positions);
            DataStats s = set.stats();
            return new Counted(n, s.trainSamples(), s.trainTokens(), set.seqLen(), data + " (training split: "
                    + s.trainExamples() + " examples in " + s.trainSamples() + " rows of " + set.seqLen() + ")");
        }
    }
}
