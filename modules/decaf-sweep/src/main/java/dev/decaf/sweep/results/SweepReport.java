package dev.decaf.sweep.results;

import dev.decaf.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a sweep's results into its output directory, each file atomically ({@link AtomicFiles}):
 * {@value #RESULTS_CSV} (every trial, {@link ResultsTable}), {@value #SUMMARY_CSV} (the finished
 * trials over seeds, {@link Summary}), {@value #VAL_LOSS_PNG} (validation loss against τ_epoch per
 * dataset size, {@link TauCurve}), {@value #GRAD_NORM_PNG} (gradient norm per optimizer, {@link
 * GradNormCurve}) and {@value #REPORT_HTML} (all of it in one self-contained page, {@link
 * HtmlReport}). A plot the sweep has no data for is not written (a stale one from an earlier report
 * is deleted) and the page says why. Writing again replaces every file, so a report can be
 * rewritten as trials finish.
 */
public final class SweepReport {

    /** Every trial, one row each. */
    public static final String RESULTS_CSV = "results.csv";
    /** The finished trials grouped by every axis but the seed. */
    public static final String SUMMARY_CSV = "summary.csv";
    /** Validation loss against τ_epoch. */
    public static final String VAL_LOSS_PNG = ValLossTauPlot.FILE_NAME;
    /** Gradient norm by step per optimizer. */
    public static final String GRAD_NORM_PNG = GradNormPlot.FILE_NAME;
    /** The page with all of the above. */
    public static final String REPORT_HTML = "report.html";

    private static final Logger LOG = LoggerFactory.getLogger(SweepReport.class);

    private SweepReport() {}

    /**
     * Writes the report files.
     *
     * @param out the sweep's output directory (created when missing)
     * @param sweepName the sweep's name, for the page's title
     * @param axes the grid axes' key paths, in the sweep file's order ({@value Summary#SEED},
     *     {@value TauCurve#DATA_FRACTION} and {@value GradNormCurve#OPTIMIZER_NAME} have the roles
     *     described in those classes)
     * @param trials every trial of the sweep, any status
     * @throws IOException when a file cannot be written
     * @throws IllegalArgumentException when an axis is listed twice
     */
    public static void write(Path out, String sweepName, List<String> axes, List<TrialRecord> trials)
            throws IOException {
        Objects.requireNonNull(sweepName, "sweepName");
        if (new HashSet<>(axes).size() != axes.size()) {
            throw new IllegalArgumentException("an axis is listed twice: " + axes);
        }
        Files.createDirectories(out);
        Table results = ResultsTable.of(axes, trials);
        AtomicFiles.writeString(out.resolve(RESULTS_CSV), Csv.format(results));
        List<SummaryRow> summaryRows = Summary.rows(axes, trials);
        Table summary = Summary.table(axes, summaryRows);
        AtomicFiles.writeString(out.resolve(SUMMARY_CSV), Csv.format(summary));

        List<ReportFigure> figures = new ArrayList<>();
        figures.add(save(out, valLossFigure(axes, summaryRows)));
        figures.add(save(out, gradNormFigure(axes, trials)));
        String html = HtmlReport.render(sweepName, StatusCounts.of(trials), figures, summary, results);
        AtomicFiles.writeString(out.resolve(REPORT_HTML), html);
    }

    private static ReportFigure valLossFigure(List<String> axes, List<SummaryRow> rows) throws IOException {
        String title = "Validation loss against τ_epoch";
        List<TauCurve> curves = TauCurve.of(axes, rows);
        if (curves.isEmpty()) {
            return ReportFigure.skipped(title, VAL_LOSS_PNG,
                    "no finished trial has both a validation loss and a known τ_epoch > 0 (λ = 0 has none).");
        }
        List<String> lineAxes = TauCurve.lineAxes(axes);
        String lines = lineAxes.isEmpty()
                ? "one line (the sweep has no " + TauCurve.DATA_FRACTION + " axis)"
                : "one line per value of " + String.join(" × ", lineAxes);
        String caption = "Mean validation loss over seeds against τ_epoch (log scale), " + lines
                + "; error bars ± one sample standard deviation where there are two seeds or more; "
                + "the diamond marks each line's lowest mean.";
        return ReportFigure.drawn(title, VAL_LOSS_PNG, ValLossTauPlot.render(curves), caption, List.of());
    }

    private static ReportFigure gradNormFigure(List<String> axes, List<TrialRecord> trials) throws IOException {
        String title = "Gradient norm by optimizer";
        if (!axes.contains(GradNormCurve.OPTIMIZER_NAME)) {
            return ReportFigure.skipped(title, GRAD_NORM_PNG,
                    "the sweep has no " + GradNormCurve.OPTIMIZER_NAME + " axis, so there are no optimizers to compare.");
        }
        GradNormCurve.Lines lines = GradNormCurve.read(axes, trials);
        if (!lines.notes().isEmpty()) {
            LOG.warn("{}: {} finished trial(s) left out of the gradient-norm plot, e.g. {}", GRAD_NORM_PNG,
                    lines.notes().size(), lines.notes().get(0));
        }
        if (lines.curves().isEmpty()) {
            return ReportFigure.skipped(title, GRAD_NORM_PNG,
                    "no finished trial has a metrics.jsonl with grad_norm values.");
        }
        StringBuilder caption = new StringBuilder("Gradient norm against the step, the mean over each optimizer's "
                + "finished trials at each step:");
        for (GradNormCurve c : lines.curves()) {
            caption.append(String.format(Locale.ROOT, " %s (%d trial%s)", c.optimizer(), c.trials(),
                    c.trials() == 1 ? "" : "s"));
        }
        caption.append('.');
        return ReportFigure.drawn(title, GRAD_NORM_PNG, GradNormPlot.render(lines.curves()), caption.toString(),
                lines.notes());
    }

    /** Writes a drawn figure's PNG, or deletes a stale one for a skipped figure. */
    private static ReportFigure save(Path out, ReportFigure f) throws IOException {
        Path png = out.resolve(f.fileName());
        if (f.isDrawn()) {
            AtomicFiles.write(png, f.png());
        } else {
            Files.deleteIfExists(png);
        }
        return f;
    }
}
