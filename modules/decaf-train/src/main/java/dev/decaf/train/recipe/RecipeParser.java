package dev.decaf.train.recipe;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.train.recipe.Recipe.Data;
import dev.decaf.train.recipe.Recipe.DataFormat;
import dev.decaf.train.recipe.Recipe.DecayKind;
import dev.decaf.train.recipe.Recipe.Generate;
import dev.decaf.train.recipe.Recipe.Group;
import dev.decaf.train.recipe.Recipe.GroupPreset;
import dev.decaf.train.recipe.Recipe.Groups;
import dev.decaf.train.recipe.Recipe.Match;
import dev.decaf.train.recipe.Recipe.Optimizer;
import dev.decaf.train.recipe.Recipe.OptimizerName;
import dev.decaf.train.recipe.Recipe.ScheduleSpec;
import dev.decaf.train.recipe.Recipe.Source;
import dev.decaf.train.recipe.Recipe.Train;
import dev.decaf.train.recipe.YamlTree.Entry;
import dev.decaf.train.recipe.YamlTree.Kind;
import dev.decaf.train.recipe.YamlTree.YMap;
import dev.decaf.train.recipe.YamlTree.YNode;
import dev.decaf.train.recipe.YamlTree.YScalar;
import dev.decaf.train.recipe.YamlTree.YSeq;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns recipe text plus overrides into a {@link Recipe}, collecting every problem on the way. The
 * schema lives here: the known keys of every section, their types, defaults and ranges.
 */
final class RecipeParser {

    static final List<String> TOP =
            List.of("model", "tokenizer", "data", "optimizer", "schedule", "train", "task", "generate", "out");
    static final List<String> DATA = List.of("train", "validation", "validation_fraction", "format", "skip_bad_lines");
    static final List<String> OPTIMIZER = List.of("name", "lr", "betas", "eps", "weight_decay", "groups");
    static final List<String> SCHEDULE = List.of("warmup_steps", "decay", "min_lr_ratio", "decay_steps");
    static final List<String> TRAIN = List.of("steps", "epochs", "batch_size", "seq_len", "grad_accum", "clip_norm",
            "seed", "log_every", "eval_every", "eval_batches", "checkpoint_every", "keep_checkpoints", "max_bad_steps");
    static final List<String> GENERATE = List.of("prompts", "max_tokens", "temperature");
    static final List<String> GROUP = List.of("name", "match", "weight_decay", "rule", "lr_scale");
    static final List<String> MATCH = List.of("kind", "name_glob", "name_regex", "names", "ndim_below", "ndim_at_least");

    /** The sections with fixed keys, for suggesting a key that belongs to another section. */
    private static final Map<String, List<String>> SECTIONS = new LinkedHashMap<>();

    /** Names other tools use for decaf's keys. */
    private static final Map<String, String> ALIASES = new HashMap<>();

    static {
        SECTIONS.put("", TOP);
        SECTIONS.put("data", DATA);
        SECTIONS.put("optimizer", OPTIMIZER);
        SECTIONS.put("schedule", SCHEDULE);
        SECTIONS.put("train", TRAIN);
        SECTIONS.put("generate", GENERATE);
        ALIASES.put("learning_rate", "optimizer.lr");
        ALIASES.put("max_steps", "train.steps");
        ALIASES.put("num_steps", "train.steps");
        ALIASES.put("num_epochs", "train.epochs");
        ALIASES.put("max_epochs", "train.epochs");
        ALIASES.put("warmup", "schedule.warmup_steps");
        ALIASES.put("num_warmup_steps", "schedule.warmup_steps");
        ALIASES.put("scheduler", "schedule.decay");
        ALIASES.put("lr_scheduler", "schedule.decay");
        ALIASES.put("lr_scheduler_type", "schedule.decay");
        ALIASES.put("gradient_accumulation_steps", "train.grad_accum");
        ALIASES.put("max_grad_norm", "train.clip_norm");
        ALIASES.put("grad_clip", "train.clip_norm");
        ALIASES.put("output_dir", "out");
        ALIASES.put("micro_batch_size", "train.batch_size");
        ALIASES.put("max_seq_len", "train.seq_len");
        ALIASES.put("block_size", "train.seq_len");
        ALIASES.put("beta1", "optimizer.betas");
        ALIASES.put("beta2", "optimizer.betas");
        ALIASES.put("param_groups", "optimizer.groups");
        ALIASES.put("dataset", "data.train");
    }

