package dev.decaf.core.state;

/**
 * The names of decaf's optimizer-state format, version {@value #FORMAT}: a directory holding
 *
 * <pre>
 * optimizer.safetensors   F32 tensors NAME.exp_avg (m) and NAME.exp_avg_sq (v) per parameter NAME,
 *                         metadata {"format": "decaf-optimizer/1"}
 * optimizer.json          {@link OptimizerManifest}: format, optimizer, hyper-parameters, groups,
 *                         and per parameter its step count t and shape
 * </pre>
 *
 * <p>The tensor names are PyTorch's state keys ({@code exp_avg}, {@code exp_avg_sq}), so the
 * moments read as those of {@code torch.optim.AdamW}.
 */
public final class OptimizerStateFormat {

    /** The tensor file. */
    public static final String TENSORS_FILE = "optimizer.safetensors";

    /** The manifest file. */
    public static final String MANIFEST_FILE = "optimizer.json";

    /** The format and version, in the manifest's {@code format} and the tensor file's metadata. */
    public static final String FORMAT = "decaf-optimizer/1";

    private OptimizerStateFormat() {}

    /**
     * Returns the tensor name of a parameter's first moment m.
     *
     * @param param the parameter name
     * @return {@code param.exp_avg}
     */
    public static String firstMomentKey(String param) {
        return param + ".exp_avg";
    }

    /**
     * Returns the tensor name of a parameter's second moment v.
     *
     * @param param the parameter name
     * @return {@code param.exp_avg_sq}
     */
    public static String secondMomentKey(String param) {
        return param + ".exp_avg_sq";
    }
}
