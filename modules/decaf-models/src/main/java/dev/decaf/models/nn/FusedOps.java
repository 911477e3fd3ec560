package dev.decaf.models.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libtorch's fused kernels that DJL's {@code NDArray} API does not reach, called through tiny
 * TorchScript modules shipped as resources ({@code kernels/gen_kernels.py} writes them). Autograd
 * records the fused operator and runs its fused backward. Each module holds no tensors, so one
 * instance serves every device; on another engine, or if a module fails to load, the same function
 * is computed from basic tensor ops.
 *
 * <ul>
 *   <li>{@link #geluTanh}: GPT-2's {@code gelu_new}, ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as
 *       {@code torch.nn.functional.gelu(x, approximate="tanh")} (Hendrycks &amp; Gimpel 2016).
 *   <li>{@link #silu}: x·σ(x), the gate of Llama's SwiGLU (Shazeer 2020), as {@code
 *       torch.nn.functional.silu}.
 * </ul>
 */
public final class FusedOps {

    private static final Logger LOG = LoggerFactory.getLogger(FusedOps.class);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private FusedOps() {}

    /**
     * GELU, tanh form, in one kernel each way (on the PyTorch engine).
     *
     * @param x any float tensor
     * @return gelu_new(x)
     */
    public static NDArray geluTanh(NDArray x) {
        return fused(Modules.GELU_TANH, x, FusedOps::geluTanhComposite);
    }

    /**
     * SiLU, x·σ(x), in one kernel each way (on the PyTorch engine).
     *
     * @param x any float tensor
     * @return silu(x)
     */
    public static NDArray silu(NDArray x) {
        return fused(Modules.SILU, x, FusedOps::siluComposite);
    }

    static NDArray siluComposite(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** Runs the kernel's module, or the composite where it did not load or x is not a PyTorch array. */
    private static NDArray fused(PtSymbolBlock kernel, NDArray x, java.util.function.UnaryOperator<NDArray> composite) {
        if (kernel == null || !(x.getManager() instanceof PtNDManager)) {
            return composite.apply(x);
        }
        return IValueUtils.forward(kernel, new NDList(x), true).singletonOrThrow();
    }

    /**
     * The same function from basic ops, as x·σ(2√(2/π)(x + 0.044715x³)) since ½(1 + tanh z) = σ(2z).
     *
     * @param x any float tensor
     * @return gelu_new(x)
     */
    static NDArray geluTanhComposite(NDArray x) {
        // In place only where autograd does not need the overwritten value (a product's output).
        NDArray z = Scalars.addi(Scalars.muli(x.mul(x), 2 * SQRT_2_OVER_PI * 0.044715f), 2 * SQRT_2_OVER_PI).mul(x);
        return z.getNDArrayInternal().sigmoid().mul(x);
    }

    /** Returns whether {@link #geluTanh} and {@link #silu} run libtorch's fused kernels here. */
    static boolean fusedKernelsLoaded() {
        return Modules.GELU_TANH != null && Modules.SILU != null;
    }

    /** Loaded on first use; null where the PyTorch engine or the module is unavailable. */
    private static final class Modules {
        private static final NDManager OWNER = "PyTorch".equals(Engine.getDefaultEngineName())
                ? NDManager.newBaseManager() : null;
        static final PtSymbolBlock GELU_TANH = load("gelu_tanh.pt");
        static final PtSymbolBlock SILU = load("silu.pt");

        private static PtSymbolBlock load(String resource) {
            if (!(OWNER instanceof PtNDManager pt)) {
                return null;
            }
            try (InputStream in = FusedOps.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("resource " + resource + " is missing");
                }
                return JniUtils.loadModule(pt, in, true, false);
            } catch (IOException | RuntimeException e) {
                LOG.warn("fused kernel {} unavailable, using basic ops: {}", resource, e.toString());
                return null;
            }
        }
    }
}
