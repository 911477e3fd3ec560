package dev.decaf.sweep.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One grid point of {@code summary.csv}: the finished trials that share every axis value but the
 * seed, and their statistics over the seeds.
 *
 * @param values the shared axis values (key path → value), in the sweep's axis order, seed left out
 * @param valLoss the final validation loss over the seeds (count = the number of finished trials)
 * @param trainLoss the training loss over the seeds
 * @param tauEpoch the mean τ_epoch over the seeds
 * @param lambda the mean resolved λ over the seeds (the seeds of one grid point resolve the same λ)
 */
public record SummaryRow(
        Map<String, String> values, SampleStats valLoss, SampleStats trainLoss, double tauEpoch, double lambda) {

    /** Copies the values. */
    public SummaryRow {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The number of finished trials (seeds) in this grid point.
     *
     * @return the count
     */
    public int count() {
        return valLoss.count();
    }
}
