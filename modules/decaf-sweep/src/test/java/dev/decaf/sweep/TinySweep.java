package dev.decaf.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A tiny base recipe (gpt2-tiny on generated text) and sweep files around it, for tests. */
public final class TinySweep {

    private TinySweep() {}

    /**
     * Writes train.txt and tiny.yaml into a directory.
     *
     * @param dir the directory
     * @param steps training steps
     * @return the recipe
     */
    public static Path writeBase(Path dir, int steps) throws IOException {
        StringBuilder text = new StringBuilder();
        SplittableRandom r = new SplittableRandom(5);
        String[] words = {"alpha", "beta", "gamma", "delta", "omega", "sigma"};
        for (int i = 0; i < 400; i++) {
            text.append(words[r.nextInt(words.length)]).append(' ').append(words[r.nextInt(words.length)]).append(".\n");
        }
        Files.writeString(dir.resolve("train.txt"), text);
        Path model = Path.of("../../models/gpt2-tiny.json").toAbsolutePath().normalize();
        Path recipe = dir.resolve("tiny.yaml");
        Files.writeString(recipe, """
                model: %s
                data:
                  train: train.txt
                  validation_fraction: 0.1
                optimizer:
                  name: adamw
                  lr: 3.0e-3
                  weight_decay: 0.1
                train:
                  steps: %d
                  batch_size: 4
                  seq_len: 32
                  seed: 3
                  log_every: 1
                  eval_every: 0
                  eval_batches: 2
                  checkpoint_every: 4
                out: runs/tiny
                """.formatted(model, steps));
        return recipe;
    }

    /**
     * Writes a sweep file.
     *
     * @param dir the directory (holding tiny.yaml)
     * @param name the file name
     * @param body the YAML
     * @return the file
     */
    public static Path writeSweep(Path dir, String name, String body) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, body);
        return f;
    }
}
