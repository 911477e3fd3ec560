package dev.decaf.cli;

import dev.decaf.djl.runtime.ComputeThreads;
import picocli.CommandLine.Option;

/**
 * {@code --threads N}: libtorch's intra-op threads for the inference commands, which run the same
 * forward pass as {@code finetune} (0 or absent: the automatic choice of {@link ComputeThreads}).
 */
final class ThreadsOption {

    @Option(names = "--threads", paramLabel = "N",
            description = "Compute threads (libtorch intra-op; default: 0, automatic).")
    int threads = ComputeThreads.AUTO;

    /** Sets the threads on the calling thread; a negative count is a usage error. */
    ComputeThreads apply() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0 (0: automatic), got " + threads);
        }
        return ComputeThreads.choose(threads).apply();
    }

    /** Returns ONNX Runtime's intra-op threads (0: ONNX Runtime's own choice); libtorch is left alone. */
    int onnxThreads() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0 (0: automatic), got " + threads);
        }
        return threads;
    }
}
