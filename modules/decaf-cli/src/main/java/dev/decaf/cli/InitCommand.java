package dev.decaf.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.decaf.core.safetensors.DType;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.checkpoint.TokenIds;
import dev.decaf.text.tokenizer.BpeTrainer;
import dev.decaf.text.tokenizer.SpecialTokens;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code decaf init}: a randomly initialised model directory in Hugging Face layout, with a tokenizer. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Write a randomly initialised model directory from a config.",
            "The directory holds config.json, model.safetensors, generation_config.json, tokenizer.json and",
            "tokenizer_config.json (Hugging Face layout); the config is a models/*.json file. Its",
            "bos/eos/pad_token_id are set to the tokenizer's (a note on stderr says when that changes one)."},
        footer = {"", "Examples:", "  ./decaf init --config models/gpt2-tiny.json --out runs/tiny",
            "  ./decaf init --config models/llama-tiny.json --out runs/llama --seed 7 \\",
            "      --tokenizer-corpus data.txt",
            "  ./decaf init --config models/quickstart-base.json --out runs/base \\",
            "      --tokenizer models/quickstart-base/tokenizer.json",
            "", "Without --tokenizer, decaf writes a byte-level BPE tokenizer: trained to the model's vocab_size on"
                + " --tokenizer-corpus files, or bytes only (257 tokens with <|endoftext|>) when none are given."})
final class InitCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, description = "A config.json (e.g. models/gpt2-tiny.json).")
    Path config;

    @Option(names = "--out", required = true, description = "The model directory to write (replaced if present).")
    Path out;

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    int seed = 0;

    @Option(names = "--dtype", description = "f32, bf16 or f16 (default: ${DEFAULT-VALUE}).")
    String dtype = "f32";

    @Option(names = "--tokenizer", description = "A tokenizer.json (or directory) to copy.")
    Path tokenizer;

    @Option(names = "--tokenizer-corpus", split = ",", description = "Text files to train the byte-level BPE on.")
    List<Path> corpus = List.of();

    @Override
    public Integer call() throws IOException {
        DType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            case "f16", "float16" -> DType.F16;
            default -> throw new IllegalArgumentException("--dtype must be f32, bf16 or f16, got '" + dtype + "'");
        };
        ModelConfig cfg;
        try {
            cfg = ModelConfig.load(config);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Path tok = tokenizerFor(cfg);
        try {
            noteReplacedIds(cfg, SpecialTokens.read(tok));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            DecoderModel model = DecoderModel.of(cfg);
            model.initialize(manager);
            ModelDirectory.save(model, type, tok, out);
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s, %,d parameters (%s), seed %d, tokenizer %s%n",
                    out, cfg.modelType(), model.numParameters(), type, seed,
                    tokenizer != null ? tokenizer : corpus.isEmpty() ? "byte-level (257 tokens)" : "BPE trained on " + corpus);
        } finally {
            if (tokenizer == null && tok != null) {
                Files.deleteIfExists(tok);
                Files.deleteIfExists(tok.getParent());
            }
        }
        return 0;
    }

    /**
     * Says on one line (stderr) when the config's ids are not the tokenizer's: the saved directory
     * carries the tokenizer's (see {@link dev.decaf.models.checkpoint.TokenIds}), since decaf
     * separates documents and stops generation at the tokenizer's end-of-text id.
     */
    private void noteReplacedIds(ModelConfig cfg, SpecialTokens tokens) {
        if (tokens.eos() == null) {
            return;
        }
        Map<String, Object> json = cfg.json();
        Map<String, Object> fixed = cfg.json();
        TokenIds.apply(tokens, fixed);
        List<String> changed = new ArrayList<>();
        for (String key : new String[] {"bos_token_id", "eos_token_id", "pad_token_id"}) {
            Object was = json.get(key);
            Object now = fixed.get(key);
            if (was != null && !java.util.Objects.equals(String.valueOf(was), String.valueOf(now))) {
                changed.add(key + " " + was + " -> " + (now == null ? "none" : now));
            }
        }
        if (!changed.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "decaf: note: %s: %s, the tokenizer's %s (written to %s/config.json)%n", config,
                    String.join(", ", changed), describe(tokens), out);
            err.flush();
        }
    }

    private static String describe(SpecialTokens tokens) {
        String eos = tokens.eos().content() + " = " + tokens.eos().id();
        return tokens.bos().equals(tokens.eos()) ? eos : "bos " + tokens.bos().content() + " = " + tokens.bos().id()
                + ", eos " + eos;
    }

    /** The tokenizer.json to copy: the user's (checked against vocab_size), or one trained now. */
    private Path tokenizerFor(ModelConfig cfg) throws IOException {
        if (tokenizer != null) {
            try (TextTokenizer t = TextTokenizer.load(tokenizer)) {
                if (t.vocabSize() > cfg.vocabSize()) {
                    throw new IllegalArgumentException("--tokenizer " + tokenizer + " has " + t.vocabSize()
                            + " tokens but the config's vocab_size is " + cfg.vocabSize());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
        }
        int vocab = corpus.isEmpty() ? 257 : cfg.vocabSize();
        if (cfg.vocabSize() < 257) {
            throw new IllegalArgumentException(config + ": vocab_size " + cfg.vocabSize()
                    + " is below a byte-level tokenizer's 257 tokens: pass --tokenizer");
        }
        BpeTrainer trainer = BpeTrainer.builder().optVocabSize(vocab).build();
        BpeTrainer.Result trained = corpus.isEmpty() ? trainer.trainOnTexts(List.of()) : trainer.train(corpus);
        Path dir = Files.createTempDirectory("decaf-tokenizer");
        return trained.write(dir);
    }
}
