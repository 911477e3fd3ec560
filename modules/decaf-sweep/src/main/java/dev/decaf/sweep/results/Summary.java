package dev.decaf.sweep.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of {@code summary.csv}: the finished trials ({@value StatusCounts#DONE}) grouped by
 * every grid axis except {@value #SEED}, one row per group in the order its first trial comes, with
 * {@code count}, the mean and sample standard deviation ({@link SampleStats}) of {@code val_loss}
 * and {@code train_loss} over the seeds, the mean {@code tau_epoch} and {@code lambda}. Trials that
 * are not done are left out; a group whose seeds include an unknown (NaN) loss has an unknown mean.
 */
public final class Summary {

    /** The axis that is averaged over rather than grouped by. */
    public static final String SEED = "seed";

    /** The columns after the grouping axes. */
    public static final List<String> STATISTICS = List.of("count", "val_loss_mean", "val_loss_std",
            "train_loss_mean", "train_loss_std", "tau_epoch_mean", "lambda");

    private Summary() {}

    /**
     * Groups the finished trials.
     *
     * @param axes the grid axes' key paths, in the sweep's order ({@value #SEED} among them or not)
     * @param trials the trials, any status
     * @return one row per group of finished trials
     */
    public static List<SummaryRow> rows(List<String> axes, List<TrialRecord> trials) {
        List<String> keys = groupAxes(axes);
        Map<Map<String, String>, List<TrialRecord>> groups = new LinkedHashMap<>();
        for (TrialRecord t : trials) {
            if (!StatusCounts.DONE.equals(t.status())) {
                continue;
            }
            Map<String, String> key = new LinkedHashMap<>();
            for (String axis : keys) {
                key.put(axis, t.values().get(axis));
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        List<SummaryRow> rows = new ArrayList<>(groups.size());
        for (Map.Entry<Map<String, String>, List<TrialRecord>> g : groups.entrySet()) {
            List<TrialRecord> seeds = g.getValue();
            int n = seeds.size();
            double[] val = new double[n];
            double[] train = new double[n];
            double[] tau = new double[n];
            double[] lambda = new double[n];
            for (int i = 0; i < n; i++) {
                val[i] = seeds.get(i).valLoss();
                train[i] = seeds.get(i).trainLoss();
                tau[i] = seeds.get(i).tauEpoch();
                lambda[i] = seeds.get(i).lambda();
            }
            rows.add(new SummaryRow(g.getKey(), SampleStats.of(val), SampleStats.of(train), SampleStats.of(tau).mean(),
                    SampleStats.of(lambda).mean()));
        }
        return rows;
    }

    /**
     * The summary as a table: the grouping axes, then {@link #STATISTICS}.
     *
     * @param axes the grid axes' key paths, in the sweep's order
     * @param rows the rows from {@link #rows}
     * @return the table
     */
    public static Table table(List<String> axes, List<SummaryRow> rows) {
        List<String> keys = groupAxes(axes);
        List<String> columns = new ArrayList<>(keys);
        columns.addAll(STATISTICS);
        List<List<Object>> cells = new ArrayList<>(rows.size());
        for (SummaryRow r : rows) {
            List<Object> row = new ArrayList<>(columns.size());
            for (String axis : keys) {
                row.add(r.values().get(axis));
            }
            row.add(r.count());
            row.add(r.valLoss().mean());
            row.add(r.valLoss().std());
            row.add(r.trainLoss().mean());
            row.add(r.trainLoss().std());
            row.add(r.tauEpoch());
            row.add(r.lambda());
            cells.add(row);
        }
        return new Table(columns, cells);
    }

    /** The axes a summary groups by: all but the seed. */
    static List<String> groupAxes(List<String> axes) {
        return axes.stream().filter(a -> !SEED.equals(a)).toList();
    }
}
