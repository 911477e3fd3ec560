package dev.decaf.train.recipe;

import static dev.decaf.train.recipe.RecipeTesting.MINIMAL;
import static dev.decaf.train.recipe.RecipeTesting.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.djl.optim.OptimizerRegistry;
import dev.decaf.train.recipe.Recipe.OptimizerName;
import dev.decaf.train.recipe.Schema.Field;
import dev.decaf.train.recipe.Schema.Section;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The schema and everything generated from it agree: every key is read, written and read back,
 * listed with the default the parser applies, suggested for its typos and its other names.
 */
class RecipeSchemaTest {

    /** A recipe with a group list, for the keys of a group. */
    private static final String WITH_GROUPS = MINIMAL + """
            optimizer:
              groups:
                - {name: a, match: {kind: norm}}
            """;

    /** For every value key, overrides that set a value other than the default. */
    private static final Map<String, List<String>> SAMPLES = new LinkedHashMap<>();

    static {
        sample("model", "model=models/other.json");
        sample("tokenizer", "tokenizer=builtin:bytes");
        sample("data.train", "data.train=builtin:recall");
        sample("data.validation", "data.validation=v.txt");
        sample("data.validation_fraction", "data.validation_fraction=0.2");
        sample("data.fraction", "data.fraction=0.5");
        sample("data.format", "data.format=tokens");
        sample("data.template", "data.template=\"### Q\\n{prompt}\\n### A: {{x}}\\n\"");
        sample("data.skip_bad_lines", "data.skip_bad_lines=true");
        sample("data.overlong", "data.overlong=drop");
        sample("data.packing", "data.packing=false");
        sample("optimizer.name", "optimizer.name=adams");
        sample("optimizer.lr", "optimizer.lr=1e-3");
        sample("optimizer.betas", "optimizer.betas=[0.8, 0.9]");
        sample("optimizer.eps", "optimizer.eps=1e-6");
        sample("optimizer.weight_decay", "optimizer.weight_decay=0.01");
        sample("optimizer.weight_decay.rule", "optimizer.weight_decay={rule: power-lines}");
        sample("optimizer.weight_decay.tau_epoch", "optimizer.weight_decay={rule: ema, tau_epoch: 0.5}");
        sample("optimizer.weight_decay.tau_iter", "optimizer.weight_decay={rule: ema, tau_iter: 800}");
        sample("optimizer.weight_decay.lambda_norm", "optimizer.weight_decay={rule: normalized, lambda_norm: 0.05}");
        sample("optimizer.weight_decay.width", "optimizer.weight_decay={rule: mup, width: 1024, base_width: 256,"
                + " base_lambda: 0.1}");
        sample("optimizer.weight_decay.base_width", "optimizer.weight_decay={rule: mup-sqrt, width: 512,"
                + " base_width: 128, base_lambda: 0.1}");
        sample("optimizer.weight_decay.base_lambda", "optimizer.weight_decay={rule: mup, width: 2, base_width: 1,"
                + " base_lambda: 0.2}");
        sample("optimizer.weight_decay.lambda", "optimizer.weight_decay={rule: ema, tau_epoch: 0.5, lambda: 0.0168}");
        sample("optimizer.groups", "optimizer.groups=llm");
        sample("optimizer.groups[].name", "optimizer.groups.0.name=b");
        sample("optimizer.groups[].match.kind", "optimizer.groups.0.match.kind=[bias, head]");
        sample("optimizer.groups[].match.name_glob", "optimizer.groups.0.match.name_glob=h.*");
        sample("optimizer.groups[].match.name_regex", "optimizer.groups.0.match.name_regex=attn|mlp");
        sample("optimizer.groups[].match.names", "optimizer.groups.0.match.names=[\"a b\", c]");
        sample("optimizer.groups[].match.ndim_below", "optimizer.groups.0.match.ndim_below=2");
        sample("optimizer.groups[].match.ndim_at_least", "optimizer.groups.0.match.ndim_at_least=1");
        sample("optimizer.groups[].weight_decay", "optimizer.groups.0.weight_decay=0");
        sample("optimizer.groups[].rule", "optimizer.groups.0.rule=corrected");
        sample("optimizer.groups[].lr_scale", "optimizer.groups.0.lr_scale=2");
        sample("schedule.warmup_steps", "schedule.warmup_steps=5");
        sample("schedule.decay", "schedule.decay=linear");
        sample("schedule.min_lr_ratio", "schedule.min_lr_ratio=0.5");
        sample("schedule.decay_steps", "schedule.decay=wsd", "schedule.decay_steps=10");
        sample("train.steps", "train.steps=7");
        sample("train.epochs", "train.steps=null", "train.epochs=2");
        sample("train.batch_size", "train.batch_size=2");
        sample("train.seq_len", "train.seq_len=32");
        sample("train.grad_accum", "train.grad_accum=4");
        sample("train.clip_norm", "train.clip_norm=0.5");
        sample("train.seed", "train.seed=-3");
        sample("train.log_every", "train.log_every=1");
        sample("train.eval_every", "train.eval_every=0");
        sample("train.eval_batches", "train.eval_batches=4");
        sample("train.checkpoint_every", "train.checkpoint_every=50");
        sample("train.keep_checkpoints", "train.keep_checkpoints=1");
        sample("train.max_bad_steps", "train.max_bad_steps=9");
        sample("train.threads", "train.threads=3");
        sample("train.keep_best", "train.keep_best=val_loss");
        sample("train.early_stop.patience", "train.early_stop.patience=3");
        sample("train.early_stop.min_delta", "train.early_stop={patience: 2, min_delta: 0.01}");
        sample("task", "task=category");
        sample("generate.prompts", "generate.prompts=[Hello, \"a: b\"]");
        sample("generate.max_tokens", "generate.max_tokens=4");
        sample("generate.temperature", "generate.temperature=0.8");
        sample("out", "out=runs/other");
    }

