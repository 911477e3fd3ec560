package dev.decaf.models.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.groups.ParamMatcher;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamC;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.GradientClipping;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import dev.decaf.core.config.ModelConfig;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tiny model from {@code models/} trained on a corpus generated here (random "words" from a
 * 12-word vocabulary, each word a fixed 3–5 token spelling, separated by a space token) learns the
 * spellings: the mean loss of the last steps falls far below the first steps' (≈ ln V = 4.56).
 * Within a word the next token is determined, so a model that learns them reaches well under 2.
 */
class TinyTrainingTest {

    static final int T = 32;
    static final int BATCH = 16;

    static long[][] corpus(int vocab, SplittableRandom r, int[][] words) {
        long[][] batch = new long[BATCH][T];
        for (int b = 0; b < BATCH; b++) {
            int t = 0;
            while (t < T) {
                int[] w = words[r.nextInt(words.length)];
                for (int k = 0; k < w.length && t < T; k++) {
                    batch[b][t++] = w[k];
                }
                if (t < T) {
                    batch[b][t++] = 0; // space
                }
            }
        }
        return batch;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void lossFallsWellBelowItsStart(String name) throws Exception {
        ModelConfig config = ModelConfig.load(Path.of("../../models/" + name + ".json"));
        DecoderModel model = DecoderModel.of(config);
        SplittableRandom r = new SplittableRandom(7);
        int[][] words = new int[12][];
        for (int i = 0; i < words.length; i++) {
            words[i] = new int[3 + r.nextInt(3)];
            for (int k = 0; k < words[i].length; k++) {
                words[i][k] = 1 + r.nextInt(config.vocabSize() - 1);
            }
        }
        int steps = 150;
        Schedule schedule = Schedule.warmup(3e-3, 15, steps, DecayShape.COSINE, 0.1);
        ParamGroups groups = model.groups()
                .add(GroupRule.builder("hidden", ParamMatcher.kind(LayerKind.WEIGHT)).build())
                .add(GroupRule.builder("embeddings", ParamMatcher.kind(LayerKind.EMBEDDING, LayerKind.HEAD))
                        .decayRule(dev.decaf.core.decay.DecayRule.DECOUPLED).build())
                .add(GroupRule.builder("no_decay", ParamMatcher.kind(LayerKind.NORM, LayerKind.BIAS)).weightDecay(0).build())
                .build();
        var opt = name.startsWith("gpt2")
                ? AdamW.builder().optLearningRateTracker(ScheduleTracker.of(schedule)).optWeightDecays(0.1f)
                        .optParamGroups(groups).build()
                : AdamC.builder().optLearningRateTracker(ScheduleTracker.of(schedule)).optWeightDecays(0.1f)
                        .optParamGroups(groups).build();
        try (Model m = Model.newInstance(name)) {
            m.setBlock(model);
            DefaultTrainingConfig tc = new DefaultTrainingConfig(new CausalLmLoss()).optOptimizer(opt)
                    .optInitializer(Initializer.ZEROS, p -> false); // keep the model's own initialisers
            try (Trainer trainer = m.newTrainer(tc)) {
                NDManager manager = trainer.getManager();
                manager.getEngine().setRandomSeed(3);
                trainer.initialize(new Shape(BATCH, T));
                assertTrue(opt.groupTable().contains("hidden"), opt.groupTable());
                double first = 0;
                double last = 0;
                for (int step = 1; step <= steps; step++) {
                    long[][] data = corpus(config.vocabSize(), r, words);
                    try (NDManager batch = manager.newSubManager()) {
                        NDArray all = batch.create(data);
                        NDArray x = all.get(":, :-1");
                        NDArray y = all.get(":, 1:");
                        double loss;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray l = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                            loss = l.getFloat();
                            gc.backward(l);
                        }
                        GradientClipping.clipGlobalNorm(model, 1.0);
                        trainer.step();
                        if (step <= 10) {
                            first += loss / 10;
                        }
                        if (step > steps - 10) {
                            last += loss / 10;
                        }
                    }
                }
                assertEquals(Math.log(config.vocabSize()), first, 1.0, "starts near ln V");
                assertTrue(last < 2.0 && last < first / 2.5, name + ": loss " + first + " -> " + last);
                System.out.printf("%s: loss %.3f -> %.3f%n", name, first, last);
            }
        }
    }
}
