package dev.decaf.sweep.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mean and sample standard deviation over seeds, against values computed by hand. */
class SummaryTest {

    @TempDir
    Path tmp;

    @Test
    void sampleStatsOfKnownValues() {
        // 2, 4, 9: mean 5; squared deviations 9 + 1 + 16 = 26; s² = 26 / 2 = 13
        SampleStats s = SampleStats.of(2, 4, 9);
        assertEquals(3, s.count());
        assertEquals(5.0, s.mean(), 0);
        assertEquals(Math.sqrt(13), s.std(), 1e-15);
        // one value: no sample std; none: nothing; NaN: unknown
        assertEquals(7.0, SampleStats.of(7).mean(), 0);
        assertTrue(Double.isNaN(SampleStats.of(7).std()));
        assertTrue(Double.isNaN(SampleStats.of().mean()));
        assertTrue(Double.isNaN(SampleStats.of(1, Double.NaN).mean()));
    }

    @Test
    void groupsFinishedTrialsByEveryAxisButSeed() throws IOException {
        List<String> axes = List.of("optimizer.weight_decay", "seed", "data.fraction");
        List<TrialRecord> trials = List.of(
                Trials.done("a", Trials.values("optimizer.weight_decay", "0.1", "seed", "0", "data.fraction", "0.5"),
                        0.1, 1.0, 1.0, 2.0, null),
                Trials.done("b", Trials.values("optimizer.weight_decay", "0.01", "seed", "0", "data.fraction", "0.5"),
                        0.01, 10.0, 3.5, 3.25, null),
                Trials.done("c", Trials.values("optimizer.weight_decay", "0.1", "seed", "1", "data.fraction", "0.5"),
                        0.1, 2.0, 2.0, 4.0, null),
                Trials.failed("d", Trials.values("optimizer.weight_decay", "0.1", "seed", "3", "data.fraction", "0.5"),
                        "oom"),
                Trials.done("e", Trials.values("optimizer.weight_decay", "0.1", "seed", "2", "data.fraction", "0.5"),
                        0.1, 3.0, 3.0, 9.0, null),
                Trials.pending("f", Trials.values("optimizer.weight_decay", "0.1", "seed", "4", "data.fraction", "0.5")));
        List<SummaryRow> rows = Summary.rows(axes, trials);
        assertEquals(2, rows.size());
        SummaryRow r = rows.get(0);
        assertEquals(Trials.values("optimizer.weight_decay", "0.1", "data.fraction", "0.5"), r.values());
        assertEquals(3, r.count(), "failed and pending trials are left out");
        // val 2, 4, 9: mean 5, s = √13; train 1, 2, 3: mean 2, s = 1; τ_epoch 1, 2, 3: mean 2
        assertEquals(5.0, r.valLoss().mean(), 0);
        assertEquals(Math.sqrt(13), r.valLoss().std(), 1e-15);
        assertEquals(2.0, r.trainLoss().mean(), 0);
        assertEquals(1.0, r.trainLoss().std(), 0);
        assertEquals(2.0, r.tauEpoch(), 0);
        assertEquals(0.1, r.lambda(), 1e-17);

        SweepReport.write(tmp, "summary", axes, trials);
        String expected = "optimizer.weight_decay,data.fraction,count,val_loss_mean,val_loss_std,train_loss_mean,"
                + "train_loss_std,tau_epoch_mean,lambda\n"
                + "0.1,0.5,3,5.0," + Math.sqrt(13) + ",2.0,1.0,2.0,0.1\n"
                + "0.01,0.5,1,3.25,,3.5,,10.0,0.01\n";
        assertEquals(expected, Files.readString(tmp.resolve(SweepReport.SUMMARY_CSV)));
        assertEquals("3.605551275463989", Double.toString(Math.sqrt(13)));
    }
}
