package dev.decaf.cli;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamC;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.AdamL2;
import dev.decaf.djl.optim.AdamS;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.GradientClipping;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code decaf finetune}. Until decoder models and recipes land (issues 3 and 4) it runs the
 * optimizer demo: a small LayerNorm MLP learns a teacher network's outputs on data decaf
 * generates itself, through DJL's Trainer with decaf's optimizer, groups, schedule and clipping.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Fine-tune a model. For now: the optimizer demo, a small LayerNorm MLP fitting a",
            "teacher network on data decaf generates (no downloads), through DJL's Trainer."},
        footer = {"", "Examples:", "  ./decaf finetune", "  ./decaf finetune --optimizer adamc --weight-decay 0.1",
            "  ./decaf finetune --optimizer adams --steps 400 --lr 3e-3"})
final class FinetuneCommand implements Callable<Integer> {

    @Option(names = "--optimizer", description = "adamw, adamc, adam-l2 or adams (default: ${DEFAULT-VALUE}).")
    String optimizer = "adamw";

    @Option(names = "--steps", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps = 300;

    @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr = 3e-3;

    @Option(names = "--weight-decay", description = "λ for the decayed group (default: ${DEFAULT-VALUE}).")
    float weightDecay = 0.1f;

    @Option(names = "--warmup", description = "Linear warm-up steps before cosine decay (default: ${DEFAULT-VALUE}).")
    int warmup = 30;

    @Option(names = "--batch-size", description = "Samples per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--clip-norm", description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    double clipNorm = 1.0;

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    int seed = 0;

    @Option(names = "--log-every", description = "Steps between progress lines (default: ${DEFAULT-VALUE}).")
    int logEvery = 25;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final int IN = 32;
    static final int HIDDEN = 128;
    static final int OUT = 8;
    static final int TRAIN = 4096;
    static final int VALID = 1024;

    @Override
    public Integer call() {
        validate();
        java.io.PrintWriter out = spec.commandLine().getOut();
        Schedule schedule = Schedule.warmup(lr, warmup, steps, DecayShape.COSINE, 0.1);
        SequentialBlock student = mlp();
        AdamFamily opt = optimizer(student, ScheduleTracker.of(schedule));
        try (Model model = Model.newInstance("decaf-demo")) {
            model.setBlock(student);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(opt))) {
                NDManager m = trainer.getManager();
                m.getEngine().setRandomSeed(seed);
                trainer.initialize(new Shape(batchSize, IN));
                NDArray[] data = teacherData(m);
                NDArray xTrain = data[0];
                NDArray yTrain = data[1];
                NDArray xVal = data[2];
                NDArray yVal = data[3];

                out.println("decaf finetune (optimizer demo): " + TRAIN + " train / " + VALID
                        + " validation samples from a teacher network, batch " + batchSize + ", " + steps + " steps");
                out.println(opt.describe());
                out.print(opt.groupTable());
                double tauIter = 1 / (lr * weightDecay);
                out.printf(Locale.ROOT, "EMA view: τ_iter = 1/(γ·λ) = %.0f steps, τ_epoch = τ_iter·B/N = %.2f epochs,"
                        + " τ_iter/steps = %.2f%s%n", tauIter, tauIter * batchSize / TRAIN, tauIter / steps,
                        tauIter > steps ? " (decay barely acts within this run)" : "");

                double before = evaluate(trainer, xVal, yVal);
                long start = System.nanoTime();
                double lossSum = 0;
                int lossCount = 0;
                for (int step = 1; step <= steps; step++) {
                    long from = ((long) (step - 1) * batchSize) % TRAIN;
                    NDArray x = xTrain.get(from + ":" + (from + batchSize));
                    NDArray y = yTrain.get(from + ":" + (from + batchSize));
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray loss = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                        lossSum += loss.getFloat();
                        lossCount++;
                        gc.backward(loss);
                    }
                    double gradNorm = clipNorm > 0 ? GradientClipping.clipGlobalNorm(student, clipNorm)
                            : GradientClipping.globalNorm(student);
                    trainer.step();
                    x.close();
                    y.close();
                    if (step % logEvery == 0 || step == steps) {
                        double seconds = (System.nanoTime() - start) / 1e9;
                        out.printf(Locale.ROOT,
                                "step %4d/%d  loss %.5f  lr %.2e  grad_norm %.3f  samples/s %.0f  eta %.0fs%n",
                                step, steps, lossSum / lossCount, schedule.lr(step), gradNorm,
                                step * batchSize / seconds, seconds / step * (steps - step));
                        lossSum = 0;
                        lossCount = 0;
                        out.flush();
                    }
                }
                double after = evaluate(trainer, xVal, yVal);
                out.printf(Locale.ROOT, "validation loss: %.5f before, %.5f after (%.1f× lower)%n",
                        before, after, before / after);
                out.flush();
            }
        }
        return 0;
    }

    private void validate() {
        if (steps < 1 || batchSize < 1 || batchSize > TRAIN || warmup < 0 || warmup >= steps || logEvery < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "need --steps >= 1, 1 <= --batch-size <= %d, 0 <= --warmup < --steps, --log-every >= 1;"
                            + " got steps=%d batch-size=%d warmup=%d log-every=%d", TRAIN, steps, batchSize, warmup, logEvery));
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr must be finite and > 0, got " + lr);
        }
        if (!(clipNorm >= 0)) {
            throw new IllegalArgumentException("--clip-norm must be >= 0, got " + clipNorm);
        }
    }

    private AdamFamily optimizer(SequentialBlock block, ScheduleTracker tracker) {
        ParamGroups groups = ParamGroups.standard(block);
        return switch (optimizer.toLowerCase(Locale.ROOT)) {
            case "adamw" -> AdamW.builder().optLearningRateTracker(tracker).optWeightDecays(weightDecay).optParamGroups(groups).build();
            case "adamc" -> AdamC.builder().optLearningRateTracker(tracker).optWeightDecays(weightDecay).optParamGroups(groups).build();
            case "adam-l2" -> AdamL2.builder().optLearningRateTracker(tracker).optWeightDecays(weightDecay).optParamGroups(groups).build();
            case "adams" -> AdamS.builder().optLearningRateTracker(tracker).optWeightDecays(weightDecay).optParamGroups(groups).build();
            default -> throw new IllegalArgumentException("--optimizer must be adamw, adamc, adam-l2 or adams, got '" + optimizer + "'");
        };
    }

    private static SequentialBlock mlp() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(LayerNorm.builder().build())
                .add(Activation::gelu)
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(LayerNorm.builder().build())
                .add(Activation::gelu)
                .add(Linear.builder().setUnits(OUT).build());
    }

    /** A fixed random two-layer tanh teacher; targets carry a little noise. */
    private NDArray[] teacherData(NDManager m) {
        NDArray w1 = m.randomNormal(0, (float) (1 / Math.sqrt(IN)), new Shape(IN, 64), ai.djl.ndarray.types.DataType.FLOAT32);
        NDArray w2 = m.randomNormal(0, (float) (1 / Math.sqrt(64)), new Shape(64, OUT), ai.djl.ndarray.types.DataType.FLOAT32);
        NDArray x = m.randomNormal(new Shape(TRAIN + VALID, IN));
        NDArray y = x.matMul(w1).tanh().matMul(w2).add(m.randomNormal(0, 0.01f, new Shape(TRAIN + VALID, OUT),
                ai.djl.ndarray.types.DataType.FLOAT32));
        return new NDArray[] {x.get(":" + TRAIN), y.get(":" + TRAIN), x.get(TRAIN + ":"), y.get(TRAIN + ":")};
    }

    private static double evaluate(Trainer trainer, NDArray x, NDArray y) {
        NDArray pred = trainer.evaluate(new NDList(x)).singletonOrThrow();
        return trainer.getLoss().evaluate(new NDList(y), new NDList(pred)).getFloat();
    }
}
