package dev.decaf.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.train.callbacks.Checkpointer;
import dev.decaf.train.callbacks.ProgressPrinter;
import dev.decaf.train.checkpoint.CheckpointStore;
import dev.decaf.train.metrics.StepMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A non-finite loss skips the step (no update, gradients zeroed) and is counted; too many in a row
 * stop the run with a clear message, and nothing non-finite is ever written to a checkpoint.
 */
class DivergenceTest {

    @TempDir
    Path tmp;

    /** The loop as decaf runs it (progress, metrics rows into {@code rows}, checkpoints), at a constant lr. */
    TrainingLoop loop(ResumeTest.Setup su, NDManager manager, TrainingSettings settings, Path checkpoints,
            List<StepMetrics> rows, PrintStream console) {
        var state = su.opt();
        return TrainingLoop.builder().model(su.model()).optimizer(su.opt()).schedule(Schedule.constant(1e-3))
                .train(su.data().train())
                .validation(new ValidationLoss(su.model(), manager, su.data().validation(), settings.batchSize(), 0))
                .settings(settings).manager(manager)
                .callback(new ProgressPrinter(console, settings, false))
                .callback(new TrainingCallback() {
                    @Override
                    public void onStepEnd(StepMetrics row, TrainerState s) {
                        rows.add(row);
                    }
                })
                .callback(new Checkpointer(new CheckpointStore(checkpoints, 5), su.model(), state,
                        tmp.resolve("tok/tokenizer.json"), settings))
                .build();
    }

    @Test
    void nonFiniteStepsAreSkippedCountedAndStopTheRun() throws IOException {
        ResumeTest helper = new ResumeTest();
        helper.tmp = tmp;
        try (NDManager manager = NDManager.newBaseManager()) {
            ResumeTest.Setup su = helper.setup(manager, null);
            // an infinite LayerNorm gain makes every forward non-finite from the start
            Parameter gain = su.model().parameters().get("transformer.ln_f.weight");
            float[] before = su.model().parameters().get("transformer.h.0.attn.c_attn.weight").getArray().toFloatArray();
            gain.getArray().set(new float[(int) gain.getArray().size()]);
            gain.getArray().muli(Float.POSITIVE_INFINITY);
            List<StepMetrics> rows = new ArrayList<>();
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            TrainingLoop loop = loop(su, manager, new TrainingSettings(10, 4, 1, 1.0, 9, 1, 0, 0, 1, 3),
                    tmp.resolve("out/checkpoints"), rows, new PrintStream(console));
            DivergedException e = assertThrows(DivergedException.class,
                    () -> loop.run(new TrainerState(0, 0, 0, 9, 0, 0, 0, "h")));
            // checkpoint_every = 1: the first checkpoint attempt finds the NaN weight and refuses to save it
            assertTrue(e.getMessage().startsWith("weight 'transformer.ln_f.weight' is NaN or infinite at step 1"),
                    e.getMessage());
            assertEquals(1, rows.size(), "step 1 was logged as skipped");
            rows.forEach(r -> assertEquals(true, r.skipped()));
            assertTrue(console.toString().contains("step 1: non-finite loss, step skipped (1 in a row)"), console.toString());
            assertTrue(new CheckpointStore(tmp.resolve("out/checkpoints"), 5).list().isEmpty(), "nothing saved");

            // without checkpoints in between, three skipped steps in a row stop the run
            ResumeTest.Setup again = helper.setup(manager, null);
            Parameter g2 = again.model().parameters().get("transformer.ln_f.weight");
            g2.getArray().set(new float[(int) g2.getArray().size()]);
            g2.getArray().muli(Float.POSITIVE_INFINITY);
            List<StepMetrics> rows2 = new ArrayList<>();
            TrainingLoop loop2 = loop(again, manager, new TrainingSettings(10, 4, 1, 1.0, 9, 1, 0, 0, 100, 3),
                    tmp.resolve("out2/checkpoints"), rows2, new PrintStream(new ByteArrayOutputStream()));
            DivergedException e2 = assertThrows(DivergedException.class,
                    () -> loop2.run(new TrainerState(0, 0, 0, 9, 0, 0, 0, "h")));
            assertTrue(e2.getMessage().startsWith("loss or gradient was NaN/Inf for 3 steps in a row (step 3)"), e2.getMessage());
            assertEquals(2, rows2.size(), "steps 1 and 2 logged as skipped before step 3 stopped the run");
            rows2.forEach(r -> assertEquals(true, r.skipped()));
            float[] after = su.model().parameters().get("transformer.h.0.attn.c_attn.weight").getArray().toFloatArray();
            assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(after), "no update was applied");
        }
    }
}
