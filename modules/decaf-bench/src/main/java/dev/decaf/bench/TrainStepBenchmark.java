package dev.decaf.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import dev.decaf.djl.optim.AdamW;
import ai.djl.pytorch.jni.JniUtils;
import dev.decaf.djl.internal.MallocHint;
import dev.decaf.djl.optim.kernel.ParallelRange;
import dev.decaf.djl.runtime.ComputeThreads;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.models.nn.CausalLmLoss;
import dev.decaf.models.nn.DecoderModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Training throughput of a decoder from {@code models/}: tokens per second over whole steps
 * (forward with loss, backward, AdamW step), with the time of each phase, in this JVM.
 */
public final class TrainStepBenchmark {

    /**
     * One measurement.
     *
     * @param tokensPerSecond B·T / median step time
     * @param meanTokensPerSecond steps·B·T / the timed steps' total time (what a progress line shows;
     *     unlike the median it counts the slow steps a busy core causes)
     * @param stepMs median whole step
     * @param forwardMs median forward + loss
     * @param backwardMs median backward
     * @param optimizerMs median optimizer step
     * @param tunedMalloc whether glibc malloc was tuned
     * @param threads libtorch intra-op threads, as libtorch reports them
     * @param kernelThreads the optimizer's kernel threads
     */
    public record Result(double tokensPerSecond, double meanTokensPerSecond, double stepMs, double forwardMs,
            double backwardMs, double optimizerMs, boolean tunedMalloc, int threads, int kernelThreads) {}

    private TrainStepBenchmark() {}

    /**
     * Measures {@code steps} training steps after {@code warmup} untimed ones.
     *
     * @param config a models/*.json
     * @param batch B
     * @param seqLen T
     * @param warmup untimed steps
     * @param steps timed steps
     * @param threads the compute threads to apply, or null to leave libtorch and the kernel at their
     *     defaults (decaf before {@code --threads})
     * @return the result
     * @throws IOException when the config cannot be read
     */
    public static Result measure(Path config, int batch, int seqLen, int warmup, int steps, ComputeThreads threads)
            throws IOException {
        if (threads != null) {
            threads.apply();
        }
        ModelConfig cfg = ModelConfig.load(config);
        DecoderModel model = DecoderModel.of(cfg);
        AdamW opt = AdamW.builder().optLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(3e-4f))
                .optWeightDecays(0.1f).optParamGroups(dev.decaf.djl.optim.ParamGroups.standard(model))
                .optKernelThreads(threads != null ? threads.kernel() : ParallelRange.defaultThreads()).build();
        int kernelThreads = opt.kernelThreads().threads();
        double[] fwd = new double[steps];
        double[] bwd = new double[steps];
        double[] upd = new double[steps];
        double[] all = new double[steps];
        try (Model m = Model.newInstance("bench")) {
            m.setBlock(model);
            DefaultTrainingConfig tc = new DefaultTrainingConfig(new CausalLmLoss()).optOptimizer(opt)
                    .optInitializer(Initializer.ZEROS, p -> false);
            try (Trainer trainer = m.newTrainer(tc)) {
                NDManager manager = trainer.getManager();
                manager.getEngine().setRandomSeed(0);
                trainer.initialize(new Shape(batch, seqLen));
                for (int i = -warmup; i < steps; i++) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray tokens = scope.randomInteger(0, cfg.vocabSize(), new Shape(batch, seqLen + 1), DataType.INT64);
                        NDArray x = tokens.get(":, :-1");
                        NDArray y = tokens.get(":, 1:");
                        long t0 = System.nanoTime();
                        long t1;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                            loss.getFloat(); // forward is lazy nowhere, but make sure it has run
                            t1 = System.nanoTime();
                            gc.backward(loss);
                        }
                        long t2 = System.nanoTime();
                        // decaf's own loop updates each parameter in place (DJL's Trainer.step() would
                        // first copy every gradient through its parameter server)
                        for (ai.djl.nn.Parameter p : model.parameters().values()) {
                            try (NDArray g = p.getArray().getGradient()) {
                                opt.update(p.getId(), p.getArray(), g);
                            }
                        }
                        long t3 = System.nanoTime();
                        if (i >= 0) {
                            fwd[i] = (t1 - t0) / 1e6;
                            bwd[i] = (t2 - t1) / 1e6;
                            upd[i] = (t3 - t2) / 1e6;
                            all[i] = (t3 - t0) / 1e6;
                        }
                    }
                }
            }
        }
        opt.close();
        double step = median(all);
        double total = Arrays.stream(all).sum();
        return new Result(batch * (double) seqLen / (step / 1000), steps * batch * (double) seqLen / (total / 1000), step,
                median(fwd), median(bwd), median(upd), MallocHint.isTuned(), JniUtils.getNumThreads(), kernelThreads);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * Prints one measurement: {@code CONFIG B T WARMUP STEPS [THREADS]}, THREADS a count, 0 for the
     * automatic choice, or absent for libtorch's and the kernel's own defaults.
     *
     * @param args the arguments
     * @throws IOException when the config cannot be read
     */
    public static void main(String[] args) throws IOException {
        ComputeThreads threads = args.length > 5 ? ComputeThreads.choose(Integer.parseInt(args[5])) : null;
        Result r = measure(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), threads);
        System.out.printf(java.util.Locale.ROOT,
                "RESULT {\"tokens_per_s\": %.1f, \"mean_tokens_per_s\": %.1f, \"step_ms\": %.2f, \"forward_ms\": %.2f,"
                        + " \"backward_ms\": %.2f, \"optimizer_ms\": %.2f, \"tuned\": %b, \"threads\": %d,"
                        + " \"kernel_threads\": %d}%n",
                r.tokensPerSecond(), r.meanTokensPerSecond(), r.stepMs(), r.forwardMs(), r.backwardMs(), r.optimizerMs(),
                r.tunedMalloc(), r.threads(), r.kernelThreads());
    }
}
