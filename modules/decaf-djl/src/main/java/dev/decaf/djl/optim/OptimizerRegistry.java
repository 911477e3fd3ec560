package dev.decaf.djl.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * decaf's optimizers by name, the names recipes and the CLI use: {@code adamw}, {@code adamc},
 * {@code adam-l2}, {@code adams}. One list: recipes validate against {@link #names()} and build
 * through {@link #builder(String)}.
 */
public final class OptimizerRegistry {

    private static final Map<String, Supplier<AdamFamily.BaseBuilder<?>>> BUILDERS = new LinkedHashMap<>();

    static {
        BUILDERS.put("adamw", AdamW::builder);
        BUILDERS.put("adamc", AdamC::builder);
        BUILDERS.put("adam-l2", AdamL2::builder);
        BUILDERS.put("adams", AdamS::builder);
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
}
