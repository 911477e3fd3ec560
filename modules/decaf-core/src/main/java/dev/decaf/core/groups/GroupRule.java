package dev.decaf.core.groups;

import dev.decaf.core.decay.DecayRule;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A named parameter group, as in {@code torch.optim}: the parameters its matcher selects, and the
 * settings it overrides. Unset settings fall back to the optimizer's defaults.
 *
 * <pre>{@code
 * GroupRule.builder("no_decay", ParamMatcher.ndimBelow(2).or(ParamMatcher.kind(BIAS, NORM)))
 *     .weightDecay(0)
 *     .build();
 * }</pre>
 */
public final class GroupRule {

    private final String name;
    private final ParamMatcher matcher;
    private final Double weightDecay;
    private final DecayRule decayRule;
    private final double lrScale;
    private final boolean allowEmpty;

    private GroupRule(Builder b) {
        this.name = b.name;
        this.matcher = b.matcher;
        this.weightDecay = b.weightDecay;
        this.decayRule = b.decayRule;
        this.lrScale = b.lrScale;
        this.allowEmpty = b.allowEmpty;
    }

    /** Returns whether this group may match no parameter (built-in groups); user groups may not. */
    public boolean allowEmpty() {
        return allowEmpty;
    }

    /**
     * Starts a group.
     *
     * @param name the group's name (unique within an optimizer)
     * @param matcher which parameters belong to it
     * @return a builder
     */
    public static Builder builder(String name, ParamMatcher matcher) {
        return new Builder(name, matcher);
    }

    /** Returns the group's name. */
    public String name() {
        return name;
    }

    /** Returns the matcher. */
    public ParamMatcher matcher() {
        return matcher;
    }

    /** Returns λ if this group overrides it. */
    public OptionalDouble weightDecay() {
        return weightDecay == null ? OptionalDouble.empty() : OptionalDouble.of(weightDecay);
    }

    /** Returns the decay rule if this group overrides it, else null. */
    public DecayRule decayRule() {
        return decayRule;
    }

    /** Returns the learning-rate multiplier (1 unless set). */
    public double lrScale() {
        return lrScale;
    }

    @Override
    public String toString() {
        return name + "{" + matcher + "}";
    }

    /** Builds a {@link GroupRule}. */
    public static final class Builder {
        private final String name;
        private final ParamMatcher matcher;
        private Double weightDecay;
        private DecayRule decayRule;
        private double lrScale = 1.0;
        private boolean allowEmpty;

        private Builder(String name, ParamMatcher matcher) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("group name must not be blank, got '" + name + "'");
            }
            this.name = name;
            this.matcher = Objects.requireNonNull(matcher, "matcher");
        }

        /**
         * Overrides λ for this group.
         *
         * @param lambda λ ≥ 0
         * @return this builder
         */
        public Builder weightDecay(double lambda) {
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException(
                        "weight decay of group '" + name + "' must be finite and >= 0, got " + lambda);
            }
            this.weightDecay = lambda;
            return this;
        }

        /**
         * Overrides the decay rule for this group.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder decayRule(DecayRule rule) {
            this.decayRule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * Multiplies the scheduled learning rate (and its peak) for this group.
         *
         * @param scale the multiplier, finite and ≥ 0
         * @return this builder
         */
        public Builder lrScale(double scale) {
            if (!(scale >= 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException(
                        "lr_scale of group '" + name + "' must be finite and >= 0, got " + scale);
            }
            this.lrScale = scale;
            return this;
        }

        /**
         * Lets the group match no parameter without error (for built-in groups such as {@code
         * no_decay} on a model without biases); an empty group is then left out of the plan.
         *
         * @return this builder
         */
        public Builder allowEmpty() {
            this.allowEmpty = true;
            return this;
        }

        /** Builds the rule. */
        public GroupRule build() {
            return new GroupRule(this);
        }
    }
}
