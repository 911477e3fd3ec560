package dev.decaf.sweep.results;

import dev.decaf.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Placeholder until the report lands: results.csv only. */
public final class SweepReport {

    private SweepReport() {}

    /** Writes results.csv. */
    public static void write(Path out, String sweepName, List<String> axes, List<TrialRecord> trials) throws IOException {
        StringBuilder sb = new StringBuilder("trial,status");
        axes.forEach(a -> sb.append(',').append(a));
        sb.append(",lambda,tau_iter,tau_epoch,train_loss,val_loss,grad_norm,wall_s,error\n");
        for (TrialRecord t : trials) {
            sb.append(t.id()).append(',').append(t.status());
            axes.forEach(a -> sb.append(",\"").append(t.values().get(a)).append('"'));
            sb.append(',').append(t.lambda()).append(',').append(t.tauIter()).append(',').append(t.tauEpoch()).append(',')
                    .append(t.trainLoss()).append(',').append(t.valLoss()).append(',').append(t.gradNorm()).append(',')
                    .append(t.wallSeconds()).append(",\"").append(t.error() == null ? "" : t.error()).append("\"\n");
        }
        AtomicFiles.writeString(out.resolve("results.csv"), sb.toString());
    }
}
