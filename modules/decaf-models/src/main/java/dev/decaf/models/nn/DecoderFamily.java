package dev.decaf.models.nn;

import dev.decaf.core.config.ModelConfig;

/**
 * One decoder family (GPT-2, Llama, …): the {@code model_type} it implements and how it builds its
 * block from a config. Families are found with {@link java.util.ServiceLoader} (listed in {@code
 * META-INF/services/dev.decaf.models.nn.DecoderFamily}), so {@link DecoderModel#of} needs no
 * compile-time knowledge of them and a new family is one package plus one line there; its config
 * registers in decaf-core's {@link dev.decaf.core.config.ModelArchitectures}.
 */
public interface DecoderFamily {

    /** Returns the {@code model_type} this family implements. */
    String modelType();

    /**
     * Builds the (uninitialized) block.
     *
     * @param config a config of this family's {@code model_type}
     * @return the block
     */
    DecoderModel create(ModelConfig config);
}