    private static final Map<String, String> MATCH_ALIASES = Map.of(
            "glob", "name_glob", "regex", "name_regex", "kinds", "kind", "ndim_lt", "ndim_below", "ndim_ge", "ndim_at_least",
            "min_ndim", "ndim_at_least", "max_ndim", "ndim_below");

    private final String source;
    private final Path baseDir;
    private final boolean checkFiles;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> overrideOrigins = new ArrayList<>();

    RecipeParser(String source, Path baseDir, boolean checkFiles) {
        this.source = source;
        this.baseDir = baseDir;
        this.checkFiles = checkFiles;
    }

    Recipe parse(String text, List<String> overrides) {
        YNode root = YamlTree.parse(text, source, "", false, problems);
        YMap map = null;
        if (root instanceof YMap m) {
            map = m;
        } else if (root instanceof YScalar s && s.isNull()) {
            map = new YMap(new ArrayList<>(), source, 0);
        } else if (root != null) {
            problems.add(at(root, "", "a recipe is a mapping of keys (model:, data:, optimizer:, train:, out:, ...), got "
                    + root.describe()));
        }
        for (String o : overrides) {
            applyOverride(map, o);
        }
        Recipe recipe = map == null ? null : build(map);
        if (!problems.isEmpty()) {
            throw new RecipeException(sorted());
        }
        return recipe;
    }

