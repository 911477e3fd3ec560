package dev.decaf.sweep.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 4180 quoting, and results.csv as written for a sweep, checked against text written out by hand. */
class CsvTest {

    @TempDir
    Path tmp;

    @Test
    void quotesOnlyFieldsWithCommaQuoteOrLineBreak() {
        assertEquals("plain text", Csv.field("plain text"));
        assertEquals("\"a,b\"", Csv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
        assertEquals("\"line 1\nline 2\"", Csv.field("line 1\nline 2"));
        assertEquals("\"cr\r\"", Csv.field("cr\r"));
        assertEquals("\"x, \"\"y\"\"\nz\"", Csv.field("x, \"y\"\nz"));
        assertEquals("", Csv.field(""));
    }

    @Test
    void unknownCellsAreEmptyAndNumbersKeepEveryDigit() {
        Table t = new Table(List.of("a", "b", "c", "d"), List.of(Arrays.asList(0.1, Double.NaN, null, 3)));
        assertEquals("a,b,c,d\n0.1,,,3\n", Csv.format(t));
        assertEquals(1.0 / 3, Double.parseDouble(Csv.text(1.0 / 3)));
    }

    @Test
    void resultsCsvHasOneRowPerTrialWithTheAxesAndAQuotedError() throws IOException {
        List<String> axes = List.of("optimizer.weight_decay", "seed");
        List<TrialRecord> trials = List.of(
                Trials.done("a1", Trials.values("optimizer.weight_decay", "0.1", "seed", "0"), 0.1, 2.5, 1.5, 1.75,
                        null),
                Trials.failed("b2", Trials.values("optimizer.weight_decay", "1", "seed", "0"),
                        "bad value, \"x\"\nsecond line"),
                Trials.pending("c3", Trials.values("optimizer.weight_decay", "10")));
        SweepReport.write(tmp, "csv", axes, trials);
        String expected = """
                trial,status,optimizer.weight_decay,seed,lambda,tau_iter,tau_epoch,train_loss,val_loss,grad_norm,wall_s,error
                a1,done,0.1,0,0.1,25.0,2.5,1.5,1.75,0.5,12.5,
                b2,failed,1,0,,,,,,,3.0,"bad value, ""x""
                second line"
                c3,pending,10,,,,,,,,,
                """;
        assertEquals(expected, Files.readString(tmp.resolve(SweepReport.RESULTS_CSV), StandardCharsets.UTF_8));
    }
}
