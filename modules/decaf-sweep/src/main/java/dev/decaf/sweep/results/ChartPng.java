package dev.decaf.sweep.results;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;

/**
 * Draws a JFreeChart off-screen into PNG bytes (white background, antialiased), as decaf-train's
 * {@code LossPlot} does; the bytes go both to a file and, base64-encoded, into the HTML report.
 *
 * <p>Loading this class sets {@code java.awt.headless=true} unless the property is already set
 * (it must be set before AWT starts), so the report draws on a machine with no display.
 */
final class ChartPng {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ChartPng() {}

    /**
     * Draws the chart.
     *
     * @param chart the chart
     * @param width the width in pixels
     * @param height the height in pixels
     * @return the PNG file's bytes
     * @throws IOException when the runtime has no PNG writer
     */
    static byte[] render(JFreeChart chart, int width, int height) throws IOException {
        BufferedImage image = dev.decaf.train.metrics.LossPlot.draw(chart, width, height);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer in this Java runtime");
        }
        return out.toByteArray();
    }

    /** The line colours, matplotlib's tab10 palette (as decaf-train's LossPlot uses). */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };

    /**
     * The colour of the i-th line, cycling through {@link #PALETTE}.
     *
     * @param i the line's index
     * @return its colour
     */
    static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }
}
