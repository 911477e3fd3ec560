package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.core.io.AtomicFiles;
import dev.decaf.train.metrics.FinalValidation;
import dev.decaf.train.metrics.InitialValidation;
import dev.decaf.train.metrics.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the CLI, on a tiny GPT-2 with a learning rate high enough that the validation loss turns
 * up mid-run: {@code out:} in a recipe resolves against the recipe's folder; the starting
 * validation loss is metrics.jsonl's step-0 row; {@code train.keep_best: val_loss} exports the
 * lowest-val_loss weights as model/ ({@code decaf eval} of model/ gives exactly the recorded best);
 * {@code train.early_stop} stops at the evaluation the rule says, computed here from the full run's
 * losses; a resumed run keeps the best so far and writes no second step-0 row.
 */
class KeepBestEarlyStopTest {

    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path recipe(String name, double lr, String extraTrain) throws IOException {
        Files.writeString(tmp.resolve("train.txt"), FinetuneEvalAgreementTest.text(1, 400));
        Files.writeString(tmp.resolve("valid.txt"), FinetuneEvalAgreementTest.text(2, 150));
        Path dir = Files.createDirectories(tmp.resolve("recipes"));
        // every relative path, out included, is relative to this file's folder
        return Files.writeString(dir.resolve(name + ".yaml"), """
                model: %s
                data:
                  train: ../train.txt
                  validation: ../valid.txt
                optimizer:
                  name: adamw
                  lr: %s
                schedule:
                  warmup_steps: 4
                  decay: constant
                train:
                  steps: 12
                  batch_size: 4
                  seq_len: 32
                  seed: 5
                  log_every: 2
                  eval_every: 2
                  eval_batches: 0
                  checkpoint_every: 2
                  keep_best: val_loss
                %sout: ../runs/%s
                """.formatted(Path.of("../../models/gpt2-tiny.json").toAbsolutePath().normalize(), lr, extraTrain, name));
    }

