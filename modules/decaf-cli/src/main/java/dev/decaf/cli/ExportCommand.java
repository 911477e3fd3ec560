package dev.decaf.cli;

import dev.decaf.onnx.OnnxExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code decaf export}: a model directory in another format (ONNX, see {@link OnnxExporter}). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a model directory to another format.",
        subcommands = {ExportCommand.Onnx.class})
final class ExportCommand {

    /** {@code decaf export onnx}. */
    @Command(name = "onnx", mixinStandardHelpOptions = true,
            description = {"Write a model directory (config.json + safetensors) as an ONNX graph for ONNX Runtime:",
                "input_ids and attention_mask [batch, sequence] in, logits [batch, sequence, vocab] out,",
                "dynamic batch and sequence. No tensor engine is needed; the same model gives the same bytes.",
                "decaf eval/generate --engine onnx read DIR/model.onnx."},
            footer = {"", "Examples:", "  ./decaf export onnx --model models/quickstart-base",
                "  ./decaf export onnx --model runs/tiny --kv-cache --out /tmp/tiny.onnx",
                "  ./decaf export onnx --model runs/tiny --opset 23"})
    static final class Onnx implements Callable<Integer> {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model directory.")
        Path model;

        @Option(names = "--out", paramLabel = "FILE", description = "The ONNX file (default: DIR/model.onnx).")
        Path out;

        @Option(names = "--opset", paramLabel = "N",
                description = "17 (IR 8, what ONNX 1.12's checker validates) or 23 (IR 11: RMSNormalization, Gelu)"
                        + " (default: ${DEFAULT-VALUE}).")
        int opset = 17;

        @Option(names = "--kv-cache", description = "Add past_key_values.N.key/value inputs and present.N.key/value outputs.")
        boolean kvCache;

        @Option(names = "--external-data-above", paramLabel = "BYTES", hidden = true,
                description = "Write the weights to FILE.data when they exceed this size (default: 2 GiB less 64 MiB).")
        Long externalAbove;

        @Override
        public Integer call() throws IOException {
            if (opset != 17 && opset != 23) {
                throw new IllegalArgumentException("--opset must be 17 or 23, got " + opset);
            }
            EvalCommand.checkModelDir(model);
            if (!Files.isRegularFile(model.resolve("tokenizer.json"))) {
                throw new IllegalArgumentException(model.resolve("tokenizer.json") + ": no such file (the export is"
                        + " read with the model directory's tokenizer; add it before exporting)");
            }
            OnnxExporter.Builder b = OnnxExporter.builder().optOpset(opset).optKvCache(kvCache);
            if (externalAbove != null) {
                b.optExternalDataThreshold(externalAbove);
            }
            Path file = out != null ? out : model.resolve("model.onnx");
            OnnxExporter.Result r;
            try {
                r = b.build().export(model, file);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "wrote %s (opset %d%s): %d weight tensors, %.1f MB%s%n", r.model(), opset,
                    kvCache ? ", key/value cache" : "", r.weights(), r.weightBytes() / 1e6,
                    r.externalData() == null ? "" : " in " + r.externalData());
            o.flush();
            return 0;
        }
    }
}
