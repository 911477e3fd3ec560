package dev.decaf.sweep.results;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code grad_norm.png}: the gradient norm against the step, one line per optimizer ({@link
 * GradNormCurve}, the mean over its trials), so AdamW's and AdamC's can be compared (linear axes,
 * as in a run's own {@code loss.png}).
 */
final class GradNormPlot {

    /** The file name in a sweep's output directory. */
    static final String FILE_NAME = "grad_norm.png";
    /** The image width in pixels. */
    static final int WIDTH = 900;
    /** The image height in pixels. */
    static final int HEIGHT = 500;

    private GradNormPlot() {}

    /**
     * Draws the plot.
     *
     * @param curves the lines, at least one
     * @return the PNG's bytes, {@link #WIDTH} × {@link #HEIGHT}
     * @throws IOException when the runtime has no PNG writer
     */
    static byte[] render(List<GradNormCurve> curves) throws IOException {
        return ChartPng.render(chart(curves), WIDTH, HEIGHT);
    }

    /**
     * The chart: series i is curve i.
     *
     * @param curves the lines
     * @return the chart
     */
    static JFreeChart chart(List<GradNormCurve> curves) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (GradNormCurve c : curves) {
            String label = String.format(Locale.ROOT, "%s (mean of %d trial%s)", c.optimizer(), c.trials(),
                    c.trials() == 1 ? "" : "s");
            XYSeries s = new XYSeries(label, true, false);
            for (Map.Entry<Long, Double> e : c.meanByStep().entrySet()) {
                s.add(e.getKey().doubleValue(), e.getValue());
            }
            data.addSeries(s);
        }
        NumberAxis y = new NumberAxis("gradient norm");
        y.setAutoRangeIncludesZero(false);
        NumberAxis x = new NumberAxis("step");
        x.setAutoRangeIncludesZero(false);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < curves.size(); i++) {
            renderer.setSeriesPaint(i, ChartPng.color(i));
            renderer.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setNoDataMessage("no data");
        JFreeChart chart = new JFreeChart("Gradient norm by optimizer", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
