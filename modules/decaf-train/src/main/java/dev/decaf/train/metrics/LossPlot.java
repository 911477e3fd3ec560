package dev.decaf.train.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.core.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A PNG of a run's curves from its {@code metrics.jsonl}, three panels sharing the {@code step}
 * axis: training {@code loss} and {@code val_loss} (from step 0, the starting weights'), the
 * learning rate {@code lr}, and {@code grad_norm}. Entries
 * without a {@code step}, or whose value is missing or not a finite number, are left out; an empty
 * chart says "no data".
 *
 * <p>Drawn off-screen with JFreeChart: loading this class sets {@code java.awt.headless=true}
 * unless the property is already set (it must be set before AWT starts, so call this before any
 * other AWT use in a process that has no display). The PNG is written to a temporary file in the
 * target's directory, forced to disk and renamed over the target, so readers never see a partial
 * image.
 */
public final class LossPlot {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Default image width in pixels. */
    public static final int WIDTH = 900;
    /** Default image height in pixels (three panels stacked). */
    public static final int HEIGHT = 900;

    private LossPlot() {}

    /**
     * Plots a metrics file into a PNG of the default size.
     *
     * @param metrics the {@code metrics.jsonl}
     * @param png the image to write (replaced atomically)
     * @throws IOException when the metrics cannot be read or the image written
     */
    public static void write(Path metrics, Path png) throws IOException {
        write(MetricsLog.read(metrics), png, WIDTH, HEIGHT);
    }

    /**
     * Plots metrics entries into a PNG.
     *
     * @param entries the entries, in any order
     * @param png the image to write (replaced atomically)
     * @param width the width in pixels, ≥ 100
     * @param height the height in pixels, ≥ 100
     * @throws IOException when the image cannot be written
     */
    public static void write(List<ObjectNode> entries, Path png, int width, int height) throws IOException {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("a plot needs at least 100 x 100 pixels, got " + width + " x " + height);
        }
        BufferedImage image = render(entries, width, height);
        Path target = png.toAbsolutePath();
        Files.createDirectories(target.getParent());
        AtomicFiles.write(target, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }

    /**
     * Draws the charts into an image.
     *
     * @param entries the metrics entries
     * @param width the width in pixels
     * @param height the height in pixels
     * @return the image (RGB, white background)
     */
    public static BufferedImage render(List<ObjectNode> entries, int width, int height) {
        return draw(chart(entries), width, height);
    }

    /**
     * Draws a chart on a white RGB image, antialiased: how every decaf plot becomes pixels.
     *
     * @param chart the chart
     * @param width the width in pixels
     * @param height the height in pixels
     * @return the image
     */
    public static BufferedImage draw(JFreeChart chart, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The chart: three panels stacked on one step axis — loss and val_loss (half the height; the
     * starting weights' val_loss at step 0 included), the learning rate, the gradient norm.
     *
     * @param entries the metrics entries
     * @return the chart; its plot is a {@link CombinedDomainXYPlot} of the three panels, in order
     */
    static JFreeChart chart(List<ObjectNode> entries) {
        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(series("loss", entries));
        losses.addSeries(series("val_loss", entries));
        XYPlot top = panel("loss", losses, new Color(0x1f77b4), new Color(0xd62728));
        // validation points are sparse: show them
        ((XYLineAndShapeRenderer) top.getRenderer()).setSeriesShapesVisible(1, true);

        XYSeriesCollection lr = new XYSeriesCollection();
        lr.addSeries(series("lr", entries));
        XYPlot middle = panel("lr", lr, new Color(0x9467bd));

        XYSeriesCollection norms = new XYSeriesCollection();
        norms.addSeries(series("grad_norm", entries));
        XYPlot bottom = panel("grad_norm", norms, new Color(0x2ca02c));

        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("step"));
        plot.setGap(12);
        plot.add(top, 2);
        plot.add(middle, 1);
        plot.add(bottom, 1);
        JFreeChart chart = new JFreeChart("Loss, learning rate and gradient norm", JFreeChart.DEFAULT_TITLE_FONT, plot,
                true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYPlot panel(String yLabel, XYSeriesCollection data, Color... colors) {
        NumberAxis range = new NumberAxis(yLabel);
        range.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(1.6f));
            renderer.setSeriesPaint(i, colors[i]);
        }
        XYPlot plot = new XYPlot(data, null, range, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setNoDataMessage("no data");
        return plot;
    }

    /** The (step, key) points of the entries that have both as finite numbers; a repeated step keeps its last value. */
    static XYSeries series(String key, List<ObjectNode> entries) {
        XYSeries s = new XYSeries(key, true, false);
        for (ObjectNode e : entries) {
            JsonNode step = e.get("step");
            JsonNode v = e.get(key);
            if (step == null || v == null || !step.isNumber() || !v.isNumber()) {
                continue;
            }
            double x = step.asDouble();
            double y = v.asDouble();
            if (Double.isFinite(x) && Double.isFinite(y)) {
                s.addOrUpdate(x, y);
            }
        }
        return s;
    }
}
