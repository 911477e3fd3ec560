package dev.decaf.sweep.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html opened in headless Chromium: every image decodes (its onload ran: data-loaded="1",
 * and the decoded width is the PNG's) and the results table has one row per trial. Needs Debian's
 * {@code chromium} package; without it the test is skipped, unless the environment variable
 * {@code CI} is set, where it fails.
 */
class ReportInChromiumTest {

    private static final Pattern IMG = Pattern.compile("<img\\b[^>]*>");
    private static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");

    @TempDir
    Path tmp;

    @Test
    void everyImageDecodesAndTheResultsTableHasARowPerTrial() throws Exception {
        Path chromium = chromium();
        Path out = tmp.resolve("sweep");
        List<TrialRecord> trials = Trials.grid(tmp.resolve("runs"));
        SweepReport.write(out, "wd-grid", Trials.GRID_AXES, trials);

        String dom = dumpDom(chromium, out.resolve(SweepReport.REPORT_HTML));
        List<Map<String, String>> images = new ArrayList<>();
        Matcher m = IMG.matcher(dom);
        while (m.find()) {
            Map<String, String> attributes = new java.util.HashMap<>();
            Matcher a = ATTRIBUTE.matcher(m.group());
            while (a.find()) {
                attributes.put(a.group(1), a.group(2));
            }
            images.add(attributes);
        }
        assertEquals(2, images.size(), "both plots are on the page");
        Map<String, Integer> widths = Map.of(SweepReport.VAL_LOSS_PNG, ValLossTauPlot.WIDTH, SweepReport.GRAD_NORM_PNG,
                GradNormPlot.WIDTH);
        for (Map<String, String> img : images) {
            String file = img.get("data-file");
            assertEquals("1", img.get("data-loaded"), file + " decoded (onload ran)");
            assertEquals(String.valueOf(widths.get(file)), img.get("data-natural-width"), file + "'s naturalWidth");
        }
        Matcher body = Pattern.compile("(?s)<table id=\"results\">.*?<tbody>(.*?)</tbody>").matcher(dom);
        assertTrue(body.find(), "the results table is in the DOM");
        assertEquals(trials.size(), Pattern.compile("<tr[ >]").matcher(body.group(1)).results().count(),
                "one row per trial");
    }

    /** Chromium's DOM after the page loaded, images included ({@code --virtual-time-budget} waits for them). */
    private String dumpDom(Path chromium, Path page) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
        Path stdout = tmp.resolve("dom.html");
        Path stderr = tmp.resolve("chromium.log");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
                page.toUri().toString())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 120 s; its log: " + Files.readString(stderr));
        }
        String dom = Files.readString(stdout, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || dom.isBlank()) {
            fail("chromium exited " + p.exitValue() + " with " + dom.length() + " characters of DOM; its log: "
                    + Files.readString(stderr));
        }
        return dom;
    }

    /** Debian's chromium, or a skip (a failure under CI) naming the package to install. */
    private static Path chromium() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/chromium")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "chromium"));
            }
        }
        for (Path c : candidates) {
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        String message = "chromium not found (/usr/bin/chromium or on PATH): install it with "
                + "'apt-get install -y chromium' to check report.html in a browser";
        if (System.getenv("CI") != null) {
            fail(message + " (CI is set, so this test must run)");
        }
        Assumptions.abort(message);
        return null;
    }
}
