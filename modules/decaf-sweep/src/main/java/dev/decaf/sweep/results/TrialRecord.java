package dev.decaf.sweep.results;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a sweep knows of one trial: its grid point, its state and, once it finished, the numbers
 * that go into {@code results.csv}.
 *
 * <p>τ_iter = 1/(γ_max·λ) and τ_epoch = τ_iter·B/N (Wang &amp; Aitchison, ICML 2025) are those of the
 * λ the run resolved (NaN for λ = 0 or an unknown value).
 *
 * @param id the trial's deterministic id (a hash of its resolved settings)
 * @param status {@code done}, {@code failed}, {@code running} or {@code pending}
 * @param values the grid value of each axis (axis key path → value as written in the sweep file),
 *     in the sweep file's axis order; {@code seed} is one of them when the sweep lists seeds
 * @param lambda the resolved λ (NaN if unknown)
 * @param tauIter τ_iter (NaN if unknown)
 * @param tauEpoch τ_epoch (NaN if unknown)
 * @param trainLoss the mean training loss over the last logging interval (NaN if unknown)
 * @param valLoss the final validation loss (NaN if unknown)
 * @param gradNorm the gradient norm of the last step (NaN if unknown)
 * @param wallSeconds the trial's wall time (NaN if unknown)
 * @param error the first line of a failed trial's error, else null
 * @param runDir the trial's run directory (metrics.jsonl, model, ...)
 */
public record TrialRecord(
        String id,
        String status,
        Map<String, String> values,
        double lambda,
        double tauIter,
        double tauEpoch,
        double trainLoss,
        double valLoss,
        double gradNorm,
        double wallSeconds,
        String error,
        Path runDir) {

    /** Checks the required fields and copies the values. */
    public TrialRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }
}
