package dev.decaf.core.groups;

import java.util.Locale;

/**
 * What a parameter is, for the purpose of choosing its weight decay.
 *
 * <p>The default classification ({@link #classify}) reads the parameter's name and rank, using the
 * naming conventions of Hugging Face checkpoints and DJL blocks; model code that knows better
 * passes the kind explicitly.
 */
public enum LayerKind {
    /** A hidden weight matrix (linear, convolution, attention projection). */
    WEIGHT,
    /** An additive bias. */
    BIAS,
    /** A normalization gain or shift (LayerNorm, RMSNorm, BatchNorm). */
    NORM,
    /** A token or position embedding table. */
    EMBEDDING,
    /** The output head (unembedding), when it is not tied to the token embedding. */
    HEAD;

    /**
     * Classifies a parameter from its name and number of dimensions.
     *
     * <ul>
     *   <li>a name segment containing {@code norm}, or GPT-2's {@code ln_1 / ln_2 / ln_f}, a DJL
     *       {@code gamma}/{@code beta}: {@link #NORM};
     *   <li>a last segment {@code bias} (or ending {@code _bias}): {@link #BIAS};
     *   <li>{@code lm_head}, GPT-NeoX's {@code embed_out}, {@code output}, {@code head}: {@link #HEAD};
     *   <li>{@code embed}, {@code wte}, {@code wpe}: {@link #EMBEDDING};
     *   <li>anything else: {@link #WEIGHT}.
     * </ul>
     *
     * @param name the parameter name
     * @param ndim the number of dimensions
     * @return the kind
     */
    public static LayerKind classify(String name, int ndim) {
        String n = name.toLowerCase(Locale.ROOT);
        String last = n.substring(Math.max(n.lastIndexOf('.'), n.lastIndexOf('/')) + 1);
        if (n.contains("norm") || n.matches("(.*[._])?ln(_\\w+)?[._].*") || last.endsWith("gamma") || last.endsWith("beta")) {
            return NORM;
        }
        if (last.equals("bias") || last.endsWith("_bias")) {
            return BIAS;
        }
        if (n.contains("lm_head") || n.contains("embed_out") || n.startsWith("output.") || n.startsWith("head.") || n.contains(".head.")) {
            return HEAD;
        }
        if (n.contains("embed") || n.contains("wte") || n.contains("wpe")) {
            return EMBEDDING;
        }
        return WEIGHT;
    }

    /**
     * Parses a recipe name such as {@code norm} (case-insensitive).
     *
     * @param name the name
     * @return the kind
     */
    public static LayerKind parse(String name) {
        for (LayerKind k : values()) {
            if (k.name().equalsIgnoreCase(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException(
                "unknown layer kind '" + name + "': expected weight, bias, norm, embedding or head");
    }
}
