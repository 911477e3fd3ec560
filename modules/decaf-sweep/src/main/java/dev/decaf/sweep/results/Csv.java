package dev.decaf.sweep.results;

import java.util.List;

/**
 * Writes a {@link Table} as CSV with RFC 4180 quoting: a field holding a comma, a double quote, a
 * carriage return or a line feed is enclosed in double quotes, with each double quote inside it
 * doubled; other fields are written as they are. The first line is the header. Lines end with a
 * line feed (RFC 4180 says CRLF; every CSV reader, Python's and pandas' included, accepts LF).
 *
 * <p>Numbers are written with {@link Double#toString} / {@link Long#toString} (every digit, so a
 * value read back is the same double); an unknown cell (null or NaN) is an empty field, which
 * pandas reads as NaN.
 */
public final class Csv {

    private Csv() {}

    /**
     * The table as CSV text.
     *
     * @param table the table
     * @return the header line and one line per row, each ending with {@code \n}
     */
    public static String format(Table table) {
        StringBuilder out = new StringBuilder();
        line(out, table.columns());
        for (List<Object> row : table.rows()) {
            line(out, row);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(text(cells.get(i))));
        }
        out.append('\n');
    }

    /**
     * A cell's text before quoting: empty for null or NaN (unknown), every digit of any other
     * double, the cell's {@code toString} otherwise.
     *
     * @param cell the cell
     * @return its text
     */
    static String text(Object cell) {
        if (cell == null) {
            return "";
        }
        if (cell instanceof Double d) {
            return d.isNaN() ? "" : Double.toString(d);
        }
        return cell.toString();
    }

    /**
     * One field, quoted as RFC 4180 requires.
     *
     * @param value the field's text
     * @return the text as it is, or in double quotes with inner quotes doubled when it holds a
     *     comma, a double quote, CR or LF
     */
    public static String field(String value) {
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