    private static void sample(String key, String... overrides) {
        SAMPLES.put(key, List.of(overrides));
    }

    /** Every field of the schema, depth first, group keys as {@code optimizer.groups[].KEY}. */
    private static List<Field> fields(Section s) {
        List<Field> all = new ArrayList<>();
        for (Field f : s.fields()) {
            all.add(f);
            if (f.section() != null) {
                all.addAll(fields(f.section()));
            } else if (f.type().items() != null) {
                all.addAll(fields(f.type().items()));
            }
        }
        return all;
    }

    private static List<Field> fields() {
        return fields(Schema.ROOT);
    }

    private static String base(Field f) {
        return f.path().contains("[]") ? WITH_GROUPS : MINIMAL;
    }

    @Test
    void everyKeyIsReadWrittenAndReadBack() {
        List<String> valueKeys = fields().stream().filter(f -> f.section() == null).map(Field::path).toList();
        assertEquals(valueKeys, List.copyOf(SAMPLES.keySet()), "a sample value for every key, in schema order");
        for (Field f : fields()) {
            if (f.section() != null) {
                continue;
            }
            Recipe before = parse(base(f));
            Recipe r = parse(base(f), SAMPLES.get(f.path()).toArray(String[]::new));
            assertNotEquals(before, r, f.path() + ": the sample changes the recipe");
            Recipe again = parse(r.toYaml());
            assertEquals(r, again, f.path());
            assertEquals(r.toYaml(), again.toYaml(), f.path());
            String line = f.path().contains("[]") || f.path().startsWith("optimizer.weight_decay.")
                    ? ".*[ {]" // inside a group, its match, or a weight-decay rule
                    : "  ".repeat((int) f.path().chars().filter(c -> c == '.').count());
            assertTrue(r.toYaml().matches("(?s)(.*\n)?" + line + f.key() + ":[ \n].*"), f.path() + ":\n" + r.toYaml());
        }
    }

    @Test
    void theResolvedRecipeHasExactlyTheSchemasKeys() {
        Object tree = new Load(LoadSettings.builder().build()).loadFromString(parse(WITH_GROUPS).toYaml());
        List<String> written = new ArrayList<>();
        collect(tree, "", written);
        // a group's match is written with the conditions that are set (here only kind)
        List<String> schema = fields().stream().map(Field::path)
                .filter(p -> !p.startsWith("optimizer.groups[].match.") || p.endsWith(".kind"))
                .filter(p -> !p.startsWith("optimizer.weight_decay.")).toList(); // the default λ is a number
        assertEquals(new TreeSet<>(schema), new TreeSet<>(written));
    }

