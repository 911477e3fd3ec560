package dev.decaf.djl.optim;

import dev.decaf.core.decay.DecayRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * decaf's optimizers by name, the names recipes and the CLI use:
 *
 * <pre>
 * adamw     {@link AdamW}    θ ← θ·(1 − γ_t·λ)
 * adamc     {@link AdamC}    θ ← θ·(1 − λ·γ_t²/γ_max)
 * adam-l2   {@link AdamL2}   g ← g + λ·θ
 * adams     {@link AdamS}    θ ← θ·(1 − γ_t·λ/√v̄)
 * adamw-cautious  {@link CautiousAdamW}  θ ← θ·(1 − γ_t·λ) where m_t·θ ≥ 0, else θ
 * </pre>
 *
 * One list: recipes validate against {@link #names()} and build through {@link #builder(String)}
 * or {@link #build(String, Consumer)}; every builder has {@code build()}, so no caller needs to
 * know the concrete type.
 */
public final class OptimizerRegistry {

    private static final Map<String, Supplier<AdamFamily.BaseBuilder<?>>> BUILDERS = new LinkedHashMap<>();

    static {
        BUILDERS.put("adamw", AdamW::builder);
        BUILDERS.put("adamc", AdamC::builder);
        BUILDERS.put("adam-l2", AdamL2::builder);
        BUILDERS.put("adams", AdamS::builder);
        BUILDERS.put("adamw-cautious", CautiousAdamW::builder);
    }

    private OptimizerRegistry() {}

    /** Returns the registered names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(BUILDERS.keySet());
    }

    /**
     * Returns a fresh builder for a name (case-insensitive).
     *
     * @param name the optimizer's name
     * @return its builder, with the optimizer's defaults
     * @throws IllegalArgumentException naming the known names when {@code name} is not one
     */
    public static AdamFamily.BaseBuilder<?> builder(String name) {
        Supplier<AdamFamily.BaseBuilder<?>> b = BUILDERS.get(name.toLowerCase(Locale.ROOT));
        if (b == null) {
            throw new IllegalArgumentException("optimizer.name must be one of " + names() + ", got '" + name + "'");
        }
        return b.get();
    }

    /**
     * Returns the decay rule an optimizer applies to groups that do not set their own.
     *
     * @param name the optimizer's name (case-insensitive)
     * @return e.g. {@link DecayRule#CORRECTED} for {@code adamc}
     * @throws IllegalArgumentException for an unknown name
     */
    public static DecayRule decayRule(String name) {
        return builder(name).defaultRule;
    }

    /**
     * Builds an optimizer by name.
     *
     * <pre>{@code
     * AdamFamily opt = OptimizerRegistry.build("adamc", b -> b.optWeightDecays(0.1f).optParamGroups(groups));
     * }</pre>
     *
     * @param name the optimizer's name (case-insensitive)
     * @param options sets the builder's options
     * @return the optimizer
     * @throws IllegalArgumentException for an unknown name or an invalid setting, naming it
     */
    public static AdamFamily build(String name, Consumer<AdamFamily.BaseBuilder<?>> options) {
        AdamFamily.BaseBuilder<?> b = builder(name);
        options.accept(b);
        return b.build();
    }
}
