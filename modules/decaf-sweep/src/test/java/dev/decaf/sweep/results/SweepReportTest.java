package dev.decaf.sweep.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a report writes: valid PNGs of the stated size with their lines drawn, the averaged gradient norms, skipped plots. */
class SweepReportTest {

    @TempDir
    Path tmp;

    @Test
    void writesBothPlotsAsPngsOfTheirSizeAndAPageThatEmbedsThem() throws IOException {
        Path out = tmp.resolve("sweep");
        List<TrialRecord> trials = Trials.grid(tmp.resolve("runs"));
        SweepReport.write(out, "wd-grid", Trials.GRID_AXES, trials);

        BufferedImage tau = ImageIO.read(out.resolve(SweepReport.VAL_LOSS_PNG).toFile());
        assertNotNull(tau, "ImageIO reads " + SweepReport.VAL_LOSS_PNG);
        assertEquals(ValLossTauPlot.WIDTH, tau.getWidth());
        assertEquals(ValLossTauPlot.HEIGHT, tau.getHeight());
        assertTrue(count(tau, ChartPng.color(0).getRGB()) > 300, "the first line is drawn");
        assertTrue(count(tau, ChartPng.color(1).getRGB()) > 300, "the second line is drawn");
        BufferedImage grad = ImageIO.read(out.resolve(SweepReport.GRAD_NORM_PNG).toFile());
        assertNotNull(grad, "ImageIO reads " + SweepReport.GRAD_NORM_PNG);
        assertEquals(GradNormPlot.WIDTH, grad.getWidth());
        assertEquals(GradNormPlot.HEIGHT, grad.getHeight());
        assertTrue(count(grad, ChartPng.color(0).getRGB()) > 300, "adamw's line is drawn");
        assertTrue(count(grad, ChartPng.color(1).getRGB()) > 300, "adamc's line is drawn");

        String html = Files.readString(out.resolve(SweepReport.REPORT_HTML));
        // the page embeds the very bytes written to the files
        List<String> uris = Pattern.compile("src=\"data:image/png;base64,([^\"]+)\"").matcher(html).results()
                .map(m -> m.group(1)).toList();
        assertEquals(2, uris.size());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(out.resolve(SweepReport.VAL_LOSS_PNG)),
                java.util.Base64.getDecoder().decode(uris.get(0))));
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(out.resolve(SweepReport.GRAD_NORM_PNG)),
                java.util.Base64.getDecoder().decode(uris.get(1))));
        assertTrue(html.contains("<span id=\"done\">24</span> done, <span id=\"failed\">1</span> failed, "
                + "<span id=\"other\">1</span> pending or running."), "counts");
        assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(html).find(), "nothing loaded from outside");
        assertTrue(html.contains("loss is NaN at step 3, &quot;diverged&quot;"), "errors are escaped");
        Matcher results = Pattern.compile("(?s)<table id=\"results\">.*?<tbody>(.*?)</tbody>").matcher(html);
        assertTrue(results.find());
        assertEquals(26, Pattern.compile("<tr[ >]").matcher(results.group(1)).results().count());
    }

    @Test
    void gradNormIsTheMeanPerOptimizerAtEachStep() throws IOException {
        List<String> axes = List.of("optimizer.name", "seed");
        List<TrialRecord> trials = List.of(
                Trials.done("w0", Trials.values("optimizer.name", "adamw", "seed", "0"), 0.1, 1, 1, 1,
                        Trials.metrics(tmp.resolve("w0"), 1, 2, 3)),
                Trials.done("c0", Trials.values("optimizer.name", "adamc", "seed", "0"), 0.1, 1, 1, 1,
                        Trials.metrics(tmp.resolve("c0"), 5, 5)),
                Trials.done("w1", Trials.values("optimizer.name", "adamw", "seed", "1"), 0.1, 1, 1, 1,
                        Trials.metrics(tmp.resolve("w1"), 3, 4)),
                // a failed run's log is not averaged in; a missing log is a note
                new TrialRecord("w2", "failed", Trials.values("optimizer.name", "adamw", "seed", "2"), 0.1, 1, 1, 1, 1,
                        1, 1, "boom", Trials.metrics(tmp.resolve("w2"), 100, 100, 100)),
                Trials.done("w3", Trials.values("optimizer.name", "adamw", "seed", "3"), 0.1, 1, 1, 1,
                        tmp.resolve("nothing-here")));
        GradNormCurve.Lines lines = GradNormCurve.read(axes, trials);
        assertEquals(2, lines.curves().size());
        GradNormCurve adamw = lines.curves().get(0);
        assertEquals("adamw", adamw.optimizer());
        assertEquals(2, adamw.trials());
        // steps 1, 2: (1 + 3)/2, (2 + 4)/2; step 3 only the first run reached
        assertEquals(Map.of(1L, 2.0, 2L, 3.0, 3L, 3.0), adamw.meanByStep());
        assertEquals(Map.of(1L, 5.0, 2L, 5.0), lines.curves().get(1).meanByStep());
        assertEquals(1, lines.notes().size());
        assertTrue(lines.notes().get(0).startsWith("w3: "), lines.notes().get(0));
        assertTrue(lines.notes().get(0).endsWith("metrics.jsonl: no such file"), lines.notes().get(0));
    }

    @Test
    void plotsWithoutDataAreSkippedWithTheReasonAndStaleOnesRemoved() throws IOException {
        Path out = tmp.resolve("sweep");
        SweepReport.write(out, "first", Trials.GRID_AXES, Trials.grid(tmp.resolve("runs")));
        assertTrue(Files.exists(out.resolve(SweepReport.GRAD_NORM_PNG)));

        // no optimizer.name axis, and only λ = 0 (no τ_epoch): neither plot has data
        List<TrialRecord> trials = List.of(Trials.done("z", Trials.values("seed", "0"), 0, Double.NaN, 1, 1, null));
        SweepReport.write(out, "second", List.of("seed"), trials);
        assertFalse(Files.exists(out.resolve(SweepReport.GRAD_NORM_PNG)));
        assertFalse(Files.exists(out.resolve(SweepReport.VAL_LOSS_PNG)));
        String html = Files.readString(out.resolve(SweepReport.REPORT_HTML));
        assertFalse(html.contains("<img"));
        assertTrue(html.contains("Not drawn: the sweep has no optimizer.name axis"), html);
        assertTrue(html.contains("Not drawn: no finished trial has both a validation loss and a known τ_epoch &gt; 0"),
                html);
    }

    @Test
    void aSweepOfOneTrialWithOneLoggedStepStillDrawsBothPlots() throws IOException {
        Path out = tmp.resolve("one");
        List<TrialRecord> trials = List.of(Trials.done("only", Trials.values("optimizer.name", "adamc"), 0.1, 2.0, 1.5,
                1.25, Trials.metrics(tmp.resolve("run"), 0.75)));
        SweepReport.write(out, "one", List.of("optimizer.name"), trials);
        BufferedImage tau = ImageIO.read(out.resolve(SweepReport.VAL_LOSS_PNG).toFile());
        assertTrue(count(tau, ChartPng.color(0).getRGB()) > 50, "the single point and its optimum marker are drawn");
        BufferedImage grad = ImageIO.read(out.resolve(SweepReport.GRAD_NORM_PNG).toFile());
        assertEquals(GradNormPlot.WIDTH, grad.getWidth());
    }

    /** Pixels of exactly this colour. */
    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff) ? 1 : 0;
            }
        }
        return n;
    }
}
