package dev.decaf.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loss/lr/grad-norm PNG: headless, valid, the requested size, with drawn curves and the data handed to them. */
class LossPlotTest {

    @TempDir
    Path tmp;

    @Test
    void writesAValidPngWithBothCharts() throws IOException {
        Path dir = tmp.resolve("run");
        try (MetricsLog log = MetricsLog.open(dir)) {
            for (int s = 1; s <= 200; s++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("step", s);
                m.put("loss", 4.5 * Math.exp(-s / 60.0) + 0.5);
                m.put("grad_norm", 1.0 + 0.5 * Math.sin(s / 10.0));
                if (s % 50 == 0) {
                    m.put("val_loss", 4.6 * Math.exp(-s / 60.0) + 0.6);
                }
                log.log(m);
            }
        }
        Path png = tmp.resolve("plots/loss.png");
        LossPlot.write(dir.resolve(MetricsLog.FILE_NAME), png);
        assertEquals("true", System.getProperty("java.awt.headless"));
        byte[] bytes = Files.readAllBytes(png);
        assertEquals(0x89, bytes[0] & 0xff);
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO reads it back");
        assertEquals(LossPlot.WIDTH, image.getWidth());
        assertEquals(LossPlot.HEIGHT, image.getHeight());
        // the loss panel fills the top half, lr and grad_norm the bottom half: both hold curves
        assertTrue(inkFraction(image, 0, image.getHeight() / 2) > 0.01, "top chart is drawn");
        assertTrue(inkFraction(image, image.getHeight() / 2, image.getHeight()) > 0.01, "bottom chart is drawn");
        assertTrue(count(image, 0x1f77b4, 0, image.getHeight() / 2) > 200, "loss curve pixels");
        assertTrue(count(image, 0xd62728, 0, image.getHeight() / 2) > 20, "val_loss pixels");
        assertTrue(count(image, 0x2ca02c, image.getHeight() / 2, image.getHeight()) > 200, "grad_norm curve pixels");
        try (Stream<Path> s = Files.list(png.getParent())) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }

        // rewriting replaces the file atomically and works with a custom size
        LossPlot.write(MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME)), png, 400, 300);
        BufferedImage small = ImageIO.read(png.toFile());
        assertEquals(400, small.getWidth());
        assertEquals(300, small.getHeight());
    }

    @Test
    void theChartHoldsTheStepZeroValidationLossAndTheLearningRateOnOneStepAxis() throws IOException {
        Path dir = tmp.resolve("lr");
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(new InitialValidation(7.25));
            for (int s = 1; s <= 4; s++) {
                log.log(new StepMetrics(s, false, Map.of(), 6.0 - s, 1e-3 * s, 0.5 * s, 100, 10,
                        s == 2 ? 5.5 : Double.NaN));
            }
            log.log(new FinalValidation(4, 5.25, 2, 5.5, false));
        }
        Path png = tmp.resolve("lr.png");
        LossPlot.write(dir.resolve(MetricsLog.FILE_NAME), png);
        assertNotNull(ImageIO.read(png.toFile()), "the file is written");

        JFreeChart chart = LossPlot.chart(MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME)));
        CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.getXYPlot();
        List<XYPlot> panels = plot.getSubplots();
        assertEquals(3, panels.size(), "loss, lr, grad_norm");
        assertEquals("step", plot.getDomainAxis().getLabel(), "one shared step axis");
        XYDataset losses = panels.get(0).getDataset();
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), xs(losses, 0));
        assertEquals(List.of(5.0, 4.0, 3.0, 2.0), ys(losses, 0));
        assertEquals(List.of(0.0, 2.0, 4.0), xs(losses, 1), "val_loss from step 0 on");
        assertEquals(List.of(7.25, 5.5, 5.25), ys(losses, 1));
        assertEquals("lr", panels.get(1).getRangeAxis().getLabel());
        assertEquals(List.of(1e-3, 2e-3, 3e-3, 4e-3), ys(panels.get(1).getDataset(), 0));
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), xs(panels.get(1).getDataset(), 0));
        assertEquals(List.of(0.5, 1.0, 1.5, 2.0), ys(panels.get(2).getDataset(), 0));
    }

    private static List<Double> xs(XYDataset d, int series) {
        return java.util.stream.IntStream.range(0, d.getItemCount(series)).mapToObj(i -> d.getXValue(series, i)).toList();
    }

    private static List<Double> ys(XYDataset d, int series) {
        return java.util.stream.IntStream.range(0, d.getItemCount(series)).mapToObj(i -> d.getYValue(series, i)).toList();
    }

    @Test
    void anEmptyLogStillMakesAnImage() throws IOException {
        Path metrics = Files.writeString(tmp.resolve("metrics.jsonl"), "{\"event\":\"start\"}\n");
        Path png = tmp.resolve("empty.png");
        LossPlot.write(metrics, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image);
        assertFalse(inkFraction(image, 0, image.getHeight()) == 0, "titles and the no-data message");
    }

    static double inkFraction(BufferedImage img, int y0, int y1) {
        long ink = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    ink++;
                }
            }
        }
        return ink / (double) ((long) img.getWidth() * (y1 - y0));
    }

    static long count(BufferedImage img, int rgb, int y0, int y1) {
        long n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
