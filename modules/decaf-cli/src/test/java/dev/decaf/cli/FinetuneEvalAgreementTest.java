package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decaf finetune}'s final {@code val_loss} and {@code decaf eval} of the model it saved, on
 * the same validation file, are the same number: one validation-loss implementation
 * ({@code Evaluator}) serves both. Within 1e-6, and in fact exactly, since the batches are the same.
 */
class FinetuneEvalAgreementTest {

    @TempDir
    Path tmp;

    static String text(long seed, int lines) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] words = {"alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append(words[r.nextInt(words.length)]).append(' ').append(words[r.nextInt(words.length)]).append(' ')
                    .append(r.nextInt(100)).append(".\n");
        }
        return sb.toString();
    }

    @Test
    void finetunesFinalValidationLossIsWhatEvalReportsForTheSavedModel() throws Exception {
        Files.writeString(tmp.resolve("train.txt"), text(1, 400));
        Path valid = Files.writeString(tmp.resolve("valid.txt"), text(2, 150));
        Path recipe = Files.writeString(tmp.resolve("agree.yaml"), """
                model: %s
                data:
                  train: train.txt
                  validation: valid.txt
                optimizer:
                  name: adamw
                  lr: 3.0e-3
                train:
                  steps: 12
                  batch_size: 4
                  seq_len: 32
                  seed: 5
                  log_every: 4
                  eval_batches: 0
                out: %s
                """.formatted(Path.of("../../models/gpt2-tiny.json").toAbsolutePath().normalize(), tmp.resolve("out")));
        DecafCliTest.Run ft = DecafCliTest.run("finetune", recipe.toString());
        assertEquals(0, ft.code(), ft.err());

        List<String> lines = Files.readAllLines(tmp.resolve("out/metrics.jsonl"));
        JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals(12, last.get("step").asInt());
        assertFalse(last.has("loss"), "the last line is the final evaluation: " + last);
        double finetuneVal = last.get("val_loss").asDouble();

        DecafCliTest.Run ev = InferCli.run("eval", "--model", tmp.resolve("out/model").toString(), "--data",
                valid.toString(), "--seq-len", "32", "--batch-size", "4", "--json");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("packed into blocks of 33 tokens"), ev.out());
        JsonNode eval = new ObjectMapper().readTree(ev.out().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(eval.get("tokens").asLong() > 500, "the whole validation file counts: " + eval);
        double evalLoss = eval.get("loss").asDouble();
        assertTrue(finetuneVal > 0.5 && finetuneVal < 6.3, "a trained model, below ln 512: " + finetuneVal);
        assertEquals(finetuneVal, evalLoss, 1e-6, "finetune's val_loss " + finetuneVal + ", eval's loss " + evalLoss);
        // stronger: the same code over the same batches (the file in order, 4 blocks a batch) gives the
        // same double; the two former implementations differed by 7e-8 here
        assertEquals(finetuneVal, evalLoss, 0.0, "one implementation, the same batches");
    }
}
