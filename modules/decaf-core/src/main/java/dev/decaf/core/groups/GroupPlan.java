package dev.decaf.core.groups;

import dev.decaf.core.decay.DecayRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The resolved assignment of every parameter to exactly one group, with each group's effective
 * settings: the optimizer defaults overridden by the group's own.
 *
 * <p>Resolution follows {@code torch.optim}'s "defaults plus overrides", with two checks PyTorch
 * leaves to the user: a parameter matched by two groups is an error naming both, and a group that
 * matches nothing is an error naming the group and the parameter names closest to what it asked
 * for. Parameters no group claims follow the standard rule ({@link Unmatched#STANDARD}): those with
 * ≥ 2 dimensions that are neither norms nor biases form the {@value #DEFAULT_GROUP} group (the
 * optimizer's λ and rule), the rest the {@value #DEFAULT_NO_DECAY_GROUP} group (λ = 0). {@link
 * Unmatched#DECAY} puts them all in {@value #DEFAULT_GROUP} instead, as {@code
 * torch.optim.AdamW(model.parameters())} does.
 */
public final class GroupPlan {

    /** The name of the group holding the unmatched parameters that decay. */
    public static final String DEFAULT_GROUP = "default";

    /**
     * The name of the group holding the unmatched norms, biases and parameters with &lt; 2
     * dimensions, which do not decay ({@link Unmatched#STANDARD}).
     */
    public static final String DEFAULT_NO_DECAY_GROUP = "default_no_decay";

    /** The group names no rule may use. */
    public static final List<String> RESERVED_NAMES = List.of(DEFAULT_GROUP, DEFAULT_NO_DECAY_GROUP);

    /** What happens to the parameters no rule matches. */
    public enum Unmatched {
        /**
         * The standard rule: norms, biases and anything with &lt; 2 dimensions ({@link
         * GroupPresets#NO_DECAY}) go to {@value GroupPlan#DEFAULT_NO_DECAY_GROUP} with λ = 0, the
         * rest to {@value GroupPlan#DEFAULT_GROUP} with the optimizer's λ and rule.
         */
        STANDARD,
        /** Every unmatched parameter decays: one {@value GroupPlan#DEFAULT_GROUP} group. */
        DECAY
    }

    /**
     * A group with its effective settings and members.
     *
     * @param name the group name
     * @param weightDecay λ
     * @param decayRule the rule
     * @param lrScale the learning-rate multiplier
     * @param description what the matcher selects
     * @param members the parameters, in model order
     */
    public record Group(
            String name,
            double weightDecay,
            DecayRule decayRule,
            double lrScale,
            String description,
            List<ParamInfo> members) {

        /** Returns the total number of scalar elements in the group. */
        public long numel() {
            return members.stream().mapToLong(ParamInfo::numel).sum();
        }
    }

    private final List<Group> groups;
    private final List<ParamInfo> params;
    private final Map<String, Group> byParam;

    private GroupPlan(List<Group> groups, List<ParamInfo> params) {
        this.groups = Collections.unmodifiableList(groups);
        this.params = List.copyOf(params);
        Map<String, Group> map = new LinkedHashMap<>();
        for (Group g : groups) {
            for (ParamInfo p : g.members()) {
                map.put(p.name(), g);
            }
        }
        this.byParam = Collections.unmodifiableMap(map);
    }

    /**
     * Resolves groups for a list of parameters; unmatched parameters follow the standard rule
     * ({@link Unmatched#STANDARD}).
     *
     * @param params the parameters, in model order
     * @param rules the group rules, in order
     * @param defaultWeightDecay λ for groups that do not set their own
     * @param defaultRule the rule for groups that do not set their own
     * @return the plan
     * @throws IllegalArgumentException when a parameter matches two rules, a rule matches nothing,
     *     or two rules share a name
     */
    public static GroupPlan resolve(
            List<ParamInfo> params, List<GroupRule> rules, double defaultWeightDecay, DecayRule defaultRule) {
        return resolve(params, rules, defaultWeightDecay, defaultRule, Unmatched.STANDARD);
    }

    /**
     * Resolves groups for a list of parameters.
     *
     * @param params the parameters, in model order
     * @param rules the group rules, in order
     * @param defaultWeightDecay λ for groups that do not set their own
     * @param defaultRule the rule for groups that do not set their own
     * @param unmatchedPolicy what the parameters no rule matches get
     * @return the plan
     * @throws IllegalArgumentException when a parameter matches two rules, a rule matches nothing,
     *     or two rules share a name
     */
    public static GroupPlan resolve(List<ParamInfo> params, List<GroupRule> rules, double defaultWeightDecay,
            DecayRule defaultRule, Unmatched unmatchedPolicy) {
        Map<String, List<ParamInfo>> members = new LinkedHashMap<>();
        for (GroupRule r : rules) {
            if (members.put(r.name(), new ArrayList<>()) != null || RESERVED_NAMES.contains(r.name())) {
                throw new IllegalArgumentException(
                        "group name '" + r.name() + "' is used twice (or is one of the reserved names "
                                + RESERVED_NAMES + ")");
            }
        }
        List<ParamInfo> unmatched = new ArrayList<>();
        for (ParamInfo p : params) {
            GroupRule owner = null;
            for (GroupRule r : rules) {
                if (r.matcher().matches(p)) {
                    if (owner != null) {
                        throw new IllegalArgumentException(
                                "parameter '" + p.name() + "' matches two groups: '" + owner.name()
                                        + "' (" + owner.matcher() + ") and '" + r.name() + "' ("
                                        + r.matcher() + ")");
                    }
                    owner = r;
                }
            }
            if (owner == null) {
                unmatched.add(p);
            } else {
                members.get(owner.name()).add(p);
            }
        }
        List<Group> groups = new ArrayList<>();
        for (GroupRule r : rules) {
            List<ParamInfo> m = members.get(r.name());
            if (m.isEmpty() && r.allowEmpty()) {
                continue;
            }
            if (m.isEmpty()) {
                throw new IllegalArgumentException(
                        "group '" + r.name() + "' (" + r.matcher() + ") matches no parameter"
                                + NameSuggestions.describe(r.matcher(), params));
            }
            groups.add(new Group(
                    r.name(),
                    r.weightDecay().orElse(defaultWeightDecay),
                    r.decayRule() != null ? r.decayRule() : defaultRule,
                    r.lrScale(),
                    r.matcher().toString(),
                    List.copyOf(m)));
        }
        if (unmatchedPolicy == Unmatched.DECAY) {
            if (!unmatched.isEmpty()) {
                groups.add(new Group(DEFAULT_GROUP, defaultWeightDecay, defaultRule, 1.0,
                        rules.isEmpty() ? "all" : "everything else", List.copyOf(unmatched)));
            }
        } else {
            List<ParamInfo> decay = unmatched.stream().filter(p -> !GroupPresets.NO_DECAY.matches(p)).toList();
            List<ParamInfo> noDecay = unmatched.stream().filter(GroupPresets.NO_DECAY::matches).toList();
            String prefix = rules.isEmpty() ? "" : "unmatched: ";
            if (!decay.isEmpty()) {
                groups.add(new Group(DEFAULT_GROUP, defaultWeightDecay, defaultRule, 1.0,
                        prefix + GroupPresets.NO_DECAY.negate(), decay));
            }
            if (!noDecay.isEmpty()) {
                groups.add(new Group(DEFAULT_NO_DECAY_GROUP, 0.0, defaultRule, 1.0,
                        prefix + GroupPresets.NO_DECAY, noDecay));
            }
        }
        return new GroupPlan(groups, params);
    }

    /**
     * Returns the groups: the rules' first, then {@value #DEFAULT_GROUP} and {@value
     * #DEFAULT_NO_DECAY_GROUP} where they have members.
     */
    public List<Group> groups() {
        return groups;
    }

    /** Returns every parameter, in model order. */
    public List<ParamInfo> parameters() {
        return params;
    }

    /**
     * Returns the group of a parameter.
     *
     * @param paramName the parameter name
     * @return the group
     * @throws IllegalArgumentException for an unknown name
     */
    public Group groupOf(String paramName) {
        Group g = byParam.get(paramName);
        if (g == null) {
            throw new IllegalArgumentException("unknown parameter '" + paramName + "'");
        }
        return g;
    }

    /** Returns whether any group's rule needs v̄ (the mean second moment over all parameters). */
    public boolean needsMeanSecondMoment() {
        return groups.stream().anyMatch(g -> g.decayRule().needsMeanSecondMoment() && g.weightDecay() != 0);
    }

    /**
     * Formats the table printed at start-up: group, tensors, parameters, λ, rule, lr multiplier and
     * what the group selects.
     *
     * @return the table as text, one line per group plus a header and a total
     */
    public String table() {
        return table(Set.of());
    }

    /**
     * Formats the start-up table with frozen parameters apart: each group counts only its members
     * that train, and a {@code frozen} row (no λ, no rule) counts the rest, which no optimizer step
     * updates or decays. The total counts both.
     *
     * @param frozen the names of the frozen parameters
     * @return the table as text, one line per group, one for the frozen parameters when there are
     *     any, plus a header and a total
     */
    public String table(Set<String> frozen) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"group", "tensors", "parameters", "weight_decay", "rule", "lr_scale", "selects"});
        long tensors = 0;
        long total = 0;
        for (Group g : groups) {
            List<ParamInfo> training = g.members().stream().filter(p -> !frozen.contains(p.name())).toList();
            long numel = training.stream().mapToLong(ParamInfo::numel).sum();
            rows.add(new String[] {
                g.name(),
                Integer.toString(training.size()),
                String.format(Locale.ROOT, "%,d", numel),
                g.weightDecay() == 0 ? "0 (none)" : formatNumber(g.weightDecay()),
                g.weightDecay() == 0 ? "-" : g.decayRule().recipeName(),
                formatNumber(g.lrScale()),
                g.description()
            });
            tensors += training.size();
            total += numel;
        }
        List<ParamInfo> still = params.stream().filter(p -> frozen.contains(p.name())).toList();
        if (!still.isEmpty()) {
            long numel = still.stream().mapToLong(ParamInfo::numel).sum();
            rows.add(new String[] {"frozen", Integer.toString(still.size()), String.format(Locale.ROOT, "%,d", numel),
                "-", "-", "-", "requires no gradient: not updated"});
            tensors += still.size();
            total += numel;
        }
        rows.add(new String[] {"total", Long.toString(tensors), String.format(Locale.ROOT, "%,d", total), "", "", "", ""});
        return format(rows, 1, 2);
    }

    /**
     * Formats one line per tensor, in model order: name, shape, elements, kind, group, λ, rule and
     * lr multiplier ({@code decaf groups --names}).
     *
     * @return the table as text, one line per parameter plus a header
     */
    public String namesTable() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"parameter", "shape", "elements", "kind", "group", "weight_decay", "rule", "lr_scale"});
        for (ParamInfo p : params) {
            Group g = byParam.get(p.name());
            rows.add(new String[] {
                p.name(),
                java.util.Arrays.stream(p.shape()).mapToObj(Long::toString).collect(
                        java.util.stream.Collectors.joining("x", "[", "]")),
                String.format(Locale.ROOT, "%,d", p.numel()),
                p.kind().name().toLowerCase(Locale.ROOT),
                g.name(),
                g.weightDecay() == 0 ? "0 (none)" : formatNumber(g.weightDecay()),
                g.weightDecay() == 0 ? "-" : g.decayRule().recipeName(),
                formatNumber(g.lrScale())
            });
        }
        return format(rows, 2);
    }

    private static String format(List<String[]> rows, int... numericColumns) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                int col = i;
                boolean numeric = java.util.Arrays.stream(numericColumns).anyMatch(c -> c == col);
                String cell = numeric ? " ".repeat(width[i] - r[i].length()) + r[i] : r[i] + " ".repeat(width[i] - r[i].length());
                sb.append(cell).append(i + 1 < r.length ? "  " : "");
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString().stripTrailing().replaceAll(" +(\\R)", "$1") + System.lineSeparator();
    }

    private static String formatNumber(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
