package dev.decaf.sweep.results;

import java.util.ArrayList;
import java.util.List;

/**
 * The table of {@code results.csv} and of the report's "all trials" section: one row per trial,
 * whatever its status, in the order given, with the columns {@code trial}, {@code status}, one
 * per grid axis (its key path, in the sweep's order), then {@link #METRICS}. A trial that has no
 * value for an axis, or an unknown number, gets an empty cell; {@code error} is empty unless the
 * trial failed.
 */
public final class ResultsTable {

    /** The columns after the axes: the trial's numbers and its error. */
    public static final List<String> METRICS = List.of(
            "lambda", "tau_iter", "tau_epoch", "train_loss", "val_loss", "grad_norm", "wall_s", "error");

    private ResultsTable() {}

    /**
     * Builds the table.
     *
     * @param axes the grid axes' key paths, in the sweep's order
     * @param trials the trials, one row each
     * @return the table
     */
    public static Table of(List<String> axes, List<TrialRecord> trials) {
        List<String> columns = new ArrayList<>();
        columns.add("trial");
        columns.add("status");
        columns.addAll(axes);
        columns.addAll(METRICS);
        List<List<Object>> rows = new ArrayList<>(trials.size());
        for (TrialRecord t : trials) {
            List<Object> row = new ArrayList<>(columns.size());
            row.add(t.id());
            row.add(t.status());
            for (String axis : axes) {
                row.add(t.values().get(axis));
            }
            row.add(t.lambda());
            row.add(t.tauIter());
            row.add(t.tauEpoch());
            row.add(t.trainLoss());
            row.add(t.valLoss());
            row.add(t.gradNorm());
            row.add(t.wallSeconds());
            row.add(t.error());
            rows.add(row);
        }
        return new Table(columns, rows);
    }
}
