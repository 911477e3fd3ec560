package dev.decaf.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}: a Hugging Face style model directory, for the inference commands. */
final class ModelOption {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A model directory (config.json, model.safetensors, tokenizer.json).")
    Path dir;

    /** Returns the directory. */
    Path dir() {
        return dir;
    }
}
