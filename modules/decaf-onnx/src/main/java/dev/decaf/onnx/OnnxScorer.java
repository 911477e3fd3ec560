package dev.decaf.onnx;

import dev.decaf.text.data.Batch;
import dev.decaf.text.eval.LossEvaluator;
import dev.decaf.text.eval.NllScorer;

/**
 * ONNX Runtime's per-position negative log-likelihoods, {@code −log softmax(z)[y] = logsumexp(z) −
 * z[y]} of each position's logits (computed in double from ORT's float32 logits, then rounded to
 * float32 as DJL's log-softmax is), for {@link LossEvaluator}: with it, {@code decaf eval --engine
 * onnx} reads, packs and sums the data exactly as the DJL engine does.
 */
public final class OnnxScorer implements NllScorer {

    private final OnnxDecoder decoder;

    /**
     * Creates a scorer.
     *
     * @param decoder the decoder
     */
    public OnnxScorer(OnnxDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * Returns an evaluator over the decoder's model.
     *
     * @param decoder the decoder
     * @return the evaluator
     */
    public static LossEvaluator evaluator(OnnxDecoder decoder) {
        return new LossEvaluator(new OnnxScorer(decoder), decoder.config().vocabSize(), decoder.config().maxPositions());
    }

    @Override
    public float[] nll(Batch batch) {
        int rows = batch.size();
        int width = batch.width();
        long[][] ids = new long[rows][width];
        long[][] mask = new long[rows][width];
        int[][] segments = batch.needsAttentionMask() ? batch.segments() : null;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                ids[r][j] = batch.inputs()[r][j];
                mask[r][j] = segments == null ? 1 : segments[r][j];
            }
        }
        OnnxDecoder.Logits logits = decoder.logits(ids, mask);
        int v = logits.vocab();
        float[] z = logits.values();
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                int base = (r * width + j) * v;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < v; k++) {
                    max = Math.max(max, z[base + k]);
                }
                double sum = 0;
                for (int k = 0; k < v; k++) {
                    sum += Math.exp(z[base + k] - max);
                }
                out[r * width + j] = (float) (max + Math.log(sum) - z[base + batch.labels()[r][j]]);
            }
        }
        return out;
    }
}
