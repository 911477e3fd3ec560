package dev.decaf.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * The one seam every linear map of a decoder goes through, output head included:
 *
 * <pre>
 * y = x·Wᵀ + b        x [..., in], W [out, in], b [out] or none
 * </pre>
 *
 * <p>Models call {@link DecoderModel#project} with the weight's Hugging Face name, so an adapter
 * (a low-rank update y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ, say) can replace or wrap {@link #PLAIN} for the
 * layers it names without touching the model files.
 */
@FunctionalInterface
public interface Projection {

    /** The plain linear map, one {@code addmm}/{@code matmul} through DJL's {@link Linear#linear}. */
    Projection PLAIN = (name, x, weight, bias) -> bias == null ? Linear.linear(x, weight).singletonOrThrow()
            : Linear.linear(x, weight, bias).singletonOrThrow();

    /**
     * Applies the layer.
     *
     * @param weightName the weight's Hugging Face name ({@code model.layers.0.self_attn.q_proj.weight})
     * @param x the input {@code [..., in]}
     * @param weight the weight as {@code [out, in]}
     * @param bias the bias {@code [out]}, or null
     * @return {@code [..., out]}
     */
    NDArray apply(String weightName, NDArray x, NDArray weight, NDArray bias);
}