    private static JsonNode outcome(DecafCliTest.Run r) throws IOException {
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    /** decaf eval's loss of a model directory on the validation file, with the run's batches. */
    private double evalLoss(Path model) throws IOException {
        DecafCliTest.Run ev = InferCli.run("eval", "--model", model.toString(), "--data",
                tmp.resolve("valid.txt").toString(), "--seq-len", "32", "--batch-size", "4", "--json");
        assertEquals(0, ev.code(), ev.err());
        return JSON.readTree(ev.out().lines().reduce((a, b) -> b).orElseThrow()).get("loss").asDouble();
    }

    /** (step, val_loss) of every evaluation in a metrics log, the step-0 and final ones included. */
    private static List<double[]> evaluations(Path run) throws IOException {
        List<double[]> l = new ArrayList<>();
        for (ObjectNode n : MetricsLog.read(run.resolve(MetricsLog.FILE_NAME))) {
            if (n.has("val_loss")) {
                l.add(new double[] {n.get("step").asDouble(), n.get("val_loss").asDouble()});
            }
        }
        return l;
    }

    @Test
    void keepBestExportsTheBestEvaluationAndResumeKeepsIt() throws Exception {
        Path r = recipe("a", 0.06, "");
        JsonNode o = outcome(FinetuneCommandTest.runCapturing("finetune", r.toString(), "--json"));
        Path run = tmp.resolve("runs/a");
        assertEquals(run.toString(), o.get("out").asText(), "out: ../runs/a is relative to recipes/");
        assertTrue(Files.isRegularFile(run.resolve("model/model.safetensors")));

        // metrics: the starting weights' val_loss is the first row, at step 0
        List<ObjectNode> rows = MetricsLog.read(run.resolve(MetricsLog.FILE_NAME));
        assertTrue(InitialValidation.isInitialValidation(rows.get(0)), rows.get(0).toString());
        assertEquals(0, rows.get(0).get("step").asInt());
        assertEquals(o.get("val_loss_before").asDouble(), rows.get(0).get("val_loss").asDouble(), 0.0);

        // the best is the lowest of all evaluations (an independent reading of the log) ...
        List<double[]> evals = evaluations(run);
        assertEquals(1 + 5 + 1, evals.size(), "step 0, steps 2..10, the final one: " + evals.size());
        double[] lowest = evals.stream().min((x, y) -> Double.compare(x[1], y[1])).orElseThrow();
        long bestStep = o.get("best_step").asLong();
        double best = o.get("best_val_loss").asDouble();
        assertEquals((long) lowest[0], bestStep);
        assertEquals(lowest[1], best, 0.0);
        assertTrue(bestStep > 0 && bestStep < 12, "the loss turned up mid-run: best at " + bestStep + " of "
                + evals.stream().map(java.util.Arrays::toString).toList());
        assertTrue(o.get("val_loss_after").asDouble() > best + 0.01, "the last weights are worse: " + o);
        assertEquals(bestStep, o.get("model_step").asLong());
        assertFalse(o.get("early_stopped").asBoolean());
        ObjectNode last = rows.get(rows.size() - 1);
        assertTrue(FinalValidation.isFinalValidation(last), last.toString());
        assertEquals(bestStep, last.get("best_step").asLong());
        assertEquals(best, last.get("best_val_loss").asDouble(), 0.0);

        // ... and model/ holds those weights: decaf eval gives exactly the recorded best val_loss
        assertEquals(best, evalLoss(run.resolve("model")), 0.0, "model/ is the best step's weights");
        // the last checkpoint keeps the last weights for --resume
        assertTrue(Files.isDirectory(run.resolve("checkpoints/step-00000012")));

        // a crash before step 12 (checkpoints 8, 10 and 12 are kept): the resumed run must continue
        // the best so far from the checkpoint, or its one evaluation (the final one, at 12) would be
        // its best
        AtomicFiles.deleteTree(run.resolve("checkpoints/step-00000012"));
        AtomicFiles.deleteTree(run.resolve("model"));
        assertTrue(Files.isDirectory(run.resolve(String.format("checkpoints/best-step-%08d", bestStep))),
                "the best weights are kept beside the checkpoints");
        JsonNode resumed = outcome(FinetuneCommandTest.runCapturing("finetune", "--resume", run.toString(), "--json"));
        assertEquals(bestStep, resumed.get("best_step").asLong());
        assertEquals(best, resumed.get("best_val_loss").asDouble(), 0.0);
        assertEquals(bestStep, resumed.get("model_step").asLong());
        assertEquals(o.get("val_loss_after").asDouble(), resumed.get("val_loss_after").asDouble(), 0.0);
        assertEquals(best, evalLoss(run.resolve("model")), 0.0);
        List<ObjectNode> after = MetricsLog.read(run.resolve(MetricsLog.FILE_NAME));
        assertEquals(1, after.stream().filter(InitialValidation::isInitialValidation).count(), "no second step-0 row");
        assertEquals(12, after.stream().filter(n -> n.has("loss")).count(), "every step once");
        assertEquals(1, after.stream().filter(FinalValidation::isFinalValidation).count());
    }

    @Test
    void earlyStopStopsAtTheEvaluationThatExhaustsPatience() throws Exception {
        Path full = recipe("full", 0.03, "");
        outcome(FinetuneCommandTest.runCapturing("finetune", full.toString(), "--json"));
        // the rule applied by hand to the full run's evaluations (steps 0, 2, ..., 10; improvement:
        // lower than the best by more than min_delta)
        int patience = 2;
        double minDelta = 0.001;
        List<double[]> evals = evaluations(tmp.resolve("runs/full"));
        double best = Double.NaN;
        long bestStep = -1;
        long expectedStop = -1;
        int without = 0;
        for (double[] e : evals.subList(0, evals.size() - 1)) {
            if (bestStep < 0 || e[1] < best - minDelta) {
                best = e[1];
                bestStep = (long) e[0];
                without = 0;
            } else if (++without == patience) {
                expectedStop = (long) e[0];
                break;
            }
        }
        assertTrue(expectedStop > 0, "the full run's losses exhaust a patience of 2 before step 12");

        Path r = recipe("early", 0.03, "  early_stop: {patience: " + patience + ", min_delta: " + minDelta + "}\n");
        DecafCliTest.Run run = FinetuneCommandTest.runCapturing("finetune", r.toString(), "--json");
        JsonNode o = outcome(run);
        assertTrue(run.out().contains(String.format(java.util.Locale.ROOT, "early stop at step %d: val_loss has not"
                + " improved by more than 0.001 for 2 evaluations (best %.4f at step %d)", expectedStop, best, bestStep)),
                run.out());
        assertTrue(o.get("early_stopped").asBoolean());
        assertEquals(expectedStop, o.get("steps").asLong());
        assertEquals(bestStep, o.get("best_step").asLong());
        assertEquals(bestStep, o.get("model_step").asLong());
        Path out = tmp.resolve("runs/early");
        assertTrue(Files.isDirectory(out.resolve(String.format("checkpoints/step-%08d", expectedStop))),
                "a final checkpoint at the stop");
        List<ObjectNode> rows = MetricsLog.read(out.resolve(MetricsLog.FILE_NAME));
        assertEquals(expectedStop, rows.stream().filter(n -> n.has("loss")).count(), "no step after the stop");
        ObjectNode last = rows.get(rows.size() - 1);
        assertTrue(last.get("early_stopped").asBoolean(), last.toString());
        assertEquals(best, evalLoss(out.resolve("model")), 0.0, "model/ is the best step's weights");

        // resuming an early-stopped run trains nothing more
        JsonNode again = outcome(FinetuneCommandTest.runCapturing("finetune", "--resume", out.toString(), "--json"));
        assertEquals(expectedStop, again.get("steps").asLong());
        assertTrue(again.get("early_stopped").asBoolean());
        assertEquals(bestStep, again.get("best_step").asLong());
    }

    @Test
    void earlyStopWithoutEvaluationsIsAOneLineRecipeError() throws Exception {
        Path r = recipe("bad", 0.03, "  early_stop: {patience: 2}\n");
        DecafCliTest.Run run = DecafCliTest.run("finetune", r.toString(), "--set", "train.eval_every=0");
        assertEquals(2, run.code());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("train.early_stop: needs evaluations during the run: set train.eval_every > 0"),
                run.err());
        assertFalse(Files.exists(tmp.resolve("runs/bad")));
    }
}
