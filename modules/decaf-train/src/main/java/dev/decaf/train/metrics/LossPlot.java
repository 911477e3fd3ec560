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
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A PNG of a run's curves from its {@code metrics.jsonl}: on top, training {@code loss} and
 * {@code val_loss} against {@code step}; below, {@code grad_norm} against {@code step}. Entries
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
    /** Default image height in pixels (two charts stacked). */
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
     * @param height the height in pixels, ≥ 100 (half per chart)
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
     * Draws the two charts into an image.
     *
     * @param entries the metrics entries
     * @param width the width in pixels
     * @param height the height in pixels
     * @return the image (RGB, white background)
     */
    public static BufferedImage render(List<ObjectNode> entries, int width, int height) {
        XYSeries loss = series("loss", entries);
        XYSeries valLoss = series("val_loss", entries);
        XYSeries gradNorm = series("grad_norm", entries);

        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(loss);
        losses.addSeries(valLoss);
        JFreeChart top = chart("Loss", "loss", losses);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) top.getXYPlot().getRenderer();
        r.setSeriesPaint(0, new Color(0x1f77b4));
        r.setSeriesPaint(1, new Color(0xd62728));
        r.setSeriesShapesVisible(0, false);
        r.setSeriesShapesVisible(1, true); // validation points are sparse: show them

        XYSeriesCollection norms = new XYSeriesCollection();
        norms.addSeries(gradNorm);
        JFreeChart bottom = chart("Gradient norm", "grad_norm", norms);
        XYLineAndShapeRenderer rb = (XYLineAndShapeRenderer) bottom.getXYPlot().getRenderer();
        rb.setSeriesPaint(0, new Color(0x2ca02c));
        rb.setSeriesShapesVisible(0, false);

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int half = height / 2;
            top.draw(g, new Rectangle2D.Double(0, 0, width, half));
            bottom.draw(g, new Rectangle2D.Double(0, half, width, height - half));
        } finally {
            g.dispose();
        }
        return image;
    }

    private static JFreeChart chart(String title, String yLabel, XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, "step", yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setNoDataMessage("no data");
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        plot.setRenderer(renderer);
        if (plot.getRangeAxis() instanceof org.jfree.chart.axis.NumberAxis axis) {
            axis.setAutoRangeIncludesZero(false);
        }
        return chart;
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