    private static void collect(Object node, String path, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                String p = path.isEmpty() ? k.toString() : path + "." + k;
                out.add(p);
                if (!p.equals("generate.prompts") && !p.equals("optimizer.betas")) {
                    collect(v, p, out);
                }
            });
        } else if (node instanceof List<?> l && !l.isEmpty()) {
            collect(l.get(0), path + "[]", out);
        }
    }

    @Test
    void theKeyListingShowsTheDefaultTheParserApplies() {
        List<RecipeKeys.Row> rows = RecipeKeys.rows();
        assertEquals(fields().stream().map(Field::path).toList(), rows.stream().map(RecipeKeys.Row::path).toList());
        String table = RecipeKeys.table();
        for (RecipeKeys.Row row : rows) {
            assertTrue(table.contains(row.path()) && table.contains(row.doc()), row.path());
            Field f = fields().stream().filter(x -> x.path().equals(row.path())).findFirst().orElseThrow();
            if (f.section() != null || f.required() || !f.spec().inherit().isEmpty()
                    || f.path().startsWith("optimizer.weight_decay.")) { // a rule's options have no default
                continue;
            }
            // a recipe without the key: the only optional keys the bases set are train.steps and match.kind
            String base = f.path().equals("train.steps") ? MINIMAL.replace("steps: 100", "epochs: 1")
                    : f.path().endsWith(".kind") ? WITH_GROUPS.replace("kind: norm", "names: [x]") : base(f);
            String override = f.path().replace("[]", ".0") + "=" + row.defaultValue();
            assertEquals(parse(base), parse(base, override), override + " is the default");
        }
        assertTrue(table.lines().anyMatch(l -> l.matches("optimizer\\.lr\\s+number\\s+3\\.0e-4\\s+> 0\\s+the peak.*")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("optimizer\\.name\\s+choice\\s+adamw\\s+"
                + String.join(" \\| ", OptimizerRegistry.names()) + "\\s+.*")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("optimizer\\.groups\\[\\]\\.weight_decay\\s+number\\s+"
                + "optimizer\\.weight_decay\\s+>= 0\\s+.*")), table);
    }

    @Test
    void everyKeysTyposAndOtherNamesSuggestIt() {
        List<Section> sections = Stream.concat(Schema.top().stream(), Stream.of(groupSection(),
                groupSection().field("match").section())).toList();
        for (Section s : sections) {
            for (Field f : s.fields()) {
                assertEquals("unknown key '" + f.key() + "x' (did you mean '" + f.key() + "'?)",
                        Suggestions.unknownKey(f.key() + "x", s), s.path());
                for (String other : f.spec().otherNames()) {
                    String message = Suggestions.unknownKey(other, s);
                    assertTrue(message.contains("'" + f.key() + "'"), message);
                }
            }
        }
        assertEquals("unknown key 'max_grad_norm' (did you mean 'train.clip_norm'?)",
                Suggestions.unknownKey("max_grad_norm", Schema.ROOT));
    }

    private static Section groupSection() {
        return Schema.ROOT.field("optimizer").section().field("groups").type().items();
    }

    @Test
    void enumerationsComeFromTheListsThatOwnThem() {
        assertEquals(OptimizerRegistry.names(), OptimizerName.values().stream().map(OptimizerName::recipeName).toList());
        for (String name : OptimizerRegistry.names()) {
            assertEquals(name, parse(MINIMAL, "optimizer.name=" + name).optimizer().name().recipeName());
        }
        for (dev.decaf.text.data.DataFormat format : dev.decaf.text.data.DataFormat.values()) {
            String name = format.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            assertEquals(format, parse(MINIMAL, "data.format=" + name).data().format());
        }
        for (String preset : dev.decaf.core.groups.GroupPresets.NAMES) {
            assertEquals(preset, parse(MINIMAL, "optimizer.groups=" + preset).optimizer().groups().preset().recipeName());
        }
    }

    @Test
    void theReadmeNamesEveryKey() throws IOException {
        Path readme = Path.of("../../README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf("A recipe (YAML, torchtune-style)");
        assertTrue(start >= 0, "the README's recipe paragraph");
        String paragraph = text.substring(start, text.indexOf("\n\n", start));
        List<String> missing = fields().stream().map(Field::key).distinct()
                .filter(k -> !Arrays.asList(paragraph.split("[^a-z_]+")).contains(k)).collect(Collectors.toList());
        assertEquals(List.of(), missing, "keys missing from the README's recipe paragraph");
        assertTrue(paragraph.contains("decaf recipes keys"), paragraph);
    }
}
