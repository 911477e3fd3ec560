package dev.decaf.core.groups;

import dev.decaf.core.decay.DecayRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The resolved assignment of every parameter to exactly one group, with each group's effective
 * settings: the optimizer defaults overridden by the group's own.
 *
 * <p>Resolution follows {@code torch.optim}'s "defaults plus overrides", with two checks PyTorch
 * leaves to the user: a parameter matched by two groups is an error naming both, and a group that
 * matches nothing is an error naming the group. Parameters no group claims form the {@value
 * #DEFAULT_GROUP} group.
 */
public final class GroupPlan {

    /** The name of the group holding the parameters no rule matched. */
    public static final String DEFAULT_GROUP = "default";

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
    private final Map<String, Group> byParam;

    private GroupPlan(List<Group> groups) {
        this.groups = Collections.unmodifiableList(groups);
        Map<String, Group> map = new LinkedHashMap<>();
        for (Group g : groups) {
            for (ParamInfo p : g.members()) {
                map.put(p.name(), g);
            }
        }
        this.byParam = Collections.unmodifiableMap(map);
    }

    /**
     * Resolves groups for a list of parameters.
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
        Map<String, List<ParamInfo>> members = new LinkedHashMap<>();
        for (GroupRule r : rules) {
            if (members.put(r.name(), new ArrayList<>()) != null || r.name().equals(DEFAULT_GROUP)) {
                throw new IllegalArgumentException(
                        "group name '" + r.name() + "' is used twice (or is the reserved name '"
                                + DEFAULT_GROUP + "')");
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
                        "group '" + r.name() + "' (" + r.matcher() + ") matches no parameter");
            }
            groups.add(new Group(
                    r.name(),
                    r.weightDecay().orElse(defaultWeightDecay),
                    r.decayRule() != null ? r.decayRule() : defaultRule,
                    r.lrScale(),
                    r.matcher().toString(),
                    List.copyOf(m)));
        }
        if (!unmatched.isEmpty()) {
            groups.add(new Group(
                    DEFAULT_GROUP, defaultWeightDecay, defaultRule, 1.0, "everything else", List.copyOf(unmatched)));
        }
        return new GroupPlan(groups);
    }

    /** Returns the groups, rules first, then the default group if it has members. */
    public List<Group> groups() {
        return groups;
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
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"group", "tensors", "parameters", "weight_decay", "rule", "lr_scale", "selects"});
        long tensors = 0;
        long total = 0;
        for (Group g : groups) {
            rows.add(new String[] {
                g.name(),
                Integer.toString(g.members().size()),
                String.format(Locale.ROOT, "%,d", g.numel()),
                g.weightDecay() == 0 ? "0 (none)" : formatNumber(g.weightDecay()),
                g.weightDecay() == 0 ? "-" : g.decayRule().recipeName(),
                formatNumber(g.lrScale()),
                g.description()
            });
            tensors += g.members().size();
            total += g.numel();
        }
        rows.add(new String[] {"total", Long.toString(tensors), String.format(Locale.ROOT, "%,d", total), "", "", "", ""});
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                boolean numeric = i == 1 || i == 2;
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
