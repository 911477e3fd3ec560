import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.tensorflow.AdamC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A one-block, one-head transformer language model over the characters of a text, built as a
 * TensorFlow Java graph and trained with decaf's {@link AdamC}, a warm-up + cosine schedule fed each
 * step, and the {@code llm} decay groups (hidden matrices: corrected decay; embeddings and head:
 * decoupled; norms and biases: none). Prints the group table, the held-out loss before and after,
 * and a checksum of the final weights (the same on every run).
 *
 * <pre>
 * x → one-hot · wte + wpe → h
 * h ← h + Wo·softmax(q·kᵀ/√d + causal mask)·v      q, k, v = RMSNorm(h)·Wq, Wk, Wv
 * h ← h + W2·relu(W1·RMSNorm(h) + b1)
 * logits = RMSNorm(h)·lm_head ;  loss = −mean log softmax(logits)[next char]
 * RMSNorm(x) = g · x / √(mean(x²) + 1e−5)
 * </pre>
 *
 * Two TF Java facts shape the graph: every variable is read through {@code tf.identity} (gradients
 * against a variable's raw reference output fail for Pow and BatchMatMul and crashed the JVM for
 * Rsqrt), and the loss is composed from {@code LogSoftmax} (TF Java defines no gradient for
 * SparseSoftmaxCrossEntropyWithLogits).
 *
 * <p>Run from the repository root (README, "Interop: TensorFlow Java"): {@code docs/tensorflow/run.sh
 * [CORPUS] [--steps N] [--chars N]}; CORPUS defaults to {@code ../shared/data/kjv.txt}.
 */
public final class TinyTransformerLm {

    static final int BATCH = 16;
    static final int CONTEXT = 32;
    static final int WIDTH = 48;
    static final long SEED = 42;

