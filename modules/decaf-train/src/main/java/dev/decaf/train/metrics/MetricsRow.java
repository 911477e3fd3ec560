package dev.decaf.train.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One line of {@code metrics.jsonl}: a typed row that knows its JSON form. */
public interface MetricsRow {

    /** Returns the optimizer step the row belongs to. */
    long step();

    /**
     * Returns the row as the JSON object {@link MetricsLog} writes, keys in a fixed order.
     *
     * @return a new object
     */
    ObjectNode toJson();
}
