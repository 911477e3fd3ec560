package dev.decaf.sweep.results;

import java.util.List;

/**
 * One plot of the HTML report: drawn (its PNG's bytes and a caption), or skipped (a sentence saying
 * why the sweep has no data for it).
 *
 * @param title the section heading
 * @param fileName the PNG's name in the sweep's output directory
 * @param png the image's bytes, or null when skipped
 * @param text the caption of a drawn plot, or the reason a plot was skipped
 * @param notes lines about data left out of a drawn plot (may be empty)
 */
public record ReportFigure(String title, String fileName, byte[] png, String text, List<String> notes) {

    /** Copies the notes. */
    public ReportFigure {
        notes = List.copyOf(notes);
    }

    /**
     * A drawn plot.
     *
     * @param title the heading
     * @param fileName the PNG's name
     * @param png its bytes
     * @param caption what it shows
     * @param notes data left out
     * @return the figure
     */
    public static ReportFigure drawn(String title, String fileName, byte[] png, String caption, List<String> notes) {
        return new ReportFigure(title, fileName, png, caption, notes);
    }

    /**
     * A skipped plot.
     *
     * @param title the heading
     * @param fileName the PNG's name (not written)
     * @param reason why there is no data for it
     * @return the figure
     */
    public static ReportFigure skipped(String title, String fileName, String reason) {
        return new ReportFigure(title, fileName, null, reason, List.of());
    }

    /**
     * Whether the plot was drawn.
     *
     * @return true when there is an image
     */
    public boolean isDrawn() {
        return png != null;
    }
}
