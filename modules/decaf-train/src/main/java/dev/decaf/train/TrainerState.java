package dev.decaf.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Where a run stands, saved with every checkpoint as {@code trainer_state.json}: enough to continue
 * exactly (same data order, same dropout masks, same schedule position) and to refuse a checkpoint
 * written by a different recipe.
 *
 * @param step optimizer steps done
 * @param epoch the data epoch the next batch comes from
 * @param position samples of that epoch already consumed
 * @param seed the run's seed (data order and per-step dropout seeds derive from it)
 * @param badSteps consecutive skipped (NaN/Inf) steps so far
 * @param skippedSteps all skipped steps so far
 * @param tokens training tokens consumed so far
 * @param recipeHash SHA-256 of the resolved recipe
 */
public record TrainerState(long step, int epoch, long position, long seed, int badSteps, long skippedSteps, long tokens,
        String recipeHash) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Serialises to JSON. */
    ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", step).put("epoch", epoch).put("position", position).put("seed", seed)
                .put("bad_steps", badSteps).put("skipped_steps", skippedSteps).put("tokens", tokens)
                .put("recipe_hash", recipeHash);
        return n;
    }

    /** Parses {@link #toJson()} output; a missing field is an error naming it. */
    static TrainerState fromJson(JsonNode n, String source) throws IOException {
        for (String f : new String[] {"step", "epoch", "position", "seed", "bad_steps", "skipped_steps", "tokens", "recipe_hash"}) {
            if (!n.has(f)) {
                throw new IOException(source + ": missing field '" + f + "'");
            }
        }
        return new TrainerState(n.get("step").asLong(), n.get("epoch").asInt(), n.get("position").asLong(),
                n.get("seed").asLong(), n.get("bad_steps").asInt(), n.get("skipped_steps").asLong(),
                n.get("tokens").asLong(), n.get("recipe_hash").asText());
    }
}