    private List<Problem> sorted() {
        List<Problem> list = new ArrayList<>(problems);
        list.sort(Comparator.comparingInt((Problem p) -> rank(p.file()))
                .thenComparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()));
        return list;
    }

    private int rank(String origin) {
        if (origin.equals(source)) {
            return 0;
        }
        int i = overrideOrigins.indexOf(origin);
        return i < 0 ? Integer.MAX_VALUE : i + 1;
    }

    // ---------------------------------------------------------------- overrides

    private void applyOverride(YMap root, String text) {
        String origin = "--set " + text;
        overrideOrigins.add(origin);
        int eq = text.indexOf('=');
        String path = eq < 0 ? text.strip() : text.substring(0, eq).strip();
        if (eq <= 0 || path.isEmpty()) {
            problems.add(new Problem(origin, 0, "", "expected key.path=value (e.g. train.steps=100)"));
            return;
        }
        String[] parts = path.split("\\.", -1);
        if (Arrays.stream(parts).anyMatch(String::isEmpty)) {
            problems.add(new Problem(origin, 0, path, "empty key in the key path (write key.path=value)"));
            return;
        }
        YNode value = YamlTree.parse(text.substring(eq + 1), origin, path, true, problems);
        if (value == null || root == null) {
            return;
        }
        YNode cur = root;
        String shown = "";
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (cur instanceof YMap m) {
                shown = shown.isEmpty() ? part : shown + "." + part;
                Entry e = m.entry(part);
                YNode next = last ? value : null;
                if (e == null) {
                    next = last ? value : new YMap(new ArrayList<>(), origin, 0);
                    m.entries.add(new Entry(part, origin, 0, next));
                } else if (last) {
                    e.value = value;
                } else if (e.value instanceof YScalar s && s.isNull()) {
                    next = new YMap(new ArrayList<>(), origin, 0);
                    e.value = next;
                } else {
                    next = e.value;
                }
                cur = next;
            } else if (cur instanceof YSeq seq) {
                int index;
                try {
                    index = Integer.parseInt(part);
                } catch (NumberFormatException ex) {
                    index = -1;
                }
                if (index < 0 || index >= seq.items.size()) {
                    problems.add(new Problem(origin, 0, shown, "is a list of " + seq.items.size()
                            + " items; '" + part + "' is not an index from 0 to " + (seq.items.size() - 1)));
                    return;
                }
                shown = shown + "[" + index + "]";
                if (last) {
                    seq.items.set(index, value);
                }
                cur = seq.items.get(index);
            } else {
                problems.add(new Problem(origin, 0, path, "cannot set a key inside '" + shown + "': it is "
                        + cur.describe() + ", not a section"));
                return;
            }
        }
    }

    // ---------------------------------------------------------------- sections

    /** A mapping being validated, with where it was introduced (for problems about absent keys). */
    private final class Sect {
        final YMap map;
        final String path;
        final String origin;
        final int line;
        /** Whether the section had the wrong type (its absent keys are then not reported). */
        boolean broken;

        Sect(YMap map, String path, String origin, int line) {
            this.map = map;
            this.path = path;
            this.origin = origin;
            this.line = line;
        }

        /** Returns the value of a key, or null when it is absent or null. */
        YNode node(String key) {
            Entry e = map.entry(key);
            if (e == null || (e.value instanceof YScalar s && s.isNull())) {
                return null;
            }
            return e.value;
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    private Sect section(YMap map, String path, String origin, int line, List<String> known, String schema) {
        for (Entry e : map.entries) {
            if (!known.contains(e.key)) {
                String p = path.isEmpty() ? e.key : path + "." + e.key;
                problems.add(new Problem(e.keyOrigin, e.keyLine, p, unknownKey(e.key, schema, known)));
            }
        }
        return new Sect(map, path, origin, line);
    }

    private Sect child(Sect parent, String key, List<String> known) {
        Entry e = parent.map.entry(key);
        String path = parent.path(key);
        if (e != null && e.value instanceof YMap m) {
            return section(m, path, e.keyOrigin, e.keyLine, known, path);
        }
        if (e != null && !(e.value instanceof YScalar s && s.isNull())) {
            problems.add(at(e.value, path, "expected a section (a mapping with keys " + String.join(", ", known)
                    + "), got " + e.value.describe()));
        }
        YMap empty = new YMap(new ArrayList<>(), parent.origin, 0);
        if (e == null) {
            return new Sect(empty, path, source, 0);
        }
        Sect result = new Sect(empty, path, e.keyOrigin, e.keyLine);
        result.broken = !(e.value instanceof YScalar s && s.isNull());
        return result;
    }

    private String unknownKey(String key, String schema, List<String> known) {
        String head = "unknown key '" + key + "'";
        String near = Suggestions.nearest(key, known);
        if (near != null) {
            return head + " (did you mean '" + near + "'?)";
        }
        if (schema.equals("match")) {
            String alias = MATCH_ALIASES.get(key.toLowerCase(Locale.ROOT));
            if (alias != null) {
                return head + " (did you mean '" + alias + "'?)";
            }
        }
        if (SECTIONS.containsKey(schema)) {
            String elsewhere = null;
            for (var s : SECTIONS.entrySet()) {
                if (!s.getKey().equals(schema) && s.getValue().contains(key)) {
                    elsewhere = s.getKey().isEmpty() ? key : s.getKey() + "." + key;
                    break;
                }
            }
            if (elsewhere == null) {
                elsewhere = ALIASES.get(key.toLowerCase(Locale.ROOT));
            }
            if (elsewhere == null) {
                for (var s : SECTIONS.entrySet()) {
                    String n = s.getKey().equals(schema) ? null : Suggestions.nearest(key, s.getValue());
                    if (n != null) {
                        elsewhere = s.getKey().isEmpty() ? n : s.getKey() + "." + n;
                        break;
                    }
                }
            }
            if (elsewhere != null) {
                String prefix = schema.isEmpty() ? "" : schema + ".";
                if (elsewhere.startsWith(prefix) && elsewhere.indexOf('.', prefix.length()) < 0) {
                    elsewhere = elsewhere.substring(prefix.length());
                } else if (!elsewhere.contains(".")) {
                    return head + " (did you mean the top-level key '" + elsewhere + "'?)";
                }
                return head + " (did you mean '" + elsewhere + "'?)";
            }
        }
        return head + " (expected one of: " + String.join(", ", known) + ")";
    }

    // ---------------------------------------------------------------- the recipe

    private Recipe build(YMap rootMap) {
        Sect root = section(rootMap, "", source, 0, TOP, "");

        Source model = requiredSource(root, "model", "a model directory, a models/*.json config or builtin:NAME");
        Source tokenizer = optionalSource(root, "tokenizer");
        if (tokenizer == null && model != null && !model.isBuiltin()
                && !model.path().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            tokenizer = Source.ofPath(model.path().resolve("tokenizer.json"));
            if (checkFiles && Files.isDirectory(model.path()) && !Files.exists(tokenizer.path())) {
                problems.add(at(root.node("model"), "tokenizer", "no such file or directory: " + tokenizer.path()
                        + " (the default tokenizer is the model directory's tokenizer.json; set tokenizer: PATH)"));
            }
        }

        Sect d = child(root, "data", DATA);
        Source train = requiredSource(d, "train", "a training data file or builtin:NAME");
        Source validation = optionalSource(d, "validation");
        Double fraction = number(d, "validation_fraction", 0.05, Range.closed(0, 0.5));
        DataFormat format = choice(d, "format", DataFormat.AUTO, DataFormat.values(), DataFormat::recipeName);
        Boolean skipBad = bool(d, "skip_bad_lines", false);

        Sect o = child(root, "optimizer", OPTIMIZER);
        OptimizerName name = choice(o, "name", OptimizerName.ADAMW, OptimizerName.values(), OptimizerName::recipeName);
        Double lr = number(o, "lr", 3.0e-4, Range.above(0));
        double[] betas = betas(o);
        Double eps = number(o, "eps", 1.0e-8, Range.above(0));
        Double wd = number(o, "weight_decay", 0.1, Range.atLeast(0));
        Groups groups = groups(o, wd == null ? 0 : wd, name == null ? DecayRule.DECOUPLED : name.defaultRule());

        Sect s = child(root, "schedule", SCHEDULE);
        Long warmup = integer(s, "warmup_steps", 0L, 0, Long.MAX_VALUE);
        DecayKind decay = choice(s, "decay", DecayKind.COSINE, DecayKind.values(), DecayKind::recipeName);
        Double minLrRatio = number(s, "min_lr_ratio", 0.1, Range.closed(0, 1));
        Long decaySteps = integer(s, "decay_steps", null, 1, Long.MAX_VALUE);

        Sect t = child(root, "train", TRAIN);
        Long steps = integer(t, "steps", null, 1, Long.MAX_VALUE);
        Long epochs = integer(t, "epochs", null, 1, Long.MAX_VALUE);
        Long batch = integer(t, "batch_size", 8L, 1, Integer.MAX_VALUE);
        Long seqLen = integer(t, "seq_len", 128L, 2, Integer.MAX_VALUE);
        Long accum = integer(t, "grad_accum", 1L, 1, Integer.MAX_VALUE);
        Double clip = number(t, "clip_norm", 1.0, Range.atLeast(0));
        Long seed = integer(t, "seed", 0L, Long.MIN_VALUE, Long.MAX_VALUE);
        Long logEvery = integer(t, "log_every", 10L, 1, Integer.MAX_VALUE);
        Long evalEvery = integer(t, "eval_every", 100L, 0, Integer.MAX_VALUE);
        Long evalBatches = integer(t, "eval_batches", 0L, 0, Integer.MAX_VALUE);
        Long ckptEvery = integer(t, "checkpoint_every", 500L, 0, Integer.MAX_VALUE);
        Long keep = integer(t, "keep_checkpoints", 3L, 1, Integer.MAX_VALUE);
        Long maxBad = integer(t, "max_bad_steps", 5L, 1, Integer.MAX_VALUE);

        YNode stepsNode = t.node("steps");
        YNode epochsNode = t.node("epochs");
        if (stepsNode != null && epochsNode != null) {
            problems.add(at(epochsNode, "train.epochs", "set either train.steps or train.epochs, not both"
                    + (stepsNode.line > 0 && stepsNode.origin.equals(epochsNode.origin)
                            ? " (steps is set at line " + stepsNode.line + ")" : "")));
        } else if (stepsNode == null && epochsNode == null && !t.broken) {
            problems.add(new Problem(t.origin, t.line, "train", "set train.steps or train.epochs (exactly one)"));
        }

        YNode decayNode = s.node("decay");
        YNode decayStepsNode = s.node("decay_steps");
        if (decay == DecayKind.WSD && decayStepsNode == null) {
            problems.add(at(decayNode, "schedule.decay_steps",
                    "required when decay is wsd (the length of the final decay, in steps)"));
        } else if (decay != null && decay != DecayKind.WSD && decayStepsNode != null) {
            problems.add(at(decayStepsNode, "schedule.decay_steps",
                    "applies only to decay: wsd (decay is " + decay.recipeName() + ")"));
        }
        if (steps != null && warmup != null && decay != null && decay != DecayKind.CONSTANT && warmup >= steps) {
            problems.add(at(s.node("warmup_steps"), "schedule.warmup_steps",
                    "warmup_steps (" + warmup + ") must be less than train.steps (" + steps + ")"));
        } else if (steps != null && warmup != null && decay == DecayKind.WSD && decaySteps != null
                && warmup + decaySteps > steps) {
            problems.add(at(decayStepsNode, "schedule.decay_steps", "warmup_steps + decay_steps (" + warmup + " + "
                    + decaySteps + ") must not exceed train.steps (" + steps + ")"));
        }

        String task = string(root, "task", null);

        Sect g = child(root, "generate", GENERATE);
        List<String> prompts = prompts(g);
        Long maxTokens = integer(g, "max_tokens", 32L, 1, Integer.MAX_VALUE);
        Double temperature = number(g, "temperature", 0.0, Range.atLeast(0));

        Path out = null;
        String outText = string(root, "out", null);
        if (root.node("out") == null) {
            problems.add(new Problem(source, 0, "out", "required: the output directory (e.g. runs/NAME)"));
        } else if (outText != null) {
            out = path(root.node("out"), "out", outText);
            if (out != null) {
                out = normalize(out);
            }
        }

        if (!problems.isEmpty()) {
            return null;
        }
        return new Recipe(
                model,
                tokenizer,
                new Data(train, validation, fraction, format, skipBad),
                new Optimizer(name, lr, betas[0], betas[1], eps, wd, groups),
                new ScheduleSpec(warmup, decay, minLrRatio, decaySteps),
                new Train(steps, epochs, batch.intValue(), seqLen.intValue(), accum.intValue(), clip, seed,
                        logEvery.intValue(), evalEvery.intValue(), evalBatches.intValue(), ckptEvery.intValue(),
                        keep.intValue(), maxBad.intValue()),
                task,
                new Generate(prompts, maxTokens.intValue(), temperature),
                out);
    }

    private double[] betas(Sect o) {
        double[] result = {0.9, 0.999};
        YNode n = o.node("betas");
        String path = o.path("betas");
        if (n == null) {
            return result;
        }
        if (!(n instanceof YSeq seq) || seq.items.size() != 2) {
            problems.add(at(n, path, "expected a list of two numbers [beta1, beta2], got "
                    + (n instanceof YSeq seq ? "a list of " + seq.items.size() : n.describe())));
            return result;
        }
        for (int i = 0; i < 2; i++) {
            Double b = number(seq.items.get(i), path + "[" + i + "]", Range.closedOpen(0, 1));
            if (b != null) {
                result[i] = b;
            }
        }
        return result;
    }

    private Groups groups(Sect o, double weightDecay, DecayRule defaultRule) {
        YNode n = o.node("groups");
        String path = o.path("groups");
        if (n == null) {
            return Groups.of(GroupPreset.STANDARD);
        }
        if (!(n instanceof YSeq seq)) {
            GroupPreset preset = n instanceof YScalar
                    ? enumValue(n, path, GroupPreset.values(), GroupPreset::recipeName, " or a list of groups")
                    : null;
            if (!(n instanceof YScalar)) {
                problems.add(at(n, path, "expected standard, llm or a list of groups, got " + n.describe()));
            }
            return preset == null ? Groups.of(GroupPreset.STANDARD) : Groups.of(preset);
        }
        if (seq.items.isEmpty()) {
            problems.add(at(n, path, "empty list of groups (list at least one group, or use standard or llm)"));
            return Groups.of(GroupPreset.STANDARD);
        }
        List<Group> list = new ArrayList<>();
        Map<String, String> firstUse = new HashMap<>();
        for (int i = 0; i < seq.items.size(); i++) {
            YNode item = seq.items.get(i);
            String ipath = path + "[" + i + "]";
            if (!(item instanceof YMap m)) {
                problems.add(at(item, ipath, "expected a group (a mapping with name and match), got " + item.describe()));
                continue;
            }
            Sect gs = section(m, ipath, item.origin, item.line, GROUP, "group");
            String name = null;
            YNode nameNode = gs.node("name");
            if (nameNode == null) {
                problems.add(at(item, ipath, "a group needs a name"));
            } else {
                name = string(gs, "name", null);
                if (name != null && name.isBlank()) {
                    problems.add(at(nameNode, ipath + ".name", "must not be empty"));
                    name = null;
                } else if (name != null && name.equals("default")) {
                    problems.add(at(nameNode, ipath + ".name",
                            "'default' is reserved for the parameters no group matches"));
                    name = null;
                } else if (name != null && firstUse.containsKey(name)) {
                    problems.add(at(nameNode, ipath + ".name", "duplicate group name '" + name + "' (first used "
                            + firstUse.get(name) + ")"));
                    name = null;
                } else if (name != null) {
                    firstUse.put(name, nameNode.line > 0 && nameNode.origin.equals(source)
                            ? "at line " + nameNode.line : "by " + ipath);
                }
            }
            Match match = null;
            YNode matchNode = gs.node("match");
            if (matchNode == null) {
                problems.add(at(item, ipath, "a group needs a match (e.g. match: {kind: [norm, bias]})"));
            } else if (!(matchNode instanceof YMap mm)) {
                problems.add(at(matchNode, ipath + ".match", "expected a mapping of conditions ("
                        + String.join(", ", MATCH) + "), got " + matchNode.describe()));
            } else {
                match = match(section(mm, ipath + ".match", matchNode.origin, matchNode.line, MATCH, "match"), matchNode);
            }
            Double wd = number(gs, "weight_decay", weightDecay, Range.atLeast(0));
            DecayRule rule = choice(gs, "rule", defaultRule, DecayRule.values(), DecayRule::recipeName);
            Double lrScale = number(gs, "lr_scale", 1.0, Range.atLeast(0));
            if (name != null && match != null && wd != null && rule != null && lrScale != null) {
                list.add(new Group(name, match, wd, rule, lrScale));
            }
        }
        return list.size() == seq.items.size() ? new Groups(null, list) : Groups.of(GroupPreset.STANDARD);
    }

    private Match match(Sect ms, YNode matchNode) {
        int before = problems.size();
        List<LayerKind> kinds = stringList(ms, "kind", k -> enumValue(k.node, k.path, LayerKind.values(),
                v -> v.name().toLowerCase(Locale.ROOT), ""));
        String glob = string(ms, "name_glob", null);
        if (glob != null && glob.isEmpty()) {
            problems.add(at(ms.node("name_glob"), ms.path("name_glob"), "must not be empty"));
        }
        String regex = string(ms, "name_regex", null);
        if (regex != null) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                problems.add(at(ms.node("name_regex"), ms.path("name_regex"),
                        "invalid regular expression: " + e.getDescription()));
            }
        }
        List<String> names = stringList(ms, "names", k -> k.text);
        Long below = integer(ms, "ndim_below", null, 1, 64);
        Long atLeast = integer(ms, "ndim_at_least", null, 0, 64);
        boolean any = MATCH.stream().anyMatch(k -> ms.node(k) != null);
        if (!any && ms.map.entries.isEmpty()) { // unknown keys are reported on their own
            problems.add(at(matchNode, ms.path, "a match needs at least one of " + String.join(", ", MATCH)));
        }
        if (!any || problems.size() > before) {
            return null;
        }
        return new Match(kinds, glob, regex, names, below == null ? null : below.intValue(),
                atLeast == null ? null : atLeast.intValue());
    }

    /** A scalar item of a string list, with its path. */
    private record Item(YNode node, String path, String text) {}

    /**
     * Reads a non-empty list of scalars (a single scalar counts as a list of one); returns an empty
     * list when absent or after a problem.
     */
    private <T> List<T> stringList(Sect s, String key, Function<Item, T> convert) {
        YNode n = s.node(key);
        String path = s.path(key);
        if (n == null) {
            return List.of();
        }
        List<YNode> items = n instanceof YSeq seq ? seq.items : List.of(n);
        if (n instanceof YMap || items.isEmpty()) {
            problems.add(at(n, path, "expected a non-empty list, got " + (items.isEmpty() ? "an empty list" : n.describe())));
            return List.of();
        }
        List<T> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            YNode item = items.get(i);
            String ipath = n instanceof YSeq ? path + "[" + i + "]" : path;
            if (!(item instanceof YScalar sc) || sc.isNull()) {
                problems.add(at(item, ipath, "expected a string, got " + item.describe()));
                continue;
            }
            T v = convert.apply(new Item(item, ipath, sc.text));
            if (v != null) {
                result.add(v);
            }
        }
        return result.size() == items.size() ? result : List.of();
    }

    private List<String> prompts(Sect g) {
        YNode n = g.node("prompts");
        String path = g.path("prompts");
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof YSeq seq)) {
            problems.add(at(n, path, "expected a list of strings, got " + n.describe()
                    + (n instanceof YScalar sc ? " (write prompts: [\"" + sc.text + "\"])" : "")));
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < seq.items.size(); i++) {
            YNode item = seq.items.get(i);
            if (!(item instanceof YScalar sc) || sc.isNull()) {
                problems.add(at(item, path + "[" + i + "]", "expected a string, got " + item.describe()));
            } else {
                result.add(sc.text);
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- paths

    private Source requiredSource(Sect s, String key, String what) {
        if (s.node(key) == null) {
            if (s.broken) {
                return null;
            }
            problems.add(new Problem(s.origin, s.line, s.path(key), "required: " + what));
            return null;
        }
        return optionalSource(s, key);
    }

    private Source optionalSource(Sect s, String key) {
        YNode n = s.node(key);
        String path = s.path(key);
        String text = string(s, key, null);
        if (n == null || text == null) {
            return null;
        }
        if (text.startsWith(Source.BUILTIN_PREFIX)) {
            String name = text.substring(Source.BUILTIN_PREFIX.length());
            if (name.isBlank()) {
                problems.add(at(n, path, "builtin: needs a name (builtin:NAME)"));
                return null;
            }
            return Source.ofBuiltin(name);
        }
        Path p = path(n, path, text);
        if (p == null) {
            return null;
        }
        Path written = p;
        if (!p.isAbsolute() && baseDir != null) {
            p = baseDir.resolve(p);
        }
        p = normalize(p);
        if (checkFiles && !Files.exists(p)) {
            problems.add(at(n, path, "no such file or directory: " + p + hintForWorkingDirectory(written)));
        }
        return Source.ofPath(p);
    }

    /**
     * When a relative path misses next to the recipe but exists under the working directory, says
     * how to write it relative to the recipe.
     */
    private String hintForWorkingDirectory(Path written) {
        if (written.isAbsolute() || baseDir == null || !Files.exists(written)) {
            return "";
        }
        try {
            Path relative = baseDir.toAbsolutePath().normalize().relativize(written.toAbsolutePath().normalize());
            return " (paths are relative to the recipe's directory: write " + relative + ")";
        } catch (IllegalArgumentException e) {
            return " (paths are relative to the recipe's directory)";
        }
    }

    private Path path(YNode n, String keyPath, String text) {
        if (text.isBlank()) {
            problems.add(at(n, keyPath, "must not be empty"));
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            problems.add(at(n, keyPath, "invalid path '" + text + "': " + e.getReason()));
            return null;
        }
    }

    private static Path normalize(Path p) {
        Path n = p.normalize();
        return n.toString().isEmpty() ? Path.of(".") : n;
    }

    // ---------------------------------------------------------------- typed values

    private Problem at(YNode n, String keyPath, String message) {
        return new Problem(n.origin, n.line, keyPath, message);
    }

    /** A closed, open or half-open interval of allowed numbers. */
    private record Range(double lo, boolean loOpen, double hi, boolean hiOpen) {
        static Range above(double lo) {
            return new Range(lo, true, Double.POSITIVE_INFINITY, true);
        }

        static Range atLeast(double lo) {
            return new Range(lo, false, Double.POSITIVE_INFINITY, true);
        }

        static Range closed(double lo, double hi) {
            return new Range(lo, false, hi, false);
        }

        static Range closedOpen(double lo, double hi) {
            return new Range(lo, false, hi, true);
        }

        boolean contains(double x) {
            return (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi);
        }

        String text() {
            if (Double.isInfinite(hi)) {
                return (loOpen ? "> " : ">= ") + fmt(lo);
            }
            return "in " + (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + (hiOpen ? ")" : "]");
        }

        private static String fmt(double x) {
            return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
        }
    }

    private Double number(Sect s, String key, Double def, Range range) {
        YNode n = s.node(key);
        return n == null ? def : number(n, s.path(key), range);
    }

    private Double number(YNode n, String path, Range range) {
        if (!(n instanceof YScalar sc) || (sc.kind != Kind.INT && sc.kind != Kind.FLOAT)) {
            problems.add(at(n, path, "expected a number, got " + n.describe()));
            return null;
        }
        double v;
        try {
            v = sc.kind == Kind.INT ? parseInteger(sc.text).doubleValue() : parseFloat(sc.text);
        } catch (NumberFormatException e) {
            problems.add(at(n, path, "expected a number, got " + n.describe()));
            return null;
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            problems.add(at(n, path, "expected a finite number, got " + n.describe()));
            return null;
        }
        if (!range.contains(v)) {
            problems.add(at(n, path, "must be " + range.text() + ", got " + sc.text));
            return null;
        }
        return v;
    }

    private static double parseFloat(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.endsWith(".nan")) {
            return Double.NaN;
        }
        if (t.endsWith(".inf")) {
            return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(text);
    }

    private static BigInteger parseInteger(String text) {
        String t = text;
        boolean negative = false;
        if (t.startsWith("-") || t.startsWith("+")) {
            negative = t.startsWith("-");
            t = t.substring(1);
        }
        BigInteger v;
        if (t.startsWith("0x")) {
            v = new BigInteger(t.substring(2), 16);
        } else if (t.startsWith("0o")) {
            v = new BigInteger(t.substring(2), 8);
        } else {
            v = new BigInteger(t);
        }
        return negative ? v.negate() : v;
    }

    private Long integer(Sect s, String key, Long def, long min, long max) {
        YNode n = s.node(key);
        String path = s.path(key);
        if (n == null) {
            return def;
        }
        BigInteger v = null;
        if (n instanceof YScalar sc && sc.kind == Kind.INT) {
            v = parseInteger(sc.text);
        } else if (n instanceof YScalar sc && sc.kind == Kind.FLOAT) {
            try {
                BigDecimal d = new BigDecimal(sc.text);
                if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) {
                    v = d.toBigIntegerExact();
                }
            } catch (NumberFormatException | ArithmeticException e) {
                v = null; // .inf, .nan or a fraction
            }
        }
        if (v == null) {
            problems.add(at(n, path, "expected an integer, got " + n.describe()));
            return null;
        }
        String text = ((YScalar) n).text;
        if (v.compareTo(BigInteger.valueOf(min)) < 0) {
            problems.add(at(n, path, "must be >= " + min + ", got " + text));
            return null;
        }
        if (v.compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(at(n, path, (min == Long.MIN_VALUE ? "must be an integer from " + min + " to " + max
                    : "must be <= " + max) + ", got " + text));
            return null;
        }
        return v.longValueExact();
    }

    private Boolean bool(Sect s, String key, boolean def) {
        YNode n = s.node(key);
        if (n == null) {
            return def;
        }
        if (n instanceof YScalar sc && sc.kind == Kind.BOOL) {
            return Boolean.parseBoolean(sc.text.toLowerCase(Locale.ROOT));
        }
        problems.add(at(n, s.path(key), "expected true or false, got " + n.describe()));
        return null;
    }

    private String string(Sect s, String key, String def) {
        YNode n = s.node(key);
        if (n == null) {
            return def;
        }
        if (n instanceof YScalar sc) {
            return sc.text;
        }
        problems.add(at(n, s.path(key), "expected a string, got " + n.describe()));
        return null;
    }

    private <E> E choice(Sect s, String key, E def, E[] values, Function<E, String> names) {
        YNode n = s.node(key);
        return n == null ? def : enumValue(n, s.path(key), values, names, "");
    }

    private <E> E enumValue(YNode n, String path, E[] values, Function<E, String> names, String extra) {
        List<String> allowed = Arrays.stream(values).map(names).toList();
        if (n instanceof YScalar sc) {
            for (E v : values) {
                if (names.apply(v).equalsIgnoreCase(sc.text)) {
                    return v;
                }
            }
            String near = Suggestions.nearest(sc.text, allowed);
            problems.add(at(n, path, "'" + sc.text + "' is not one of " + String.join(", ", allowed) + extra
                    + (near != null ? " (did you mean '" + near + "'?)" : "")));
            return null;
        }
        problems.add(at(n, path, "expected one of " + String.join(", ", allowed) + extra + ", got " + n.describe()));
        return null;
    }
}
