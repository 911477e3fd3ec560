package dev.decaf.djl.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How many threads a run computes on: libtorch's intra-op threads (its OpenMP pool, which MKL
 * shares) and decaf's optimizer kernel threads, set together from one number, {@code --threads N}
 * or {@code train.threads} (0: automatic).
 *
 * <pre>
 * N &gt; 0                      intra-op = kernel = N
 * N = 0, OMP_NUM_THREADS set   intra-op = OMP_NUM_THREADS, kernel = the same (or decaf.optimizer.threads)
 * N = 0                        intra-op = max(1, cores − busy), kernel = the same (or decaf.optimizer.threads)
 *                              busy = round(CPU other processes used during 0.2 s at start, in cores)
 * inter-op                     1
 * </pre>
 *
 * <p>Why fewer threads when a core is busy: libtorch splits each op evenly over its OpenMP
 * threads and waits for the last, so a thread that shares its core with another process holds up
 * every op (measured on 2 cores beside a busy loop: 2 threads 25-28% of the quiet speed, even
 * with idle threads sleeping sooner; 1 thread 58%; README, "Threads"). Busy is measured over a
 * short window ({@code /proc/stat} less this process's own CPU time), not from the load average,
 * which lags a minute and counts this JVM. Inter-op threads run only {@code torch.jit.fork}-style
 * tasks, which decaf never starts, so one is enough.
 *
 * <p>libtorch keeps the intra-op count per calling thread (OpenMP's {@code nthreads} variable),
 * plus a process-wide count for threads that have not yet run a parallel op: call {@link
 * #apply()} on the thread that will run the model. Several runs in one JVM share the process-wide
 * count.
 */
public final class ComputeThreads {

    /** The value of {@code train.threads} / {@code --threads} that asks for the automatic choice. */
    public static final int AUTO = 0;

    /**
     * The OpenMP variables reported at start, in this order, when set (GNU OpenMP's; it ignores
     * Intel's {@code KMP_BLOCKTIME}).
     */
    static final List<String> OPENMP_VARIABLES = List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT");

    private final int intraOp;
    private final int kernel;
    private final String why;

    private ComputeThreads(int intraOp, int kernel, String why) {
        this.intraOp = intraOp;
        this.kernel = kernel;
        this.why = why;
    }

    /**
     * Chooses the threads for a requested count.
     *
     * @param requested N &gt; 0, or {@link #AUTO}
     * @return the choice (not yet applied)
     * @throws IllegalArgumentException when {@code requested} &lt; 0
     */
    public static ComputeThreads choose(int requested) {
        return choose(requested, Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"),
                System.getProperty(ParallelRange.THREADS_PROPERTY), requested == AUTO ? BusyCores.elsewhere() : 0);
    }

    /**
     * Chooses the threads from explicit inputs (what {@link #choose(int)} reads from the process).
     *
     * @param requested N &gt; 0, or {@link #AUTO}
     * @param cores the available cores
     * @param ompNumThreads the environment's {@code OMP_NUM_THREADS}, or null
     * @param kernelProperty the {@code decaf.optimizer.threads} system property, or null
     * @param busyElsewhere cores' worth of CPU other processes are using (NaN: unknown)
     * @return the choice
     * @throws IllegalArgumentException when {@code requested} &lt; 0
     */
    static ComputeThreads choose(int requested, int cores, String ompNumThreads, String kernelProperty,
            double busyElsewhere) {
        if (requested < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: automatic), got " + requested);
        }
        if (requested > 0) {
            return new ComputeThreads(requested, requested, "requested");
        }
        cores = Math.max(1, cores);
        int intra;
        String why;
        Integer omp = positive(ompNumThreads);
        if (omp != null) {
            intra = omp;
            why = "auto: OMP_NUM_THREADS";
        } else {
            int busy = Double.isNaN(busyElsewhere) ? 0 : (int) Math.min(cores - 1, Math.round(busyElsewhere));
            intra = cores - busy;
            why = "auto: " + cores + (cores == 1 ? " core" : " cores") + (busy > 0 ? ", " + busy + " busy elsewhere" : "");
        }
        Integer kernelThreads = positive(kernelProperty);
        return new ComputeThreads(intra, kernelThreads != null ? kernelThreads : intra, why);
    }

    private static Integer positive(String s) {
        if (s == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(s.trim());
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null; // OpenMP itself ignores a malformed value
        }
    }

    /**
     * Loads libtorch if needed and sets its intra-op threads for the calling thread (and the
     * process default), and one inter-op thread where libtorch still allows it (only before its
     * inter-op pool first runs).
     *
     * @return this
     */
    public ComputeThreads apply() {
        Engine.getEngine("PyTorch"); // loads libtorch, whose functions JniUtils calls
        JniUtils.setNumThreads(intraOp);
        if (JniUtils.getNumInteropThreads() != 1) {
            try {
                JniUtils.setNumInteropThreads(1);
            } catch (RuntimeException e) {
                // libtorch refuses once its inter-op pool has started; it then keeps its own count
            }
        }
        return this;
    }

    /** Returns libtorch's intra-op threads to set. */
    public int intraOp() {
        return intraOp;
    }

    /** Returns the optimizer kernel threads to build with ({@code optKernelThreads}). */
    public int kernel() {
        return kernel;
    }

    /**
     * Returns the start-up line, with the counts libtorch and the optimizer report now, e.g.
     * {@code threads: 2 intra-op (auto: 2 cores), 1 inter-op, optimizer kernel 2, GOMP_SPINCOUNT=10000}.
     *
     * @param optimizer the run's optimizer, or null
     * @return the line
     */
    public String describe(AdamFamily optimizer) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "threads: %d intra-op (%s), %d inter-op",
                JniUtils.getNumThreads(), why, JniUtils.getNumInteropThreads()));
        if (optimizer != null) {
            sb.append(", optimizer kernel ").append(optimizer.kernelThreads().threads());
        }
        List<String> omp = new ArrayList<>();
        for (String v : OPENMP_VARIABLES) {
            String value = System.getenv(v);
            if (value != null) {
                omp.add(v + "=" + value);
            }
        }
        sb.append(", ").append(omp.isEmpty() ? "OpenMP at its defaults" : String.join(" ", omp));
        return sb.toString();
    }

    @Override
    public String toString() {
        return "ComputeThreads[intraOp=" + intraOp + ", kernel=" + kernel + ", " + why + "]";
    }
}
