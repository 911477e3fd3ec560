package dev.decaf.sweep.results;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (inline CSS, images as {@code data:} URIs, a
 * Content-Security-Policy that forbids loading anything else) with the sweep's name, its trial
 * counts, the plots (or why each was skipped), the summary table ({@code id="summary"}) and every
 * trial ({@code id="results"}, one {@code <tr>} per trial in its {@code <tbody>}). Each image's
 * {@code onload} sets {@code data-loaded="1"} and {@code data-natural-width} (the decoded width),
 * its {@code onerror} {@code data-loaded="0"}, so a browser test can prove the image decoded.
 * Numbers are shown with 4 significant digits (the CSV files have every digit).
 */
public final class HtmlReport {

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}
            .counts span{font-weight:bold}
            figure{margin:0}img{max-width:100%;height:auto;border:1px solid #ddd}
            figcaption,.note{color:#555;font-size:.9em}.skipped{color:#8a5a00}
            .scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85em}
            th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
            th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
            tr.failed td{background:#fdecea}td.error{max-width:40em;overflow-wrap:anywhere;white-space:pre-wrap}
            """;

    private HtmlReport() {}

    /**
     * The page.
     *
     * @param sweepName the sweep's name
     * @param counts the trials by status
     * @param figures the plots, in order
     * @param summary the summary table
     * @param results the results table (its {@code status} column, if any, marks failed rows)
     * @return the HTML text
     */
    public static String render(String sweepName, StatusCounts counts, List<ReportFigure> figures, Table summary,
            Table results) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
                + "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
        h.append("<title>Sweep ").append(escape(sweepName)).append(" — decaf</title>\n");
        h.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        h.append("<h1>Sweep report: <span id=\"sweep-name\">").append(escape(sweepName)).append("</span></h1>\n");
        h.append("<p class=\"counts\"><span id=\"total\">").append(counts.total()).append("</span> trials: ")
                .append("<span id=\"done\">").append(counts.done()).append("</span> done, ")
                .append("<span id=\"failed\">").append(counts.failed()).append("</span> failed, ")
                .append("<span id=\"other\">").append(counts.other()).append("</span> pending or running.</p>\n");
        for (ReportFigure f : figures) {
            figure(h, f);
        }
        h.append("<h2>Summary over seeds</h2>\n");
        h.append("<p class=\"note\">Finished trials grouped by every axis but the seed: mean and sample standard "
                + "deviation over the seeds (summary.csv).</p>\n");
        table(h, "summary", summary);
        h.append("<h2>All trials</h2>\n<p class=\"note\">One row per trial, any status (results.csv).</p>\n");
        table(h, "results", results);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void figure(StringBuilder h, ReportFigure f) {
        h.append("<h2>").append(escape(f.title())).append("</h2>\n");
        if (!f.isDrawn()) {
            h.append("<p class=\"skipped\">Not drawn: ").append(escape(f.text())).append("</p>\n");
            return;
        }
        h.append("<figure>\n<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(f.png()))
                .append("\" alt=\"").append(escape(f.title())).append("\" data-file=\"").append(escape(f.fileName()))
                .append("\" onload=\"this.dataset.loaded='1';this.dataset.naturalWidth=this.naturalWidth\"")
                .append(" onerror=\"this.dataset.loaded='0'\">\n");
        h.append("<figcaption>").append(escape(f.text())).append(" (").append(escape(f.fileName()))
                .append(")</figcaption>\n</figure>\n");
        for (String n : f.notes()) {
            h.append("<p class=\"note\">Left out: ").append(escape(n)).append("</p>\n");
        }
    }

    private static void table(StringBuilder h, String id, Table t) {
        int status = t.columns().indexOf("status");
        h.append("<div class=\"scroll\">\n<table id=\"").append(id).append("\">\n<thead><tr>");
        for (String c : t.columns()) {
            h.append("<th>").append(escape(c)).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (List<Object> row : t.rows()) {
            boolean failed = status >= 0 && StatusCounts.FAILED.equals(row.get(status));
            h.append(failed ? "<tr class=\"failed\">" : "<tr>");
            for (int i = 0; i < row.size(); i++) {
                Object cell = row.get(i);
                String cls = cell instanceof Number ? " class=\"num\"" : "error".equals(t.columns().get(i))
                        ? " class=\"error\"" : "";
                h.append("<td").append(cls).append('>').append(escape(text(cell))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n</div>\n");
    }

    /** A cell as shown: empty when unknown, 4 significant digits for a double. */
    static String text(Object cell) {
        if (cell == null) {
            return "";
        }
        if (cell instanceof Double d) {
            return d.isNaN() ? "" : String.format(Locale.ROOT, "%.4g", d);
        }
        return cell.toString();
    }

    /**
     * Escapes text for HTML content and double-quoted attributes.
     *
     * @param s the text (null is empty)
     * @return it with {@code & < > " '} as character references
     */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
