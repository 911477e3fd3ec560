package dev.decaf.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Mean next-token cross-entropy over the positions that count:
 *
 * <pre>
 * L = Σ_{b,t} m[b,t] · (−log softmax(z[b,t])[y[b,t]]) / Σ_{b,t} m[b,t]
 * </pre>
 *
 * Labels: {@code NDList(y [B, T] ids)} or {@code NDList(y, m [B, T])} where m is 1 for positions
 * that count (completion tokens, real tokens) and 0 for prompt or padding. Predictions: {@code
 * NDList(z [B, T, V] logits)}.
 */
public final class CausalLmLoss extends Loss {

    /** Creates the loss named {@code "causal_lm"}. */
    public CausalLmLoss() {
        super("causal_lm");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray targets = labels.get(0).toType(DataType.INT64, false);
        NDArray nll = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1).neg();
        if (labels.size() < 2) {
            return nll.mean();
        }
        NDArray mask = labels.get(1).toType(nll.getDataType(), false);
        return nll.mul(mask).sum().div(mask.sum().maximum(1f));
    }
}
