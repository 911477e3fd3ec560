package dev.decaf.sweep.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jfree.chart.annotations.XYAnnotation;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;

/** The lines of the τ_epoch plot and the optimum each marks. */
class TauCurveTest {

    private static SummaryRow row(String fraction, double tau, double... val) {
        return new SummaryRow(Trials.values("data.fraction", fraction, "optimizer.weight_decay", "x"),
                SampleStats.of(val), SampleStats.of(val), tau, 1.0 / tau);
    }

    @Test
    void oneLinePerDatasetSizeByIncreasingTauWithTheArgminAsOptimum() {
        List<String> axes = List.of("data.fraction", "optimizer.weight_decay", "seed");
        List<SummaryRow> rows = List.of(
                row("1.0", 4.0, 3.0, 3.2), // mean 3.1
                row("1.0", 0.5, 2.9), // mean 2.9
                row("0.25", 2.0, 2.4, 2.6), // mean 2.5: the optimum of 0.25
                row("1.0", 1.0, 2.6, 2.8), // mean 2.7: the optimum of 1.0
                row("0.25", 0.25, 3.3),
                row("1.0", Double.NaN, 1.0), // λ = 0: no τ, left out (would otherwise be the minimum)
                row("0.25", 8.0, 2.55));
        List<TauCurve> curves = TauCurve.of(axes, rows);
        assertEquals(List.of("data.fraction = 0.25", "data.fraction = 1.0"),
                curves.stream().map(TauCurve::label).toList(), "ordered by the fraction as a number");
        TauCurve quarter = curves.get(0);
        TauCurve full = curves.get(1);
        assertEquals(List.of(0.25, 2.0, 8.0), quarter.points().stream().map(TauCurve.Point::tauEpoch).toList());
        assertEquals(List.of(0.5, 1.0, 4.0), full.points().stream().map(TauCurve.Point::tauEpoch).toList());
        assertEquals(1, quarter.optimum());
        assertEquals(2.5, quarter.points().get(1).valLoss().mean(), 1e-15);
        assertEquals(1, full.optimum());
        assertEquals(2.7, full.points().get(1).valLoss().mean(), 1e-15);

        // the chart marks exactly those points: dataset 1 holds them, one pointer annotation each
        XYPlot plot = ValLossTauPlot.chart(curves).getXYPlot();
        XYDataset optima = plot.getDataset(1);
        assertEquals(2.0, optima.getXValue(0, 0), 0);
        assertEquals(2.5, optima.getYValue(0, 0), 1e-15);
        assertEquals(1.0, optima.getXValue(1, 0), 0);
        assertEquals(2.7, optima.getYValue(1, 0), 1e-15);
        List<XYAnnotation> notes = plot.getAnnotations();
        assertEquals(2, notes.size());
        XYPointerAnnotation a = (XYPointerAnnotation) notes.get(1);
        assertEquals(1.0, a.getX(), 0);
        assertEquals(2.7, a.getY(), 1e-15);
        assertEquals("min 2.700 at τ_epoch 1.00", a.getText());
        // error bars: mean ± sample std (2.6, 2.8: s = √0.02)
        org.jfree.data.xy.IntervalXYDataset lines = (org.jfree.data.xy.IntervalXYDataset) plot.getDataset(0);
        assertEquals(2.7 + Math.sqrt(0.02), lines.getEndYValue(1, 1), 1e-12);
        assertEquals(2.9, lines.getEndYValue(1, 0), 1e-15, "a single seed has no bar");
    }

    @Test
    void otherAxesThanTheOnesAlongTauMakeTheirOwnLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        // optimizer.name × data.fraction × λ × seed: λ moves along τ, the rest make 2 × 2 lines
        List<SummaryRow> rows = Summary.rows(Trials.GRID_AXES, Trials.grid(tmp));
        List<TauCurve> curves = TauCurve.of(Trials.GRID_AXES, rows);
        assertEquals(List.of("optimizer.name = adamw, data.fraction = 0.25", "optimizer.name = adamw, data.fraction = 1.0",
                "optimizer.name = adamc, data.fraction = 0.25", "optimizer.name = adamc, data.fraction = 1.0"),
                curves.stream().map(TauCurve::label).toList());
        // λ = 0.1 is the best in every line: τ_epoch = 0.5/0.1 = 5 and 2/0.1 = 20; val = 2 + 0.1·seed (− 0.05 for adamc)
        double[] tau = {5, 20, 5, 20};
        double[] best = {2.05, 2.05, 2.0, 2.0};
        for (int i = 0; i < 4; i++) {
            TauCurve.Point p = curves.get(i).points().get(curves.get(i).optimum());
            assertEquals(tau[i], p.tauEpoch(), 1e-12, curves.get(i).label());
            assertEquals(best[i], p.valLoss().mean(), 1e-12, curves.get(i).label());
            assertEquals(3, curves.get(i).points().size());
        }
    }

    @Test
    void aSweepWithoutDataFractionHasOneLine() {
        List<TauCurve> curves = TauCurve.of(List.of("optimizer.weight_decay"), List.of(row("-", 1, 2), row("-", 3, 1)));
        assertEquals(1, curves.size());
        assertEquals("all trials", curves.get(0).label());
        assertEquals(1, curves.get(0).optimum());
    }
}
