package dev.decaf.train.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.train.loop.BestSoFar;
import dev.decaf.train.loop.TrainerState;
import java.io.IOException;

/** The JSON form of a {@link TrainerState} in a checkpoint's {@code trainer_state.json}. */
final class TrainerStateFile {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final String[] FIELDS = {"step", "epoch", "position", "seed", "bad_steps", "skipped_steps", "tokens",
        "recipe_hash"};

    private TrainerStateFile() {}

    /** Serialises a state (the store adds the file list). */
    static ObjectNode toJson(TrainerState s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", s.step()).put("epoch", s.epoch()).put("position", s.position()).put("seed", s.seed())
                .put("bad_steps", s.badSteps()).put("skipped_steps", s.skippedSteps()).put("tokens", s.tokens())
                .put("recipe_hash", s.recipeHash());
        BestSoFar b = s.best();
        if (b.isSet()) {
            n.put("best_step", b.step()).put("best_val_loss", b.valLoss())
                    .put("evals_without_improvement", b.evalsWithoutImprovement())
                    .put("last_evaluated_step", b.lastEvaluated());
        }
        return n;
    }

    /**
     * Parses {@link #toJson} output; a missing field is an error naming it, except the best
     * validation loss (absent: none yet, or a checkpoint written before decaf recorded it).
     */
    static TrainerState fromJson(JsonNode n, String source) throws IOException {
        for (String f : FIELDS) {
            if (!n.has(f)) {
                throw new IOException(source + ": missing field '" + f + "'");
            }
        }
        return new TrainerState(n.get("step").asLong(), n.get("epoch").asInt(), n.get("position").asLong(),
                n.get("seed").asLong(), n.get("bad_steps").asInt(), n.get("skipped_steps").asLong(),
                n.get("tokens").asLong(), n.get("recipe_hash").asText(), best(n));
    }

    private static BestSoFar best(JsonNode n) {
        if (!n.has("best_step")) {
            return BestSoFar.NONE;
        }
        return new BestSoFar(n.get("best_step").asLong(), n.path("best_val_loss").asDouble(Double.NaN),
                n.path("evals_without_improvement").asInt(), n.path("last_evaluated_step").asLong(-1));
    }
}
