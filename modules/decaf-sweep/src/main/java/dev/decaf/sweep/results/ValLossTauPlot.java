package dev.decaf.sweep.results;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * {@code val_loss_vs_tau_epoch.png}: the validation loss against τ_epoch on a log-scale x axis, one
 * line per {@link TauCurve} (dataset size, and optimizer or width where the sweep varies them), each point the mean over the seeds with an error bar of
 * ± one sample standard deviation where there are two seeds or more, and each line's optimum
 * ({@link TauCurve#optimum}, the lowest mean) drawn as a large diamond with a label giving its loss
 * and τ_epoch.
 */
final class ValLossTauPlot {

    /** The file name in a sweep's output directory. */
    static final String FILE_NAME = "val_loss_vs_tau_epoch.png";
    /** The image width in pixels. */
    static final int WIDTH = 900;
    /** The image height in pixels. */
    static final int HEIGHT = 600;

    private ValLossTauPlot() {}

    /**
     * Draws the plot.
     *
     * @param curves the lines, at least one with a point
     * @return the PNG's bytes, {@link #WIDTH} × {@link #HEIGHT}
     * @throws IOException when the runtime has no PNG writer
     */
    static byte[] render(List<TauCurve> curves) throws IOException {
        return ChartPng.render(chart(curves), WIDTH, HEIGHT);
    }

    /**
     * The chart: dataset 0 holds the lines (series i = curve i; y interval = mean ± std), dataset 1
     * the optima (series i = curve i's optimum, one item), and the plot one pointer annotation per
     * optimum.
     *
     * @param curves the lines
     * @return the chart
     */
    static JFreeChart chart(List<TauCurve> curves) {
        YIntervalSeriesCollection lines = new YIntervalSeriesCollection();
        XYSeriesCollection optima = new XYSeriesCollection();
        for (TauCurve c : curves) {
            YIntervalSeries s = new YIntervalSeries(c.label(), false, true);
            for (TauCurve.Point p : c.points()) {
                double mean = p.valLoss().mean();
                double std = p.valLoss().std();
                double half = Double.isFinite(std) ? std : 0;
                s.add(p.tauEpoch(), mean, mean - half, mean + half);
            }
            lines.addSeries(s);
            XYSeries best = new XYSeries(c.label() + " optimum", false, true);
            int i = c.optimum();
            if (i >= 0) {
                best.add(c.points().get(i).tauEpoch(), c.points().get(i).valLoss().mean());
            }
            optima.addSeries(best);
        }

        // LogarithmicAxis labels plain values at 1, 2, … 9 × 10^k (LogAxis writes 10^0.2)
        LogarithmicAxis x = new LogarithmicAxis("τ_epoch = B / (γ_max·λ·N), log scale");
        x.setStrictValuesFlag(false);
        NumberAxis y = new NumberAxis("validation loss (mean over seeds ± sample std)");
        y.setAutoRangeIncludesZero(false);

        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setCapLength(6);
        for (int i = 0; i < curves.size(); i++) {
            renderer.setSeriesPaint(i, ChartPng.color(i));
            renderer.setSeriesStroke(i, new BasicStroke(1.8f));
        }

        XYPlot plot = new XYPlot(lines, x, y, renderer);
        XYLineAndShapeRenderer optimumRenderer = new XYLineAndShapeRenderer(false, true);
        for (int i = 0; i < curves.size(); i++) {
            optimumRenderer.setSeriesPaint(i, ChartPng.color(i));
            optimumRenderer.setSeriesShape(i, diamond(9));
            optimumRenderer.setSeriesVisibleInLegend(i, false);
        }
        plot.setDataset(1, optima);
        plot.setRenderer(1, optimumRenderer);
        for (int i = 0; i < curves.size(); i++) {
            TauCurve c = curves.get(i);
            int k = c.optimum();
            if (k < 0) {
                continue;
            }
            TauCurve.Point p = c.points().get(k);
            String text = String.format(Locale.ROOT, "min %.4g at τ_epoch %.3g", p.valLoss().mean(), p.tauEpoch());
            XYPointerAnnotation a = new XYPointerAnnotation(text, p.tauEpoch(), p.valLoss().mean(), -Math.PI / 4);
            a.setPaint(ChartPng.color(i));
            a.setArrowPaint(ChartPng.color(i));
            a.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            a.setTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addAnnotation(a);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setNoDataMessage("no data");
        JFreeChart chart = new JFreeChart("Validation loss against τ_epoch", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static Path2D diamond(double r) {
        Path2D d = new Path2D.Double();
        d.moveTo(0, -r);
        d.lineTo(r, 0);
        d.lineTo(0, r);
        d.lineTo(-r, 0);
        d.closePath();
        return d;
    }
}
