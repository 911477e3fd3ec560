package dev.decaf.cli;

import dev.decaf.text.tokenizer.BpeTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code decaf tokenizer}: tokenizer tools. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Train byte-level BPE tokenizers (Hugging Face tokenizer.json).",
        footer = {"", "Examples:", "  ./decaf tokenizer train --help"},
        subcommands = {TokenizerCommand.Train.class})
final class TokenizerCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code decaf tokenizer train}: GPT-2 style byte-level BPE ({@link BpeTrainer}) on UTF-8 text
     * files, written as {@code DIR/tokenizer.json}.
     */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train a byte-level BPE tokenizer (GPT-2 style) on UTF-8 text files.",
                "Writes DIR/tokenizer.json in Hugging Face format (loads in DJL and HF tokenizers);",
                "any UTF-8 text round-trips. Special tokens get the last ids."},
            footer = {"", "Examples:",
                "  ./decaf tokenizer train --vocab-size 8192 --out tok data.txt",
                "  ./decaf tokenizer train --vocab-size 32000 --min-frequency 5 --out tok *.txt",
                "  ./decaf tokenizer train --vocab-size 512 --special '<pad>' --out tok data.txt",
                "  ./decaf tokenizer train --vocab-size 1024 --no-special --out tok data.txt"})
    static final class Train implements Callable<Integer> {

        @Option(names = "--vocab-size", required = true, paramLabel = "N",
                description = "Total vocabulary size: 256 byte symbols + merges + special tokens.")
        int vocabSize;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Directory for tokenizer.json (created when missing; an existing file is replaced).")
        Path out;

        @Option(names = "--min-frequency", paramLabel = "K",
                description = "Stop when no pair occurs K times (default: ${DEFAULT-VALUE}).")
        int minFrequency = 2;

        @Option(names = "--special", paramLabel = "TOKEN",
                description = "A special token; repeat for several. Replaces the default <|endoftext|>.")
        List<String> special;

        @Option(names = "--no-special", description = "Train without special tokens.")
        boolean noSpecial;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "UTF-8 text files, read line by line.")
        List<Path> files;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (noSpecial && special != null) {
                throw new IllegalArgumentException("--special and --no-special exclude each other");
            }
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException(f + ": no such file");
                }
                if (!Files.isReadable(f)) {
                    throw new IllegalArgumentException(f + ": not readable");
                }
                if (Files.size(f) == 0) {
                    throw new IllegalArgumentException(f + ": file is empty");
                }
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
            }
            List<String> specials = noSpecial ? List.of() : special != null ? special : BpeTrainer.DEFAULT_SPECIAL_TOKENS;
            BpeTrainer trainer = BpeTrainer.builder()
                    .optVocabSize(vocabSize)
                    .optMinFrequency(minFrequency)
                    .optSpecialTokens(specials)
                    .build();
            long start = System.nanoTime();
            BpeTrainer.Result r;
            try {
                r = trainer.train(files);
            } catch (IOException e) {
                if (e.getCause() instanceof CharacterCodingException) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
                throw e;
            }
            Path written = r.write(out);
            double seconds = (System.nanoTime() - start) / 1e9;
            PrintWriter w = spec.commandLine().getOut();
            w.println(String.format(Locale.ROOT,
                    "decaf tokenizer train: vocab %d (%d merges, %d special), %d file%s, %d bytes, %.2f s%s -> %s",
                    r.vocabSize(), r.merges().size(), r.specialTokens().size(), r.files(),
                    r.files() == 1 ? "" : "s", r.bytes(), seconds,
                    r.vocabSize() < vocabSize ? " (stopped early: " + r.stopReason() + ")" : "", written));
            w.flush();
            return 0;
        }
    }
}
