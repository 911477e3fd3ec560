package dev.decaf.cli;

import dev.decaf.core.config.ModelConfig;
import dev.decaf.onnx.OnnxImporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code decaf import}: a model from another format back into a model directory ({@link OnnxImporter}). */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a model from another format into a model directory.",
        subcommands = {ImportCommand.Onnx.class})
final class ImportCommand {

    /** {@code decaf import onnx}. */
    @Command(name = "onnx", mixinStandardHelpOptions = true,
            description = {"Read an ONNX file that decaf export onnx wrote back into a model directory:",
                "config.json, model.safetensors (the weights bit for bit, in the original dtype) and the",
                "tokenizer files beside the ONNX file. Other graphs are refused."},
            footer = {"", "Examples:", "  ./decaf import onnx runs/tiny/model.onnx --out /tmp/tiny-again"})
    static final class Onnx implements Callable<Integer> {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The ONNX file.")
        Path file;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model directory to write.")
        Path out;

        @Override
        public Integer call() {
            ModelConfig config;
            try {
                config = OnnxImporter.importModel(file, out);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println("wrote " + out + " (" + config.modelType() + ", " + config.numLayers() + " layers)");
            o.flush();
            if (!java.nio.file.Files.isRegularFile(out.resolve("tokenizer.json"))) {
                // the graph holds no tokenizer: import copies the one beside the ONNX file, if any
                spec.commandLine().getErr().println("decaf: warning: no tokenizer.json beside " + file + ", so " + out
                        + " has none: copy the model's tokenizer.json there before eval or generate");
                spec.commandLine().getErr().flush();
            }
            return 0;
        }
    }
}
