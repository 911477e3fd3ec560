package dev.decaf.sweep.results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One line of the validation-loss-against-τ_epoch plot: the grid points ({@link SummaryRow}s) that
 * differ only in the axes that move a point along τ_epoch = B/(γ_max·λ·N) ({@link #ALONG_TAU}: λ,
 * the learning rate, the batch), each at its mean τ_epoch with the mean ± sample std of its
 * validation loss over the seeds, sorted by τ_epoch. So there is one line per dataset size (the
 * {@value #DATA_FRACTION} axis) and per value of any other axis (an optimizer, a model width), or a
 * single line for a sweep of λ alone. Wang &amp; Aitchison (ICML 2025) find the optimal τ_epoch
 * about the same across dataset and model sizes; these lines let a sweep check that. A grid point
 * with an unknown or non-positive τ_epoch (λ = 0), or an unknown mean loss, has no place on a log
 * axis and is left out.
 *
 * @param label the legend's label ({@code data.fraction = 0.25, optimizer.name = adamc}, or {@code
 *     all trials})
 * @param points the points, by increasing τ_epoch
 */
public record TauCurve(String label, List<TauCurve.Point> points) {

    /** The dataset-size axis, usually what tells the lines apart. */
    public static final String DATA_FRACTION = "data.fraction";

    /** The axes whose values move a grid point along τ_epoch rather than make another line. */
    public static final Set<String> ALONG_TAU =
            Set.of("optimizer.weight_decay", "optimizer.lr", "train.batch_size", "train.grad_accum");

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
     * The lines of a summary: one per combination of the values of the axes that are neither the
     * seed nor {@link #ALONG_TAU}, ordered axis by axis (numerically where both values are numbers,
     * else in order of appearance); lines left with no point are dropped.
     *
     * @param axes the grid axes' key paths
     * @param rows the summary
     * @return the lines
     */
    public static List<TauCurve> of(List<String> axes, List<SummaryRow> rows) {
        List<String> lineAxes = lineAxes(axes);
        Map<List<String>, List<Point>> lines = new LinkedHashMap<>();
        for (SummaryRow r : rows) {
            double tau = r.tauEpoch();
            double mean = r.valLoss().mean();
            if (!(tau > 0) || Double.isInfinite(tau) || !Double.isFinite(mean)) {
                continue;
            }
            List<String> key = lineAxes.stream().map(a -> String.valueOf(r.values().get(a))).toList();
            lines.computeIfAbsent(key, k -> new ArrayList<>()).add(new Point(tau, r.valLoss(), r.lambda()));
        }
        List<List<String>> keys = new ArrayList<>(lines.keySet());
        keys.sort(lineOrder(keys));
        List<TauCurve> out = new ArrayList<>(keys.size());
        for (List<String> k : keys) {
            List<Point> points = new ArrayList<>(lines.get(k));
            points.sort(Comparator.comparingDouble(Point::tauEpoch));
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < lineAxes.size(); i++) {
                parts.add(lineAxes.get(i) + " = " + k.get(i));
            }
            out.add(new TauCurve(parts.isEmpty() ? "all trials" : String.join(", ", parts), points));
        }
        return out;
    }

    /**
     * The axes whose values tell the lines apart: all but the seed and {@link #ALONG_TAU}.
     *
     * @param axes the grid axes' key paths
     * @return those axes, in the same order
     */
    public static List<String> lineAxes(List<String> axes) {
        return Summary.groupAxes(axes).stream().filter(a -> !ALONG_TAU.contains(a)).toList();
    }

    /** Axis by axis: numbers by value, anything else by first appearance among the keys. */
    private static Comparator<List<String>> lineOrder(List<List<String>> keys) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (List<String> k : keys) {
            for (String v : k) {
                seen.putIfAbsent(v, seen.size());
            }
        }
        return (a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                String x = a.get(i);
                String y = b.get(i);
                int c = isNumber(x) && isNumber(y) ? Double.compare(Double.parseDouble(x), Double.parseDouble(y))
                        : Integer.compare(seen.get(x), seen.get(y));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
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
