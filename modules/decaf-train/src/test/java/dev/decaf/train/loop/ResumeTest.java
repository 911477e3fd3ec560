package dev.decaf.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.optim.ScheduleTracker;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.text.data.LmDataset;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.tokenizer.BpeTrainer;
import dev.decaf.text.tokenizer.TextTokenizer;
import dev.decaf.train.callbacks.Checkpointer;
import dev.decaf.train.callbacks.ProgressPrinter;
import dev.decaf.train.checkpoint.CheckpointStore;
import dev.decaf.train.metrics.StepMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after 5 steps and resumed from its checkpoint computes exactly the losses of the
 * run that never stopped (GPT-2 with dropout 0.1, gradient accumulation 2, shuffled data over
 * more than one epoch); damaged checkpoints are skipped.
 */
class ResumeTest {

    @TempDir
    Path tmp;

    static final int STEPS = 12;

    record Setup(DecoderModel model, AdamW opt, Schedule schedule, LmDataset data, TextTokenizer tok) {}

    Setup setup(NDManager manager, Path checkpoint) throws IOException {
        ModelConfig cfg = ModelConfig.load(Path.of("../../models/gpt2-tiny.json"));
        DecoderModel model;
        if (checkpoint == null) {
            Engine.getInstance().setRandomSeed(1);
            model = DecoderModel.of(cfg);
            model.initialize(manager);
        } else {
            model = ModelDirectory.load(checkpoint, manager).model();
        }
        Schedule schedule = Schedule.warmup(3e-3, 3, STEPS, DecayShape.COSINE, 0.1);
        AdamW opt = AdamW.builder().optLearningRateTracker(ScheduleTracker.of(schedule)).optWeightDecays(0.1f)
                .optParamGroups(ParamGroups.standard(model)).build();
        if (checkpoint != null) {
            opt.loadState(checkpoint, manager);
        }
        Path tokDir = tmp.resolve("tok");
        if (!Files.exists(tokDir.resolve("tokenizer.json"))) {
            BpeTrainer.builder().optVocabSize(257).build().trainOnTexts(List.of()).write(tokDir);
        }
        TextTokenizer tok = TextTokenizer.load(tokDir);
        Path text = tmp.resolve("train.txt");
        if (!Files.exists(text)) {
            StringBuilder sb = new StringBuilder();
            SplittableRandom r = new SplittableRandom(3);
            for (int i = 0; i < 120; i++) {
                sb.append("line ").append(r.nextInt(1000)).append(" of words\n");
            }
            Files.writeString(text, sb.toString());
        }
        LmDataset data = LmDataset.builder().setDataFile(text).setTokenizer(tok).optTokenizerFile(tokDir)
                .setSeqLen(16).optValidationFraction(0.1).optSeed(4).build();
        return new Setup(model, opt, schedule, data, tok);
    }

    /** A loop over a setup with decaf's callbacks, checkpoints under {@code out}, and {@code more} after them. */
    static TrainingLoop loop(Setup su, NDManager manager, Path out, Path tokenizerFile, TrainingSettings settings,
            StopSignal stop, TrainingCallback... more) {
        var state = su.opt();
        TrainingLoop.Builder b = TrainingLoop.builder().model(su.model()).optimizer(su.opt())
                .schedule(su.schedule()).train(su.data().train())
                .validation(new ValidationLoss(su.model(), manager, su.data().validation(), settings.batchSize(),
                        settings.evalBatches()))
                .settings(settings).manager(manager).stopSignal(stop)
                .callback(new ProgressPrinter(new PrintStream(new ByteArrayOutputStream()), settings, false));
        for (TrainingCallback c : more) {
            b.callback(c);
        }
        return b.callback(new Checkpointer(new CheckpointStore(out.resolve("checkpoints"), 2), su.model(), state,
                tokenizerFile, settings)).build();
    }

    List<Double> run(Setup su, NDManager manager, Path out, TrainerState start, long stopAfter) throws IOException {
        List<Double> losses = new ArrayList<>();
        StopSignal stop = new StopSignal();
        TrainingSettings settings = new TrainingSettings(STEPS, 4, 2, 1.0, 9, 1, 0, 0, 4, 3);
        TrainingCallback recorder = new TrainingCallback() {
            @Override
            public void onStepEnd(StepMetrics row, TrainerState state) {
                losses.add(row.loss());
                if (row.step() == stopAfter && stopAfter < STEPS) {
                    stop.request();
                }
            }
        };
        TrainingResult r = loop(su, manager, out, tmp.resolve("tok/tokenizer.json"), settings, stop, recorder).run(start);
        assertEquals(stopAfter < STEPS, r.stopped());
        return losses;
    }

    @Test
    void resumedLossesEqualUninterruptedLosses() throws IOException {
        List<Double> straight;
        try (NDManager manager = NDManager.newBaseManager()) {
            straight = run(setup(manager, null), manager, tmp.resolve("a"), new TrainerState(0, 0, 0, 9, 0, 0, 0, "hash"), STEPS);
        }
        List<Double> first;
        try (NDManager manager = NDManager.newBaseManager()) {
            first = run(setup(manager, null), manager, tmp.resolve("b"), new TrainerState(0, 0, 0, 9, 0, 0, 0, "hash"), 5);
        }
        assertEquals(5, first.size());
        CheckpointStore store = new CheckpointStore(tmp.resolve("b/checkpoints"), 2);
        CheckpointStore.Loaded ck = store.latestIntact().orElseThrow();
        assertEquals(5, ck.state().step());
        List<Double> second;
        try (NDManager manager = NDManager.newBaseManager()) {
            second = run(setup(manager, ck.directory()), manager, tmp.resolve("b"), ck.state(), STEPS);
        }
        List<Double> resumed = new ArrayList<>(first);
        resumed.addAll(second);
        assertEquals(straight, resumed, "losses after resuming equal the uninterrupted run's, exactly");
        assertTrue(straight.get(STEPS - 1) < straight.get(0), "and training makes progress: " + straight);
        assertEquals(2, store.list().size(), "keep_checkpoints = 2");
    }

    @Test
    void damagedCheckpointsAreSkippedNeverLoaded() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            run(setup(manager, null), manager, tmp.resolve("c"), new TrainerState(0, 0, 0, 9, 0, 0, 0, "hash"), STEPS);
        }
        CheckpointStore store = new CheckpointStore(tmp.resolve("c/checkpoints"), 2);
        List<Path> all = store.list();
        assertEquals("step-00000012", all.get(0).getFileName().toString());
        try (FileChannel ch = FileChannel.open(all.get(0).resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 1);
        }
        CheckpointStore.Loaded ok = store.latestIntact().orElseThrow();
        assertEquals(all.get(1), ok.directory(), "the truncated newest checkpoint is skipped");
        Files.writeString(all.get(1).resolve("optimizer.json"), "{}", StandardOpenOption.APPEND);
        assertFalse(store.latestIntact().isPresent(), "a modified file fails its checksum");
    }
}
