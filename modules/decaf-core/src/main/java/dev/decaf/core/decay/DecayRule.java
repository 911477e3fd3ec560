package dev.decaf.core.decay;

import java.util.Locale;

/**
 * How weight decay λ acts on a parameter θ at step t, given the scheduled learning rate γ_t and
 * the schedule's peak γ_max. This is the one stage in which AdamW, AdamC and the other members differ.
 *
 * <table>
 *   <caption>Decay rules</caption>
 *   <tr><th>rule</th><th>update</th><th>source</th></tr>
 *   <tr><td>{@link #DECOUPLED}</td><td>θ ← θ·(1 − γ_t·λ)</td>
 *       <td>PyTorch {@code torch.optim.AdamW}; Loshchilov &amp; Hutter, ICLR 2019</td></tr>
 *   <tr><td>{@link #CORRECTED}</td><td>θ ← θ·(1 − λ·γ_t²/γ_max)</td>
 *       <td>AdamC: Defazio 2025, "Why Gradients Rapidly Increase Near the End of Training"</td></tr>
 *   <tr><td>{@link #INDEPENDENT}</td><td>θ ← θ·(1 − λ·γ_t/γ_max)</td>
 *       <td>the schedule multiplier η_t of Loshchilov &amp; Hutter (λ independent of γ)</td></tr>
 *   <tr><td>{@link #COUPLED_L2}</td><td>g ← g + λ·θ (before the moments)</td>
 *       <td>{@code torch.optim.Adam(weight_decay=λ)}</td></tr>
 *   <tr><td>{@link #STABLE}</td><td>θ ← θ·(1 − γ_t·λ/√v̄), v̄ = mean of v̂ over all parameters</td>
 *       <td>AdamS: Xie et al., NeurIPS 2023, "On the Overlooked Pitfalls of Weight Decay"</td></tr>
 *   <tr><td>{@link #CAUTIOUS}</td><td>θ ← θ·(1 − γ_t·λ·𝟙[m_t·θ ≥ 0]), per coordinate</td>
 *       <td>Chen et al. 2025, "Cautious Weight Decay", arXiv 2510.12402</td></tr>
 * </table>
 *
 * <p>The decoupled rules shrink θ by a factor {@code 1 − shrink(...)} computed once per step and
 * group; {@link #couplingCoefficient} is the λ added to the gradient by the coupled rule. A
 * {@link #masked()} rule applies that shrink only where a per-coordinate mask is 1.
 */
