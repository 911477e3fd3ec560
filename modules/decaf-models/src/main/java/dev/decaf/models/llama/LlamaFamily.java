package dev.decaf.models.llama;

import dev.decaf.core.config.LlamaConfig;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.models.nn.DecoderFamily;
import dev.decaf.models.nn.DecoderModel;

/** The {@code llama} decoder family: {@link LlamaModel} for a {@link LlamaConfig}. */
public final class LlamaFamily implements DecoderFamily {

    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    public DecoderModel create(ModelConfig config) {
        return new LlamaModel((LlamaConfig) config);
    }
}
