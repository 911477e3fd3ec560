package dev.decaf.train.recipe;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.GroupPresets;
import dev.decaf.train.recipe.Recipe.Group;
import dev.decaf.train.recipe.Recipe.GroupPreset;
import dev.decaf.train.recipe.Recipe.Groups;
import dev.decaf.train.recipe.Recipe.Match;
import dev.decaf.train.recipe.Recipe.OptimizerName;
import dev.decaf.train.recipe.RecipeParser.Mapping;
import dev.decaf.train.recipe.Schema.Field;
import dev.decaf.train.recipe.Schema.Section;
import dev.decaf.train.recipe.YamlTree.YMap;
import dev.decaf.train.recipe.YamlTree.YNode;
import dev.decaf.train.recipe.YamlTree.YScalar;
import dev.decaf.train.recipe.YamlTree.YSeq;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code optimizer.groups}: a preset name, or a list of groups, each a {@link Group} section with a
 * {@link Match} sub-section. Unset group settings take the optimizer's λ and decay rule; names are
 * unique and not {@code default}; a match has at least one valid condition. Written as a block
 * list whose matches are flow mappings.
 */
final class GroupsType {

    private final Section group;
    private final Section match;

    /**
     * Creates the type.
     *
     * @param group the section of one group (its {@code match} is a sub-section)
     */
    GroupsType(Section group) {
        this.group = group;
        this.match = group.field("match").section();
    }

    /** Returns the value type of {@code optimizer.groups}. */
    ValueType type() {
        return new ValueType("preset or list", String.join(" | ", GroupPresets.NAMES) + " | a list of groups", this::read,
                this::write, group);
    }

    private Object read(YNode n, String path, RecipeParser p) {
        if (!(n instanceof YSeq seq)) {
            if (!(n instanceof YScalar)) {
                return p.problem(n, path, "expected " + String.join(", ", GroupPresets.NAMES) + " or a list of groups, got "
                        + n.describe());
            }
            GroupPreset preset = ValueType.choose(n, path, p, GroupPreset.values(), GroupPreset::recipeName,
                    " or a list of groups");
            return preset == null ? null : Groups.of(preset);
        }
        if (seq.items.isEmpty()) {
            return p.problem(n, path, "empty list of groups (list at least one group, or use "
                    + String.join(" or ", GroupPresets.NAMES) + ")");
        }
        // a rule is resolved at the start of a run: until then groups that inherit it hold null
        Object wd = p.value("optimizer.weight_decay") instanceof Recipe.WeightDecay w ? (w.isResolved() ? w.lambda() : null)
                : 0.0;
        Object rule = p.value("optimizer.name") instanceof OptimizerName o ? o.defaultRule() : DecayRule.DECOUPLED;
        List<Group> list = new ArrayList<>();
        Map<String, String> firstUse = new HashMap<>();
        for (int i = 0; i < seq.items.size(); i++) {
            YNode item = seq.items.get(i);
            String ipath = path + "[" + i + "]";
            if (!(item instanceof YMap m)) {
                p.problem(item, ipath, "expected a group (a mapping with name and match), got " + item.describe());
                continue;
            }
            int before = p.problemCount();
            Mapping gs = p.open(m, ipath, item.origin, item.line, group);
            List<Object> values = new ArrayList<>();
            for (Field f : group.fields()) {
                values.add(switch (f.key()) {
                    case "name" -> name(gs, item, p, firstUse);
                    case "match" -> match(gs, item, p);
                    case "weight_decay" -> p.read(f, gs, wd);
                    case "rule" -> p.read(f, gs, rule);
                    default -> p.read(f, gs, f.def());
                });
            }
            if (p.problemCount() == before) { // a null weight_decay inherits an unresolved rule
                list.add((Group) group.build(values));
            }
        }
        return list.size() == seq.items.size() ? new Groups(null, list) : null;
    }

    private static String name(Mapping gs, YNode item, RecipeParser p, Map<String, String> firstUse) {
        YNode node = gs.node("name");
        if (node == null) {
            return p.problem(item, gs.path, "a group needs a name");
        }
        String name = (String) ValueType.STRING.read(node, gs.path("name"), p);
        if (name == null) {
            return null;
        } else if (name.isBlank()) {
            return p.problem(node, gs.path("name"), "must not be empty");
        } else if (GroupPlan.RESERVED_NAMES.contains(name)) {
            return p.problem(node, gs.path("name"), "'" + name + "' is reserved for the parameters no group matches");
        } else if (firstUse.containsKey(name)) {
            return p.problem(node, gs.path("name"), "duplicate group name '" + name + "' (first used "
                    + firstUse.get(name) + ")");
        }
        firstUse.put(name, node.line > 0 && node.origin.equals(p.source())
                ? "at line " + node.line : "by " + gs.path);
        return name;
    }

    private Match match(Mapping gs, YNode item, RecipeParser p) {
        YNode node = gs.node("match");
        if (node == null) {
            return p.problem(item, gs.path, "a group needs a match (e.g. match: {kind: [norm, bias]})");
        }
        if (!(node instanceof YMap mm)) {
            return p.problem(node, gs.path("match"), "expected a mapping of conditions ("
                    + String.join(", ", match.keys()) + "), got " + node.describe());
        }
        Mapping ms = p.open(mm, gs.path("match"), node.origin, node.line, match);
        int before = p.problemCount();
        List<Object> values = new ArrayList<>();
        for (Field f : match.fields()) {
            Object v = p.read(f, ms, f.def());
            if (v instanceof String s && f.key().equals("name_glob") && s.isEmpty()) {
                p.problem(ms.node(f.key()), ms.path(f.key()), "must not be empty");
            } else if (v instanceof String s && f.key().equals("name_regex")) {
                try {
                    Pattern.compile(s);
                } catch (PatternSyntaxException e) {
                    p.problem(ms.node(f.key()), ms.path(f.key()), "invalid regular expression: " + e.getDescription());
                }
            }
            values.add(v);
        }
        boolean any = match.keys().stream().anyMatch(k -> ms.node(k) != null);
        if (!any && ms.map.entries.stream().allMatch(e -> match.field(e.key) != null)) { // unknown keys are reported
            p.problem(node, ms.path, "a match needs at least one of " + String.join(", ", match.keys()));
        }
        return !any || p.problemCount() > before ? null : (Match) match.build(values);
    }

    private String write(Object v, int level) {
        Groups g = (Groups) v;
        if (g.isPreset()) {
            return g.preset().recipeName();
        }
        StringBuilder sb = new StringBuilder();
        for (Group item : g.list()) {
            sb.append('\n');
            RecipeYaml.block(sb, group, item, level + 1, true, false);
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }
}