    public static void main(String[] args) throws IOException {
        Path corpus = Path.of("../shared/data/kjv.txt");
        int steps = 1500;
        int chars = 200_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--chars" -> chars = Integer.parseInt(args[++i]);
                default -> corpus = Path.of(args[i]);
            }
        }
        if (!Files.isRegularFile(corpus)) {
            System.err.println("error: " + corpus + ": no such file (give a text file, e.g. ../shared/data/kjv.txt)");
            System.exit(2);
        }
        String text = readSlice(corpus, chars);
        TreeSet<Character> alphabet = new TreeSet<>();
        text.chars().forEach(c -> alphabet.add((char) c));
        List<Character> vocab = new ArrayList<>(alphabet);
        int[] ids = text.chars().map(c -> vocab.indexOf((char) c)).toArray();
        int split = ids.length * 9 / 10;
        System.out.printf(Locale.ROOT, "corpus %s: %,d characters, %d distinct; train %,d, held out %,d%n",
                corpus, ids.length, vocab.size(), split, ids.length - split);
        train(ids, split, vocab.size(), steps);
    }

    /** The first {@code chars} characters of a text file, or of the {@code "text"} fields of a JSONL file. */
    static String readSlice(Path corpus, int chars) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            if (sb.length() >= chars) {
                break;
            }
            sb.append(line).append('\n');
        }
        return sb.substring(0, Math.min(chars, sb.length()));
    }

    static void train(int[] ids, int split, int vocabSize, int steps) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Random init = new Random(SEED);
            Placeholder<TInt32> x = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(BATCH, CONTEXT)));
            Placeholder<TInt32> y = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(BATCH, CONTEXT)));
            int n = BATCH * CONTEXT;
            Operand<TFloat32> wte = read(tf, variable(tf, "transformer.wte.weight", init, vocabSize, WIDTH));
            Operand<TFloat32> wpe = read(tf, variable(tf, "transformer.wpe.weight", init, CONTEXT, WIDTH));
            Operand<TFloat32> h = tf.math.add(sequences(tf, tf.linalg.matMul(oneHot(tf, x, vocabSize, n), wte)), wpe);
            // attention, one head: softmax(q·kᵀ/√d + mask)·v
            Operand<TFloat32> a = flat(tf, rmsNorm(tf, h, ones(tf, "transformer.h.0.ln_1.weight")));
            Operand<TFloat32> q = sequences(tf, linear(tf, a, "transformer.h.0.attn.q_proj.weight", init, WIDTH, WIDTH));
            Operand<TFloat32> k = sequences(tf, linear(tf, a, "transformer.h.0.attn.k_proj.weight", init, WIDTH, WIDTH));
            Operand<TFloat32> v = sequences(tf, linear(tf, a, "transformer.h.0.attn.v_proj.weight", init, WIDTH, WIDTH));
            Operand<TFloat32> scores = tf.math.add(tf.math.mul(
                    tf.train.batchMatMul(q, k, TFloat32.class, BatchMatMul.adjY(true)),
                    tf.constant((float) (1 / Math.sqrt(WIDTH)))), causalMask(tf));
            Operand<TFloat32> att = flat(tf, tf.train.batchMatMul(tf.nn.softmax(scores), v, TFloat32.class));
            h = tf.math.add(h, sequences(tf, linear(tf, att, "transformer.h.0.attn.o_proj.weight", init, WIDTH, WIDTH)));
            // MLP
            Operand<TFloat32> m = flat(tf, rmsNorm(tf, h, ones(tf, "transformer.h.0.ln_2.weight")));
            Operand<TFloat32> bias = read(tf, tf.withName("transformer.h.0.mlp.c_fc.bias")
                    .variable(tf.zeros(tf.constant(new int[] {4 * WIDTH}), TFloat32.class)));
            m = tf.nn.relu(tf.math.add(linear(tf, m, "transformer.h.0.mlp.c_fc.weight", init, WIDTH, 4 * WIDTH), bias));
            h = tf.math.add(h, sequences(tf, linear(tf, m, "transformer.h.0.mlp.c_proj.weight", init, 4 * WIDTH, WIDTH)));
            // head and the composed loss
            Operand<TFloat32> f = flat(tf, rmsNorm(tf, h, ones(tf, "transformer.ln_f.weight")));
            Operand<TFloat32> logits = linear(tf, f, "lm_head.weight", init, WIDTH, vocabSize);
            Operand<TFloat32> logProbs = tf.math.mul(oneHot(tf, y, vocabSize, n), tf.nn.logSoftmax(logits));
            Operand<TFloat32> loss = tf.math.neg(tf.math.mean(tf.sum(logProbs, tf.constant(1)), tf.constant(0)));

            Schedule schedule = Schedule.warmup(3e-3, steps / 10, steps, DecayShape.COSINE, 0.1);
            AdamC adamc = AdamC.builder().optSchedule(schedule).optWeightDecay(0.1).optGroupPreset("llm").build(graph);
            Op update = adamc.minimize(loss);
            System.out.println(adamc.describe());
            System.out.print(adamc.groupTable());

            try (Session session = new Session(graph)) {
                session.initialize();
                System.out.printf(Locale.ROOT, "held-out loss before: %.4f%n", heldOut(session, x, y, loss, ids, split));
                Random batches = new Random(SEED);
                long start = System.nanoTime();
                for (int t = 1; t <= steps; t++) {
                    try (TInt32 xs = TInt32.tensorOf(Shape.of(BATCH, CONTEXT));
                            TInt32 ys = TInt32.tensorOf(Shape.of(BATCH, CONTEXT))) {
                        fill(xs, ys, ids, 0, split, batches);
                        Session.Runner runner = session.runner().feed(x, xs).feed(y, ys).addTarget(update).fetch(loss);
                        try (Result r = adamc.run(runner)) {
                            if (t == 1 || t % 50 == 0 || t == steps) {
                                System.out.printf(Locale.ROOT, "step %4d  loss %.4f  lr %.2e%n", t,
                                        ((TFloat32) r.get(0)).getFloat(), schedule.lr(t));
                            }
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "held-out loss after:  %.4f  (%d steps, %.1f s, %.0f tokens/s)%n",
                        heldOut(session, x, y, loss, ids, split), steps, seconds, (double) steps * n / seconds);
                System.out.printf(Locale.ROOT, "weights checksum: %016x%n", checksum(session, graph));
            }
        }
    }

    /** A matrix variable drawn from N(0, 0.02²) by a seeded generator. */
    static Variable<TFloat32> variable(Ops tf, String name, Random init, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (init.nextGaussian() * 0.02);
        }
        return tf.withName(name).variable(tf.constant(Shape.of(rows, cols), DataBuffers.of(values, true, false)));
    }

    /** x·W for a new weight W [in, out]. */
    static Operand<TFloat32> linear(Ops tf, Operand<TFloat32> x, String name, Random init, int in, int out) {
        return tf.linalg.matMul(x, read(tf, variable(tf, name, init, in, out)));
    }

    /** −10⁹ above the diagonal: position i attends to positions ≤ i. */
    static Operand<TFloat32> causalMask(Ops tf) {
        float[] mask = new float[CONTEXT * CONTEXT];
        for (int i = 0; i < CONTEXT; i++) {
            for (int j = i + 1; j < CONTEXT; j++) {
                mask[i * CONTEXT + j] = -1e9f;
            }
        }
        return tf.constant(Shape.of(CONTEXT, CONTEXT), DataBuffers.of(mask, true, false));
    }

    /** A norm gain, initialized to ones. */
    static Operand<TFloat32> ones(Ops tf, String name) {
        float[] values = new float[WIDTH];
        java.util.Arrays.fill(values, 1f);
        return read(tf, tf.withName(name).variable(tf.constant(values)));
    }

    /** Gradients must not be taken against a variable's raw reference output. */
    static Operand<TFloat32> read(Ops tf, Variable<TFloat32> v) {
        return tf.identity(v);
    }

    static Operand<TFloat32> oneHot(Ops tf, Operand<TInt32> ids, int depth, int n) {
        Operand<TFloat32> hot = tf.oneHot(ids, tf.constant(depth), tf.constant(1f), tf.constant(0f));
        return tf.reshape(hot, tf.constant(new int[] {n, depth}));
    }

    static Operand<TFloat32> rmsNorm(Ops tf, Operand<TFloat32> x, Operand<TFloat32> gain) {
        Operand<TFloat32> ms = tf.math.mean(tf.math.square(x), tf.constant(-1), Mean.keepDims(true));
        return tf.math.mul(tf.math.mul(x, tf.math.rsqrt(tf.math.add(ms, tf.constant(1e-5f)))), gain);
    }

    /** [B, T, ·] to [B·T, ·], for the projections. */
    static Operand<TFloat32> flat(Ops tf, Operand<TFloat32> x) {
        return tf.reshape(x, tf.constant(new int[] {BATCH * CONTEXT, -1}));
    }

    /** [B·T, d] back to [B, T, d]. */
    static Operand<TFloat32> sequences(Ops tf, Operand<TFloat32> x) {
        return tf.reshape(x, tf.constant(new int[] {BATCH, CONTEXT, WIDTH}));
    }

    /** A batch of random windows of [from, to): x the characters, y the next ones. */
    static void fill(TInt32 xs, TInt32 ys, int[] ids, int from, int to, Random random) {
        for (int b = 0; b < BATCH; b++) {
            int start = from + random.nextInt(to - from - CONTEXT - 1);
            for (int i = 0; i < CONTEXT; i++) {
                xs.setInt(ids[start + i], b, i);
                ys.setInt(ids[start + i + 1], b, i);
            }
        }
    }

    /** The mean loss over 8 fixed batches of the held-out part. */
    static double heldOut(Session session, Operand<TInt32> x, Operand<TInt32> y, Operand<TFloat32> loss, int[] ids,
            int split) {
        Random fixed = new Random(SEED + 1);
        double sum = 0;
        for (int i = 0; i < 8; i++) {
            try (TInt32 xs = TInt32.tensorOf(Shape.of(BATCH, CONTEXT));
                    TInt32 ys = TInt32.tensorOf(Shape.of(BATCH, CONTEXT))) {
                fill(xs, ys, ids, split, ids.length, fixed);
                try (Result r = session.runner().feed(x, xs).feed(y, ys).fetch(loss).run()) {
                    sum += ((TFloat32) r.get(0)).getFloat();
                }
            }
        }
        return sum / 8;
    }

    /** A hash of every trained variable's bits, in graph order. */
    static long checksum(Session session, Graph graph) {
        long hash = 1125899906842597L;
        var it = graph.operations();
        while (it.hasNext()) {
            var op = it.next();
            if (op.type().equals("VariableV2") && !op.name().startsWith("AdamC")) {
                try (Result r = session.runner().fetch(op.output(0)).run()) {
                    TFloat32 t = (TFloat32) r.get(0);
                    float[] f = new float[Math.toIntExact(t.shape().size())];
                    t.copyTo(DataBuffers.of(f, false, false));
                    for (float value : f) {
                        hash = 31 * hash + Float.floatToRawIntBits(value);
                    }
                }
            }
        }
        return hash;
    }
}
