package dev.decaf.sweep.run;

import dev.decaf.sweep.plan.SweepPlan;
import dev.decaf.sweep.plan.Trial;
import dev.decaf.sweep.results.TrialRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads every trial of a plan from its directory into {@link TrialRecord}s: what a report merges. */
public final class TrialRecords {

    private TrialRecords() {}

    /**
     * Reads the trials, in grid order, whatever process or shard ran them.
     *
     * @param plan the plan
     * @return one record per trial
     * @throws IOException on I/O errors
     */
    public static List<TrialRecord> of(SweepPlan plan) throws IOException {
        List<TrialRecord> records = new ArrayList<>();
        for (Trial t : plan.trials()) {
            TrialDir dir = new TrialDir(plan.trialDir(t));
            TrialState s = dir.state();
            Map<String, Object> r = dir.results().orElse(Map.of());
            String error = null;
            if (s == TrialState.FAILED) {
                Optional<Map<String, Object>> f = dir.failure();
                error = f.map(m -> String.valueOf(m.get("error"))).orElse("");
            }
            records.add(new TrialRecord(t.id(), s.label(), t.values(), num(r, "lambda"), num(r, "tau_iter"),
                    num(r, "tau_epoch"), num(r, "train_loss"), num(r, "val_loss"), num(r, "grad_norm"), num(r, "wall_s"),
                    error, dir.runDir()));
        }
        return records;
    }

    private static double num(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
