package dev.decaf.sweep.results;

/**
 * The mean and the sample standard deviation of a few values (the seeds of one grid point):
 * mean = Σxᵢ/n, computed as x₁ + Σ(xᵢ − x₁)/n so that equal values (one grid point's λ over its
 * seeds) average to exactly that value, and s = √(Σ(xᵢ − mean)²/(n − 1)) (Bessel's correction, as
 * numpy's {@code std(ddof=1)} and pandas' {@code std()}). s is NaN for n &lt; 2; both are NaN for
 * n = 0 and when any value is NaN or infinite (an unknown value makes the statistic unknown, rather
 * than silently leaving a seed out).
 *
 * @param count n, the number of values
 * @param mean the mean
 * @param std the sample standard deviation
 */
public record SampleStats(int count, double mean, double std) {

    /**
     * The statistics of the given values (two passes: the mean, then the squared deviations from it).
     *
     * @param values the values
     * @return their count, mean and sample standard deviation
     */
    public static SampleStats of(double... values) {
        int n = values.length;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return new SampleStats(n, Double.NaN, Double.NaN);
            }
        }
        if (n == 0) {
            return new SampleStats(0, Double.NaN, Double.NaN);
        }
        // shifted by the first value, so equal values (one grid point's λ over its seeds) average
        // to exactly that value
        double shift = values[0];
        double sum = 0;
        for (double v : values) {
            sum += v - shift;
        }
        double mean = shift + sum / n;
        if (n < 2) {
            return new SampleStats(n, mean, Double.NaN);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new SampleStats(n, mean, Math.sqrt(squares / (n - 1)));
    }
}
