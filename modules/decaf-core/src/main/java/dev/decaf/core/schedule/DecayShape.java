package dev.decaf.core.schedule;

/**
 * The shape of the decay phase of a schedule, as a function of progress p ∈ [0, 1]: the fraction
 * of the way from γ_max (p = 0) to γ_min (p = 1).
 */
public enum DecayShape {
    /** ½(1 + cos(π·p)): SGDR / the Hugging Face cosine schedule. */
    COSINE {
        @Override
        public double remaining(double p) {
            return 0.5 * (1.0 + Math.cos(Math.PI * p));
        }
    },
    /** 1 − p. */
    LINEAR {
        @Override
        public double remaining(double p) {
            return 1.0 - p;
        }
    },
    /** 1: no decay. */
    CONSTANT {
        @Override
        public double remaining(double p) {
            return 1.0;
        }
    };

    /**
     * Returns the fraction of (γ_max − γ_min) still left at progress p.
     *
     * @param p progress in [0, 1]
     * @return a value in [0, 1]
     */
    public abstract double remaining(double p);

    /**
     * Parses a recipe name (case-insensitive): {@code cosine}, {@code linear} or {@code constant}.
     *
     * @param name the name
     * @return the shape
     */
    public static DecayShape parse(String name) {
        for (DecayShape s : values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown decay shape '" + name + "': expected cosine, linear or constant");
    }
}
