package dev.decaf.models.gpt2;

import dev.decaf.core.config.Gpt2Config;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.models.nn.DecoderFamily;
import dev.decaf.models.nn.DecoderModel;

/** The {@code gpt2} decoder family: {@link Gpt2Model} for a {@link Gpt2Config}. */
public final class Gpt2Family implements DecoderFamily {

    @Override
    public String modelType() {
        return "gpt2";
    }

    @Override
    public DecoderModel create(ModelConfig config) {
        return new Gpt2Model((Gpt2Config) config);
    }
}