public enum DecayRule {
    /** θ ← θ·(1 − γ_t·λ). */
    DECOUPLED("decoupled") {
        @Override
        public double shrink(double lambda, double lr, double maxLr, double meanSecondMoment) {
            return lr * lambda;
        }
    },
    /** θ ← θ·(1 − λ·γ_t²/γ_max): the decay follows the schedule. */
    CORRECTED("corrected") {
        @Override
        public double shrink(double lambda, double lr, double maxLr, double meanSecondMoment) {
            return maxLr == 0 ? 0 : lambda * lr * lr / maxLr;
        }
    },
    /** θ ← θ·(1 − λ·γ_t/γ_max): λ does not scale with the peak learning rate. */
    INDEPENDENT("independent") {
        @Override
        public double shrink(double lambda, double lr, double maxLr, double meanSecondMoment) {
            return maxLr == 0 ? 0 : lambda * lr / maxLr;
        }
    },
    /** g ← g + λ·θ: classic L2 regularisation, seen through Adam's preconditioner. */
    COUPLED_L2("l2") {
        @Override
        public double shrink(double lambda, double lr, double maxLr, double meanSecondMoment) {
            return 0;
        }

        @Override
        public double couplingCoefficient(double lambda) {
            return lambda;
        }
    },
    /** θ ← θ·(1 − γ_t·λ/√v̄), with v̄ the mean of the bias-corrected v̂ over all parameters. */
    STABLE("stable") {
        @Override
        public double shrink(double lambda, double lr, double maxLr, double meanSecondMoment) {
            if (lambda == 0 || !(meanSecondMoment > 0)) {
                return 0; // v̄ = 0 (no gradient signal yet): the official code would divide by zero
            }
            return lr * lambda / Math.sqrt(meanSecondMoment);
        }

        @Override
        public boolean needsMeanSecondMoment() {
            return true;
        }
    },
    /**
     * θ ← θ − γ_t·(u + λ·𝟙[u⊙θ ≥ 0]⊙θ), u = m̂/(√v̂ + ε) the Adam direction, θ = θ_{t−1}: decay only
     * the coordinates where the update and the weight agree in sign. Since √v̂ + ε &gt; 0, sign(u) =
     * sign(m_t), so the mask is 𝟙[m_t·θ_{t−1} ≥ 0]. Where it is 1 this is {@link #DECOUPLED} (the
     * same shrink γ_t·λ, applied to θ_{t−1} before the Adam step, as AdamW); where it is 0 the
     * coordinate is not decayed at all.
     *
     * <p>Against {@link #CORRECTED} (AdamC): AdamC changes the <em>size</em> of the decay with the
     * schedule, cautious changes <em>which coordinates</em> decay. The two compose in principle
     * (a masked γ_t²/γ_max shrink); decaf ships the mask on the decoupled size only.
     *
     * <p>Source: Chen et al. 2025, "Cautious Weight Decay", arXiv 2510.12402.
     */
    CAUTIOUS("cautious") {
        @Override
        public double shrink(double lambda, double lr, double maxLr, double meanSecondMoment) {
            return lr * lambda;
        }

        @Override
        public boolean masked() {
            return true;
        }
    };

    private final String recipeName;

    DecayRule(String recipeName) {
        this.recipeName = recipeName;
    }

    /**
     * Returns the multiplicative shrink s, so that the decay step is θ ← θ·(1 − s).
     *
     * @param lambda λ ≥ 0
     * @param lr γ_t, the learning rate of this step (group multiplier applied)
     * @param maxLr γ_max, the schedule's peak (group multiplier applied)
     * @param meanSecondMoment v̄ (used by {@link #STABLE} only)
     * @return s
     */
    public abstract double shrink(double lambda, double lr, double maxLr, double meanSecondMoment);

    /**
     * Returns the coefficient c of the coupled gradient term g ← g + c·θ (0 for decoupled rules).
     *
     * @param lambda λ
     * @return c
     */
    public double couplingCoefficient(double lambda) {
        return 0;
    }

    /**
     * Returns whether the rule needs v̄, the mean of v̂ over all parameters, before any parameter
     * moves (so the optimizer must update every moment first).
     *
     * @return true for {@link #STABLE}
     */
    public boolean needsMeanSecondMoment() {
        return false;
    }

    /**
     * Returns whether the shrink applies only to the coordinates where the first moment m_t and
     * θ_{t−1} agree in sign (𝟙[m_t·θ_{t−1} ≥ 0]); elsewhere θ is not decayed.
     *
     * @return true for {@link #CAUTIOUS}
     */
    public boolean masked() {
        return false;
    }

    /**
     * Returns the name used in recipes and tables ({@code decoupled}, {@code corrected}, {@code
     * independent}, {@code l2}, {@code stable}, {@code cautious}).
     *
     * @return the name
     */
    public String recipeName() {
        return recipeName;
    }

    /**
     * Parses a recipe name (case-insensitive).
     *
     * @param name the name
     * @return the rule
     */
    public static DecayRule parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (DecayRule r : values()) {
            if (r.recipeName.equals(n) || r.name().equalsIgnoreCase(n)) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "unknown decay rule '" + name + "': expected decoupled, corrected, independent, l2, stable or cautious");
    }

    @Override
    public String toString() {
        return recipeName;
    }
}
