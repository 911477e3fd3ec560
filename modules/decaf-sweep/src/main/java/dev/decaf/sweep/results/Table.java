package dev.decaf.sweep.results;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A table of cells with named columns, the form both {@code results.csv} / {@code summary.csv}
 * ({@link Csv}) and the report's HTML tables ({@link HtmlReport}) are written from, so the two
 * always hold the same rows and columns. A cell is a {@link String}, a {@link Number} or null
 * (unknown); a {@code double} NaN is unknown too.
 *
 * @param columns the column names, in order
 * @param rows the rows, each with one cell per column
 */
public record Table(List<String> columns, List<List<Object>> rows) {

    /** Checks that every row has one cell per column and copies both lists. */
    public Table {
        columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            List<Object> row = rows.get(r);
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(
                        "row " + r + " has " + row.size() + " cells for " + columns.size() + " columns");
            }
            // List.copyOf refuses nulls, and a null cell means "unknown"
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}
