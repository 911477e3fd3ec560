package dev.decaf.cli;

import dev.decaf.onnx.OnnxDecoder;
import dev.decaf.onnx.WeightsFingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --engine djl|onnx} and {@code --onnx FILE} for the inference commands ({@code eval},
 * {@code generate}): which engine runs the model directory, and for ONNX Runtime which graph.
 */
final class EngineOption {

    @Option(names = "--engine", paramLabel = "NAME",
            description = "Inference engine: djl, or onnx (ONNX Runtime on DIR/model.onnx, made by decaf export onnx;"
                    + " the DJL engine's results, with the graph's key/value cache when exported --kv-cache)"
                    + " (default: ${DEFAULT-VALUE}).")
    String engine = "djl";

    @Option(names = "--onnx", paramLabel = "FILE",
            description = "With --engine onnx: the graph to run (default: DIR/model.onnx).")
    Path onnxFile;

    /**
     * Returns whether ONNX Runtime runs the model.
     *
     * @throws IllegalArgumentException for an engine other than {@code djl} or {@code onnx}
     */
    boolean onnx() {
        if (!"djl".equals(engine) && !"onnx".equals(engine)) {
            throw new IllegalArgumentException("--engine must be djl or onnx, got '" + engine + "'");
        }
        return "onnx".equals(engine);
    }

    /**
     * Opens the graph ({@code --onnx FILE}, else {@code DIR/model.onnx}) with ONNX Runtime. A
     * missing or foreign file, or one exported from other weights than the directory's, is bad
     * input (exit 2) with one line that says how to make the right one.
     */
    OnnxDecoder open(Path dir, ThreadsOption threads) {
        Path file = onnxFile != null ? onnxFile : dir.resolve("model.onnx");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file (--engine onnx reads it; make it with: decaf"
                    + " export onnx --model " + dir + ")");
        }
        OnnxDecoder decoder;
        String here;
        try {
            decoder = OnnxDecoder.open(file, threads.onnxThreads());
            here = WeightsFingerprint.of(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String exported = decoder.weightsFingerprint();
        if (exported != null && here != null && !exported.equals(here)) {
            decoder.close();
            throw new IllegalArgumentException(file + ": exported from other weights than " + dir
                    + "'s model.safetensors (re-export: decaf export onnx --model " + dir + ")");
        }
        return decoder;
    }
}
