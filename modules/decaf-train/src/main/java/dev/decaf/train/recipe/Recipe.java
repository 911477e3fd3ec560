package dev.decaf.train.recipe;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.groups.ParamMatcher;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A fine-tuning recipe: one YAML file that says everything about a run (model, tokenizer, data,
 * optimizer and parameter groups, learning-rate schedule, training loop, final generations, output
 * directory), in the style of torchtune's configs.
 *
 * <pre>{@code
 * Recipe r = Recipe.load(Path.of("recipes/gpt2-tiny.yaml"), List.of("train.steps=100"));
 * r.optimizer().lr();          // 3.0e-4 unless the file says otherwise
 * r.toYaml();                  // the resolved recipe: every default filled in
 * r.hash();                    // SHA-256 of the resolved recipe, stored in checkpoints
 * }</pre>
 *
 * <h2>Loading</h2>
 *
 * <p>Loading validates everything before any work starts and reports every problem at once, each
 * with its file, line and key path ({@link RecipeException#problems()}): YAML syntax, unknown keys
 * (with the nearest known key as a suggestion), wrong types, out-of-range and unknown enum values,
 * inconsistent settings (both or neither of {@code train.steps} / {@code train.epochs}, {@code wsd}
 * without {@code decay_steps}, bad parameter groups) and missing files.
 *
 * <p>Overrides ({@code key.path=value}, as given to {@code --set}) are applied to the file's tree
 * before validation, in order; the value is parsed as a YAML scalar or flow collection ({@code
 * optimizer.betas=[0.9,0.95]}, {@code train.steps=100}, {@code data.train=foo.txt}). An override
 * may add a key the file lacks and replaces whole sections or lists; a list item is addressed by
 * its index ({@code optimizer.groups.0.lr_scale=2}); an empty value or {@code null} restores the
 * default. Problems in an override name it ({@code --set train.stpes=3}) with line 0.
 *
 * <h2>Paths</h2>
 *
 * <ul>
 *   <li>{@code model}, {@code tokenizer}, {@code data.train} and {@code data.validation} are
 *       resolved against the directory of the recipe file when relative, unless they start with
 *       {@code builtin:} (resolved by the trainer). A recipe parsed from text (shipped recipes read
 *       from the classpath, {@link #parse}) has no directory: its paths stay relative to the
 *       current working directory, as does everything when the recipe file itself was named by a
 *       relative path. Paths are normalized ({@code recipes/../models/x.json} becomes {@code
 *       models/x.json}).
 *   <li>{@code out} is kept as written: relative to the current working directory.
 *   <li>{@code tokenizer} defaults to {@code MODEL/tokenizer.json} when {@code model} is a
 *       directory (a path not ending in {@code .json}); for a {@code models/*.json} config (a random
 *       start) or a {@code builtin:} model it stays null and the trainer chooses.
 * </ul>
 *
 * <p>File checks (on by default) report a path that does not exist; they can be turned off for
 * pure syntax checks ({@link #parse(String, String, List, boolean)}, {@link Loader#checkFiles}).
 *
 * <h2>Resolved form</h2>
 *
 * <p>{@link #toYaml()} writes every key in a fixed order with every default filled in (group
 * settings that inherit from the optimizer are written out); parsing it again gives an equal
 * recipe, and {@link #hash()} is the SHA-256 of that text, so it ignores comments, key order and
 * spelled-out defaults in the source.
 *
 * @param model the model: a Hugging Face model directory, a {@code models/*.json} config (random
 *     start), or {@code builtin:NAME}
 * @param tokenizer the tokenizer.json, or null to let the trainer choose (see above)
 * @param data the training and validation data
 * @param optimizer the optimizer and its parameter groups
 * @param schedule the learning-rate schedule
 * @param train the training loop
 * @param task a built-in task metric to report at the end (validated by the trainer), or null
 * @param generate sample generations printed at the end
 * @param out the output directory (relative to the current working directory when relative)
 */
public record Recipe(
        Source model,
        Source tokenizer,
        Data data,
        Optimizer optimizer,
        ScheduleSpec schedule,
        Train train,
        String task,
        Generate generate,
        Path out) {

    /** Checks that the required components are present. */
    public Recipe {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(generate, "generate");
        Objects.requireNonNull(out, "out");
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads and validates a recipe file, checking that the files it names exist.
     *
     * @param yaml the recipe file
     * @param overrides {@code key.path=value} overrides, applied in order
     * @return the resolved recipe
     * @throws RecipeException with every problem found
     */
    public static Recipe load(Path yaml, List<String> overrides) {
        return loader().overrides(overrides).load(yaml);
    }

    /**
     * Loads and validates a recipe file.
     *
     * @param yaml the recipe file
     * @param overrides {@code key.path=value} overrides, applied in order
     * @param checkFiles whether to report paths that do not exist
     * @return the resolved recipe
     * @throws RecipeException with every problem found
     */
    public static Recipe load(Path yaml, List<String> overrides, boolean checkFiles) {
        return loader().overrides(overrides).checkFiles(checkFiles).load(yaml);
    }

    /**
     * Parses and validates recipe text, checking that the files it names exist; relative paths are
     * relative to the current working directory.
     *
     * @param yamlText the YAML
     * @param sourceName the name used in problems (a file name, {@code classpath:recipes/x.yaml})
     * @param overrides {@code key.path=value} overrides, applied in order
     * @return the resolved recipe
     * @throws RecipeException with every problem found
     */
    public static Recipe parse(String yamlText, String sourceName, List<String> overrides) {
        return loader().overrides(overrides).parse(yamlText, sourceName);
    }

    /**
     * Parses and validates recipe text; relative paths are relative to the current working
     * directory.
     *
     * @param yamlText the YAML
     * @param sourceName the name used in problems
     * @param overrides {@code key.path=value} overrides, applied in order
     * @param checkFiles whether to report paths that do not exist
     * @return the resolved recipe
     * @throws RecipeException with every problem found
     */
    public static Recipe parse(String yamlText, String sourceName, List<String> overrides, boolean checkFiles) {
        return loader().overrides(overrides).checkFiles(checkFiles).parse(yamlText, sourceName);
    }

    /**
     * Starts a loader with every option: overrides, file checks, base directory.
     *
     * @return a loader with no overrides, file checks on and no base directory
     */
    public static Loader loader() {
        return new Loader();
    }

    /** Options for loading a recipe; reusable. */
    public static final class Loader {
        private List<String> overrides = List.of();
        private boolean checkFiles = true;
        private Path baseDir;

        private Loader() {}

        /**
         * Sets the {@code key.path=value} overrides, applied in order after the file.
         *
         * @param overrides the overrides
         * @return this loader
         */
        public Loader overrides(List<String> overrides) {
            this.overrides = List.copyOf(overrides);
            return this;
        }

        /**
         * Sets whether paths that do not exist are problems (default true).
         *
         * @param checkFiles whether to check
         * @return this loader
         */
        public Loader checkFiles(boolean checkFiles) {
            this.checkFiles = checkFiles;
            return this;
        }

        /**
         * Sets the directory that relative model, tokenizer and data paths are resolved against
         * (default: the recipe file's directory for {@link #load}, none, i.e. the current working
         * directory, for {@link #parse}).
         *
         * @param baseDir the directory, or null for the current working directory
         * @return this loader
         */
        public Loader baseDir(Path baseDir) {
            this.baseDir = baseDir;
            return this;
        }

        /**
         * Loads a recipe file (UTF-8).
         *
         * @param yaml the file
         * @return the resolved recipe
         * @throws RecipeException with every problem found
         */
        public Recipe load(Path yaml) {
            String name = yaml.toString();
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(yaml)))
                        .toString();
            } catch (NoSuchFileException e) {
                throw new RecipeException(List.of(new Problem(name, 0, "", "no such file or directory")));
            } catch (CharacterCodingException e) {
                throw new RecipeException(List.of(new Problem(name, 0, "", "not UTF-8 text")));
            } catch (IOException e) {
                throw new RecipeException(List.of(new Problem(name, 0, "", "cannot read: " + e.getMessage())));
            }
            Path base = baseDir != null ? baseDir : yaml.getParent();
            return new RecipeParser(name, base, checkFiles).parse(text, overrides);
        }

        /**
         * Parses recipe text.
         *
         * @param yamlText the YAML
         * @param sourceName the name used in problems
         * @return the resolved recipe
         * @throws RecipeException with every problem found
         */
        public Recipe parse(String yamlText, String sourceName) {
            return new RecipeParser(sourceName, baseDir, checkFiles).parse(yamlText, overrides);
        }
    }

    // ---------------------------------------------------------------- resolved form

    /**
     * Returns the resolved recipe as YAML: every key, in a fixed order, every default filled in.
     * {@code Recipe.parse(r.toYaml(), ...)} equals {@code r}.
     *
     * @return the YAML text
     */
    public String toYaml() {
        return RecipeYaml.write(this);
    }

    /**
     * Returns the SHA-256 (lowercase hex) of {@link #toYaml()}: equal for recipes that resolve to
     * the same run, whatever their comments, key order or spelled-out defaults.
     *
     * @return 64 hex digits
     */
    public String hash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(toYaml().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ---------------------------------------------------------------- components

    /**
     * A model, tokenizer or data location: a path, or {@code builtin:NAME} (something the trainer
     * generates or ships). Exactly one of the two is set.
     *
     * @param builtin the NAME of {@code builtin:NAME}, or null
     * @param path the path (resolved against the recipe's directory), or null
     */
    public record Source(String builtin, Path path) {

        /** The prefix that marks a built-in source. */
        public static final String BUILTIN_PREFIX = "builtin:";

        /** Checks that exactly one of builtin and path is set. */
        public Source {
            if ((builtin == null) == (path == null) || (builtin != null && builtin.isEmpty())) {
                throw new IllegalArgumentException("a source is either builtin:NAME or a path");
            }
        }

        /**
         * A built-in source.
         *
         * @param name NAME of {@code builtin:NAME}
         * @return the source
         */
        public static Source ofBuiltin(String name) {
            return new Source(name, null);
        }

        /**
         * A path.
         *
         * @param path the path
         * @return the source
         */
        public static Source ofPath(Path path) {
            return new Source(null, path);
        }

        /** Returns whether this is {@code builtin:NAME}. */
        public boolean isBuiltin() {
            return builtin != null;
        }

        /** Returns {@code builtin:NAME} or the path, as written in the resolved recipe. */
        @Override
        public String toString() {
            return builtin != null ? BUILTIN_PREFIX + builtin : path.toString();
        }
    }

    /** The layout of a data file (see decaf-models' data formats). */
    public enum DataFormat {
        /** Decided from the file's extension and first line. */
        AUTO("auto"),
        /** Plain text, or JSON lines with {@code text}. */
        TEXT("text"),
        /** JSON lines with {@code prompt} and {@code completion}. */
        PROMPT_COMPLETION("prompt-completion"),
        /** JSON lines with pre-tokenised {@code input_ids}. */
        TOKENS("tokens");

        private final String recipeName;

        DataFormat(String recipeName) {
            this.recipeName = recipeName;
        }

        /** Returns the name used in recipes. */
        public String recipeName() {
            return recipeName;
        }
    }

    /**
     * The {@code data:} section.
     *
     * @param train the training data (a file or {@code builtin:NAME})
     * @param validation the validation data, or null to split {@code validationFraction} off train
     * @param validationFraction the fraction of train held out when validation is null, in [0, 0.5]
     * @param format the layout of the files
     * @param skipBadLines whether malformed lines are skipped (and counted) instead of failing
     */
    public record Data(
            Source train, Source validation, double validationFraction, DataFormat format, boolean skipBadLines) {

        /** Checks the required components. */
        public Data {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(format, "format");
        }
    }

    /** The optimizers a recipe can name, each with the decay rule its groups use by default. */
    public enum OptimizerName {
        /** AdamW (PyTorch-exact): decoupled decay. */
        ADAMW("adamw", DecayRule.DECOUPLED),
        /** AdamC: decay corrected to follow the schedule. */
        ADAMC("adamc", DecayRule.CORRECTED),
        /** Adam with coupled L2 regularisation. */
        ADAM_L2("adam-l2", DecayRule.COUPLED_L2),
        /** AdamS: stable weight decay. */
        ADAMS("adams", DecayRule.STABLE);

        private final String recipeName;
        private final DecayRule defaultRule;

        OptimizerName(String recipeName, DecayRule defaultRule) {
            this.recipeName = recipeName;
            this.defaultRule = defaultRule;
        }

        /** Returns the name used in recipes. */
        public String recipeName() {
            return recipeName;
        }

        /** Returns the decay rule of groups that do not set {@code rule}. */
        public DecayRule defaultRule() {
            return defaultRule;
        }
    }

    /** The built-in group layouts. */
    public enum GroupPreset {
        /** {@code decay} (rank ≥ 2) and {@code no_decay} (biases, norms, rank &lt; 2). */
        STANDARD("standard"),
        /** Decoder LLMs: hidden matrices, embeddings and head, norms and biases (see the trainer). */
        LLM("llm");

        private final String recipeName;

        GroupPreset(String recipeName) {
            this.recipeName = recipeName;
        }

        /** Returns the name used in recipes. */
        public String recipeName() {
            return recipeName;
        }
    }

    /**
     * The {@code optimizer:} section.
     *
     * @param name the optimizer
     * @param lr the peak learning rate γ_max, &gt; 0
     * @param beta1 β1 in [0, 1)
     * @param beta2 β2 in [0, 1)
     * @param eps ε &gt; 0
     * @param weightDecay λ ≥ 0 for groups that do not set their own
     * @param groups the parameter groups
     */
    public record Optimizer(
            OptimizerName name, double lr, double beta1, double beta2, double eps, double weightDecay, Groups groups) {

        /** Checks the required components. */
        public Optimizer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(groups, "groups");
        }

        /** Returns [β1, β2]. */
        public List<Double> betas() {
            return List.of(beta1, beta2);
        }

        /** Returns the decay rule of the optimizer (and of groups that do not set their own). */
        public DecayRule defaultRule() {
            return name.defaultRule();
        }
    }

    /**
     * {@code optimizer.groups}: a preset or an explicit list (exactly one is set).
     *
     * @param preset the preset, or null
     * @param list the groups, in order (empty when a preset is used)
     */
    public record Groups(GroupPreset preset, List<Group> list) {

        /** Checks that exactly one of preset and list is given. */
        public Groups {
            list = list == null ? List.of() : List.copyOf(list);
            if ((preset == null) == list.isEmpty()) {
                throw new IllegalArgumentException("groups are either a preset or a non-empty list");
            }
        }

        /**
         * The groups of a preset.
         *
         * @param preset the preset
         * @return the groups
         */
        public static Groups of(GroupPreset preset) {
            return new Groups(preset, List.of());
        }

        /** Returns whether a preset is used. */
        public boolean isPreset() {
            return preset != null;
        }
    }

    /**
     * One parameter group of {@code optimizer.groups}, with its settings resolved (unset ones
     * inherit the optimizer's λ and rule, and lr_scale 1).
     *
     * @param name the group's name (unique, not {@code default})
     * @param match which parameters belong to it
     * @param weightDecay λ ≥ 0
     * @param rule the decay rule
     * @param lrScale the learning-rate multiplier ≥ 0
     */
    public record Group(String name, Match match, double weightDecay, DecayRule rule, double lrScale) {

        /** Checks the required components. */
        public Group {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(rule, "rule");
        }

        /**
         * Returns the group as a decaf-core group rule (for {@code GroupPlan} and the optimizers).
         *
         * @return the rule
         */
        public GroupRule toGroupRule() {
            return GroupRule.builder(name, match.toMatcher()).weightDecay(weightDecay).decayRule(rule)
                    .lrScale(lrScale).build();
        }
    }

    /**
     * What a group selects; every condition that is set must hold (AND). At least one is set.
     *
     * @param kinds layer kinds (any of them), or empty
     * @param nameGlob a glob on the whole name ({@code *} any run, {@code ?} one character), or null
     * @param nameRegex a regular expression found in the name, or null
     * @param names exact names (any of them), or empty
     * @param ndimBelow rank &lt; this, or null
     * @param ndimAtLeast rank ≥ this, or null
     */
    public record Match(
            List<LayerKind> kinds,
            String nameGlob,
            String nameRegex,
            List<String> names,
            Integer ndimBelow,
            Integer ndimAtLeast) {

        /** Copies the lists and checks that something is selected. */
        public Match {
            kinds = kinds == null ? List.of() : List.copyOf(kinds);
            names = names == null ? List.of() : List.copyOf(names);
            if (kinds.isEmpty() && nameGlob == null && nameRegex == null && names.isEmpty() && ndimBelow == null
                    && ndimAtLeast == null) {
                throw new IllegalArgumentException("a match needs at least one condition");
            }
        }

        /**
         * Returns the conditions as one matcher (their conjunction).
         *
         * @return the matcher
         */
        public ParamMatcher toMatcher() {
            ParamMatcher m = null;
            if (!kinds.isEmpty()) {
                m = and(m, ParamMatcher.kind(kinds.get(0), kinds.subList(1, kinds.size()).toArray(LayerKind[]::new)));
            }
            if (nameGlob != null) {
                m = and(m, ParamMatcher.nameGlob(nameGlob));
            }
            if (nameRegex != null) {
                m = and(m, ParamMatcher.nameRegex(nameRegex));
            }
            if (!names.isEmpty()) {
                m = and(m, ParamMatcher.names(names.toArray(String[]::new)));
            }
            if (ndimBelow != null) {
                m = and(m, ParamMatcher.ndimBelow(ndimBelow));
            }
            if (ndimAtLeast != null) {
                m = and(m, ParamMatcher.ndimAtLeast(ndimAtLeast));
            }
            return m;
        }

        private static ParamMatcher and(ParamMatcher a, ParamMatcher b) {
            return a == null ? b : a.and(b);
        }
    }

    /** The decay phase of the schedule. */
    public enum DecayKind {
        /** Warm-up, then cosine to {@code min_lr_ratio·lr}. */
        COSINE,
        /** Warm-up, then linear to {@code min_lr_ratio·lr}. */
        LINEAR,
        /** Warm-up, then constant at lr. */
        CONSTANT,
        /** Warm-up, stable, then a linear decay over the last {@code decay_steps}. */
        WSD;

        /** Returns the name used in recipes. */
        public String recipeName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The {@code schedule:} section.
     *
     * @param warmupSteps linear warm-up steps W ≥ 0
     * @param decay the decay after warm-up
     * @param minLrRatio γ_min/γ_max in [0, 1]
     * @param decaySteps the final decay length D ≥ 1 for {@code wsd}, else null
     */
    public record ScheduleSpec(long warmupSteps, DecayKind decay, double minLrRatio, Long decaySteps) {

        /** Checks the required components. */
        public ScheduleSpec {
            Objects.requireNonNull(decay, "decay");
            if (decay == DecayKind.WSD && decaySteps == null) {
                throw new IllegalArgumentException("wsd needs decay_steps");
            }
        }

        /**
         * Builds the schedule for a run ({@code wsd} decays linearly).
         *
         * @param peak γ_max, the optimizer's lr
         * @param totalSteps the run's optimizer steps T
         * @return the schedule
         */
        public Schedule toSchedule(double peak, long totalSteps) {
            return switch (decay) {
                case CONSTANT -> warmupSteps == 0
                        ? Schedule.constant(peak)
                        : Schedule.warmup(peak, warmupSteps, totalSteps, DecayShape.CONSTANT, minLrRatio);
                case COSINE -> Schedule.warmup(peak, warmupSteps, totalSteps, DecayShape.COSINE, minLrRatio);
                case LINEAR -> Schedule.warmup(peak, warmupSteps, totalSteps, DecayShape.LINEAR, minLrRatio);
                case WSD -> Schedule.wsd(peak, warmupSteps, decaySteps, totalSteps, DecayShape.LINEAR, minLrRatio);
            };
        }
    }

    /**
     * The {@code train:} section. Exactly one of steps and epochs is set.
     *
     * @param steps optimizer steps ≥ 1, or null
     * @param epochs passes over the training data ≥ 1, or null
     * @param batchSize sequences per micro-batch ≥ 1
     * @param seqLen tokens per sequence ≥ 2
     * @param gradAccum micro-batches per optimizer step ≥ 1
     * @param clipNorm global gradient-norm clip &gt; 0, or 0 for none
     * @param seed the random seed
     * @param logEvery steps between metric lines ≥ 1
     * @param evalEvery steps between evaluations, 0 = only at the end
     * @param evalBatches validation batches per evaluation, 0 = the whole split
     * @param checkpointEvery steps between checkpoints, 0 = only at the end
     * @param keepCheckpoints checkpoints kept ≥ 1
     * @param maxBadSteps consecutive NaN/Inf steps before stopping ≥ 1
     */
    public record Train(
            Long steps,
            Long epochs,
            int batchSize,
            int seqLen,
            int gradAccum,
            double clipNorm,
            long seed,
            int logEvery,
            int evalEvery,
            int evalBatches,
            int checkpointEvery,
            int keepCheckpoints,
            int maxBadSteps) {

        /** Checks that exactly one of steps and epochs is set. */
        public Train {
            if ((steps == null) == (epochs == null)) {
                throw new IllegalArgumentException("exactly one of steps and epochs must be set");
            }
        }

        /** Returns whether the run length is given in steps (else in epochs). */
        public boolean bySteps() {
            return steps != null;
        }
    }

    /**
     * The {@code generate:} section: samples printed at the end.
     *
     * @param prompts the prompts (may be empty)
     * @param maxTokens new tokens per prompt ≥ 1
     * @param temperature sampling temperature ≥ 0, 0 = greedy
     */
    public record Generate(List<String> prompts, int maxTokens, double temperature) {

        /** Copies the prompts. */
        public Generate {
            prompts = List.copyOf(prompts);
        }
    }
}
