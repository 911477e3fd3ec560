package dev.decaf.sweep.results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the validation-loss-against-τ_epoch plot: the grid points ({@link SummaryRow}s) of
 * one dataset size (one value of the {@value #DATA_FRACTION} axis, or all grid points when the sweep
 * has no such axis), each at its mean τ_epoch with the mean ± sample std of its validation loss over
 * the seeds, sorted by τ_epoch. Wang &amp; Aitchison (ICML 2025) find the optimal τ_epoch about
 * the same across dataset sizes; these lines let a sweep check that. A grid point with an unknown or
 * non-positive τ_epoch (λ = 0), or an unknown mean loss, has no place on a log axis and is left out.
 *
 * @param label the legend's label ({@code data.fraction = 0.25}, or {@code all trials})
 * @param points the points, by increasing τ_epoch
 */
public record TauCurve(String label, List<TauCurve.Point> points) {

    /** The axis whose values make the lines. */
    public static final String DATA_FRACTION = "data.fraction";

    /**
     * One grid point on a line.
     *
     * @param tauEpoch its mean τ_epoch
     * @param valLoss its validation loss over the seeds
     * @param lambda its λ
     */
    public record Point(double tauEpoch, SampleStats valLoss, double lambda) {}

    /** Copies the points. */
    public TauCurve {
        points = List.copyOf(points);
    }

    /**
     * The line's optimum: the point with the lowest mean validation loss (the first of equal ones).
     *
     * @return its index in {@link #points}, or -1 for a line with no points
     */
    public int optimum() {
        int best = -1;
        for (int i = 0; i < points.size(); i++) {
            if (best < 0 || points.get(i).valLoss().mean() < points.get(best).valLoss().mean()) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The lines of a summary: one per {@value #DATA_FRACTION} value, ordered by that value (as a
     * number when every value is one, else in order of appearance), or one line for a sweep
     * without that axis. Lines left with no point are dropped.
     *
     * @param axes the grid axes' key paths
     * @param rows the summary
     * @return the lines
     */
    public static List<TauCurve> of(List<String> axes, List<SummaryRow> rows) {
        boolean bySize = axes.contains(DATA_FRACTION);
        Map<String, List<Point>> lines = new LinkedHashMap<>();
        for (SummaryRow r : rows) {
            double tau = r.tauEpoch();
            double mean = r.valLoss().mean();
            if (!(tau > 0) || Double.isInfinite(tau) || !Double.isFinite(mean)) {
                continue;
            }
            String key = bySize ? String.valueOf(r.values().get(DATA_FRACTION)) : null;
            lines.computeIfAbsent(key, k -> new ArrayList<>()).add(new Point(tau, r.valLoss(), r.lambda()));
        }
        List<String> keys = new ArrayList<>(lines.keySet());
        if (bySize && keys.stream().allMatch(TauCurve::isNumber)) {
            keys.sort(Comparator.comparingDouble(Double::parseDouble));
        }
        List<TauCurve> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            List<Point> points = new ArrayList<>(lines.get(k));
            points.sort(Comparator.comparingDouble(Point::tauEpoch));
            out.add(new TauCurve(bySize ? DATA_FRACTION + " = " + k : "all trials", points));
        }
        return out;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
