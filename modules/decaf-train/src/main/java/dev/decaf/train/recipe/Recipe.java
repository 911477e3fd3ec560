package dev.decaf.train.recipe;

import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPresets;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.LayerKind;
import dev.decaf.core.groups.ParamMatcher;
import dev.decaf.core.scaling.FixedRule;
import dev.decaf.core.scaling.LambdaRule;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import ai.djl.training.tracker.ParameterTracker;
import dev.decaf.djl.optim.AdamFamily;
import dev.decaf.djl.optim.OptimizerRegistry;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.Overlong;
import dev.decaf.text.template.PromptTemplate;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
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
 *   <li>{@code out} written in the recipe file is resolved against the recipe's directory too;
 *       given by an override ({@code --set out=DIR}, which {@code --out DIR} is) it stays
 *       relative to the current working directory, as command-line paths do.
 *   <li>{@code tokenizer} defaults to {@code MODEL/tokenizer.json} when {@code model} is a
 *       directory (a path not ending in {@code .json}); for a {@code models/*.json} config (a random
 *       start) or a {@code builtin:} model it stays null and the trainer chooses.
 * </ul>
 *
 * <p>File checks (on by default) report a path that does not exist; they can be turned off for
 * pure syntax checks ({@link #parse(String, String, List, boolean)}, {@link Loader#checkFiles}).
 *
 * <h2>Keys</h2>
 *
 * <p>Every key is declared once, by a {@link Key} annotation on a component of this record or of
 * its section records (its type follows from the component's type); {@code decaf recipes keys}
 * lists them all with type, default, allowed values and meaning ({@link RecipeKeys}).
 *
 * <h2>Resolved form</h2>
 *
 * <p>{@link #toYaml()} writes every key in a fixed order with every default filled in (group
 * settings that inherit from the optimizer are written out); parsing it again gives an equal
 * recipe, and {@link #hash()} is the SHA-256 of that text, so it ignores comments, key order and
 * spelled-out defaults in the source.
 */
public record Recipe(
        @Key(doc = "a model directory, a models/*.json config or builtin:NAME", required = true) Source model,
        @Key(doc = "a tokenizer.json or builtin:NAME (null: MODEL/tokenizer.json for a model directory,"
                + " else the trainer's choice)") Source tokenizer,
        @Key(doc = "the training and validation data") Data data,
        @Key(doc = "the optimizer and its parameter groups") Optimizer optimizer,
        @Key(doc = "the learning-rate schedule") ScheduleSpec schedule,
        @Key(doc = "the training loop") Train train,
        @Key(doc = "a name for the exact match of greedy answers, reported before and after training on up to 100"
                + " prompts of data.validation or of the examples held out of prompt-completion data") String task,
        @Key(doc = "sample generations printed at the end") Generate generate,
        @Key(doc = "the output directory (e.g. runs/NAME)", required = true, otherNames = "output_dir") Path out) {

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

    /**
     * Returns this recipe with {@code train.seq_len} set: the resolved form of a run that chose it.
     *
     * @param positions the sequence length
     * @return the recipe
     */
    public Recipe withSeqLen(int positions) {
        return new Recipe(model, tokenizer, data, optimizer, schedule, train.withSeqLen(positions), task, generate, out);
    }

    /**
     * Returns this recipe with the λ its {@code optimizer.weight_decay} rule resolved to, at the
     * start of a run: the rule stays (the resolved recipe writes both) and the groups that inherit
     * λ get it; groups that set their own number keep it.
     *
     * @param lambda the resolved λ
     * @return the recipe
     */
    public Recipe withWeightDecay(double lambda) {
        Optimizer o = optimizer;
        Groups g = o.groups();
        if (!g.isPreset()) {
            g = new Groups(null, g.list().stream().map(x -> x.weightDecay() != null ? x
                    : new Group(x.name(), x.match(), lambda, x.rule(), x.lrScale())).toList());
        }
        Optimizer resolved = new Optimizer(o.name(), o.lr(), o.betas(), o.eps(), o.weightDecay().resolve(lambda), g);
        return new Recipe(model, tokenizer, data, resolved, schedule, train, task, generate, out);
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
     * Returns the SHA-256 (lowercase hex) of {@link #toYaml()} without the keys that change only
     * how fast a run goes ({@code train.threads}): equal for recipes that resolve to the same run,
     * whatever their comments, key order or spelled-out defaults, so a run can be resumed with other
     * threads (and runs from before such a key existed still resume).
     *
     * @return 64 hex digits
     */
    public String hash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(RecipeYaml.write(this, true).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ---------------------------------------------------------------- sections and values
    // Each section's keys are its components, in order; their @Key says the rest.

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

    /** The {@code data:} section: training and validation data, and how the files are laid out. */
    public record Data(
            @Key(doc = "a training data file or builtin:NAME", required = true, otherNames = "dataset") Source train,
            @Key(doc = "the validation data (null: hold validation_fraction of train out)") Source validation,
            @Key(doc = "the fraction of train held out when validation is null", def = "0.05", range = "[0, 0.5]")
                    double validationFraction,
            @Key(doc = "train on this fraction of the training examples (text: of its rows), max(1, round(fraction·N))"
                    + " of the N left after the validation split, a prefix of one permutation seeded by train.seed:"
                    + " the validation set is the same for every fraction, and a smaller fraction's examples are"
                    + " inside a larger one's", def = "1.0", range = "(0, 1]", hashedAtDefault = false,
                    otherNames = {"subset", "train_fraction"}) double fraction,
            @Key(doc = "the layout of the data files (messages: chat data, rendered by the model's chat_template)",
                    def = "auto") DataFormat format,
            @Key(doc = "frames each prompt of prompt-completion data: a string with {prompt} exactly once, the"
                    + " completion following its end ({{ and }} for literal braces)", def = "'{prompt}'")
                    PromptTemplate template,
            @Key(doc = "skip (and count) malformed lines instead of failing", def = "false") boolean skipBadLines,
            @Key(doc = "an example longer than seq_len + 1 tokens: truncate (the completion's end), drop, or error",
                    def = "truncate") Overlong overlong,
            @Key(doc = "pack several whole prompt-completion examples into each row (false: one per row)",
                    def = "true") boolean packing) {

        /** Checks the required components. */
        public Data {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(overlong, "overlong");
        }
    }

    /**
     * An optimizer's name, one of {@link OptimizerRegistry#names()}.
     *
     * @param recipeName the name used in recipes ({@code adamw}, ...)
     */
    public record OptimizerName(String recipeName) {

        /** Checks that the optimizer is registered. */
        public OptimizerName {
            if (!OptimizerRegistry.names().contains(recipeName)) {
                throw new IllegalArgumentException("optimizer.name must be one of " + OptimizerRegistry.names());
            }
        }

        /**
         * Returns a registered optimizer's name.
         *
         * @param recipeName the name ({@code adamw}, ...)
         * @return the name
         */
        public static OptimizerName of(String recipeName) {
            return new OptimizerName(recipeName);
        }

        /** Returns every registered optimizer, in the registry's order. */
        public static List<OptimizerName> values() {
            return OptimizerRegistry.names().stream().map(OptimizerName::new).toList();
        }

        /** Returns the decay rule of groups that do not set {@code rule}. */
        public DecayRule defaultRule() {
            return OptimizerRegistry.decayRule(recipeName);
        }
    }

    /**
     * A built-in group layout, one of {@link GroupPresets#NAMES}.
     *
     * @param recipeName the name used in recipes ({@code standard}, {@code llm})
     */
    public record GroupPreset(String recipeName) {

        /** Checks that the preset exists. */
        public GroupPreset {
            if (!GroupPresets.NAMES.contains(recipeName)) {
                throw new IllegalArgumentException("unknown group preset '" + recipeName + "': expected one of "
                        + GroupPresets.NAMES);
            }
        }

        /**
         * Returns a preset.
         *
         * @param recipeName the name ({@code standard}, {@code llm})
         * @return the preset
         */
        public static GroupPreset of(String recipeName) {
            return new GroupPreset(recipeName);
        }

        /** Returns every preset, in {@link GroupPresets#NAMES} order. */
        public static List<GroupPreset> values() {
            return GroupPresets.NAMES.stream().map(GroupPreset::new).toList();
        }
    }

    /**
     * {@code optimizer.weight_decay}: a number, or a {@link LambdaRule} that a run resolves at its
     * start ({@link #withWeightDecay}), once the model's parameters and the training data's samples
     * and tokens are known.
     *
     * @param rule the rule ({@link FixedRule} for a number)
     * @param resolved λ: the number, or what the rule resolved to; null until then
     */
    public record WeightDecay(LambdaRule rule, Double resolved) {

        /** Checks that a fixed λ is its own resolution. */
        public WeightDecay {
            Objects.requireNonNull(rule, "rule");
            if (rule instanceof FixedRule f && (resolved == null || resolved != f.value())) {
                throw new IllegalArgumentException("a fixed weight decay is resolved to its own value");
            }
        }

        /**
         * A plain λ.
         *
         * @param lambda λ ≥ 0
         * @return the weight decay
         */
        public static WeightDecay of(double lambda) {
            return new WeightDecay(new FixedRule(lambda), lambda);
        }

        /**
         * A rule, not yet resolved.
         *
         * @param rule the rule
         * @return the weight decay
         */
        public static WeightDecay of(LambdaRule rule) {
            return rule instanceof FixedRule f ? of(f.value()) : new WeightDecay(rule, null);
        }

        /** Returns whether λ is known: a number, or a rule a run has resolved. */
        public boolean isResolved() {
            return resolved != null;
        }

        /** Returns whether λ was given as a number (not chosen by a rule). */
        public boolean isFixed() {
            return rule instanceof FixedRule;
        }

        /**
         * Returns λ.
         *
         * @throws IllegalStateException when it is a rule not yet resolved
         */
        public double lambda() {
            if (resolved == null) {
                throw new IllegalStateException("optimizer.weight_decay is the rule " + rule.name()
                        + ", resolved only at the start of a run");
            }
            return resolved;
        }

        /**
         * Returns this rule resolved to a λ.
         *
         * @param lambda λ
         * @return the weight decay
         */
        public WeightDecay resolve(double lambda) {
            return isFixed() ? this : new WeightDecay(rule, lambda);
        }
    }

    /**
     * The keys of {@code optimizer.weight_decay} written as a rule: {@code {rule: ema, tau_epoch:
     * 0.5}}. Each rule takes the options {@link dev.decaf.core.scaling.LambdaRules#options} lists.
     */
    public record WeightDecayKeys(
            @Key(doc = "ema: λ = B/(η·N·τ_epoch) or 1/(η·τ_iter) | power-lines: λ = B_tok/(η·D·τ_opt),"
                    + " τ_opt = 1.084·TPP^-0.527 | normalized: λ = λ_norm·√(B/(N·E)) | mup: λ = L·W/W0 |"
                    + " mup-sqrt: λ = L·√(W/W0) | fixed: λ", required = true) String rule,
            @Key(doc = "ema: the EMA timescale in epochs, τ_epoch", range = "> 0") Double tauEpoch,
            @Key(doc = "ema: the EMA timescale in steps, τ_iter (instead of tau_epoch)", range = "> 0") Double tauIter,
            @Key(doc = "normalized: λ_norm", range = ">= 0") Double lambdaNorm,
            @Key(doc = "mup, mup-sqrt: the model's width W", range = "> 0") Double width,
            @Key(doc = "mup, mup-sqrt: the width W0 the base λ was tuned at", range = "> 0") Double baseWidth,
            @Key(doc = "mup, mup-sqrt: the λ L tuned at base_width", range = ">= 0") Double baseLambda,
            @Key(doc = "fixed: λ; with another rule, the λ it resolved to (finetune writes it into OUT/recipe.yaml;"
                    + " a resumed run keeps it)", range = ">= 0") Double lambda) {}

    /** The {@code optimizer:} section. */
    public record Optimizer(
            @Key(doc = "the optimizer; groups without a rule use its decay rule", def = "adamw") OptimizerName name,
            @Key(doc = "the peak learning rate γ_max", def = "3.0e-4", range = "> 0", otherNames = "learning_rate")
                    double lr,
            @Key(doc = "Adam's moment decay rates", def = "[0.9, 0.999]", range = "[0, 1)", items = {"beta1", "beta2"},
                    otherNames = {"beta1", "beta2"}) List<Double> betas,
            @Key(doc = "Adam's ε", def = "1.0e-8", range = "> 0") double eps,
            @Key(doc = "λ for groups that do not set their own: a number, or a rule that finetune resolves at the"
                    + " start from the model's parameters and the training data's samples and tokens"
                    + " ({rule: ema, tau_epoch: 0.5}; keys below)", def = "0.1") WeightDecay weightDecay,
            @Key(doc = "the parameter groups: a preset or a list", def = "standard", otherNames = "param_groups")
                    Groups groups) {

        /** Checks the required components. */
        public Optimizer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(groups, "groups");
            betas = List.copyOf(betas);
            if (betas.size() != 2) {
                throw new IllegalArgumentException("betas are [beta1, beta2]");
            }
        }

        /** Returns β1. */
        public double beta1() {
            return betas.get(0);
        }

        /** Returns β2. */
        public double beta2() {
            return betas.get(1);
        }

        /** Returns the decay rule of the optimizer (and of groups that do not set their own). */
        public DecayRule defaultRule() {
            return name.defaultRule();
        }

        /**
         * Builds the optimizer this section describes, through {@link OptimizerRegistry}.
         *
         * @param learningRate the schedule (a {@code ScheduleTracker} also tells AdamC its peak)
         * @param paramGroups the model's groups
         * @return the optimizer (close it at the end of the run to release its kernel threads)
         */
        public AdamFamily build(ParameterTracker learningRate, ParamGroups paramGroups) {
            return build(learningRate, paramGroups, dev.decaf.djl.optim.kernel.ParallelRange.defaultThreads());
        }

        /**
         * Builds the optimizer this section describes with a number of kernel threads.
         *
         * @param learningRate the schedule (a {@code ScheduleTracker} also tells AdamC its peak)
         * @param paramGroups the model's groups
         * @param kernelThreads the optimizer's kernel threads, ≥ 1
         * @return the optimizer (close it at the end of the run to release its kernel threads)
         */
        public AdamFamily build(ParameterTracker learningRate, ParamGroups paramGroups, int kernelThreads) {
            return OptimizerRegistry.build(name.recipeName(), b -> b.optLearningRateTracker(learningRate)
                    .optBeta1((float) beta1()).optBeta2((float) beta2()).optEpsilon((float) eps)
                    .optWeightDecays((float) weightDecay.lambda()).optParamGroups(paramGroups).optKernelThreads(kernelThreads));
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

    /** One parameter group of {@code optimizer.groups}, with unset settings resolved. */
    public record Group(
            @Key(doc = "the group's name (unique, not default)", required = true) String name,
            @Key(doc = "which parameters belong to it (every condition given must hold)", required = true) Match match,
            @Key(doc = "λ for the group (null while it inherits a rule not yet resolved)", range = ">= 0",
                    inherit = "optimizer.weight_decay") Double weightDecay,
            @Key(doc = "the decay rule", inherit = "the optimizer's rule") DecayRule rule,
            @Key(doc = "the learning-rate multiplier", def = "1.0", range = ">= 0") double lrScale) {

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
            if (weightDecay == null) {
                throw new IllegalStateException("group " + name + " inherits optimizer.weight_decay, a rule not yet"
                        + " resolved (Recipe.withWeightDecay)");
            }
            return GroupRule.builder(name, match.toMatcher()).weightDecay(weightDecay).decayRule(rule)
                    .lrScale(lrScale).build();
        }
    }

    /** What a group selects; every condition that is set must hold (AND). At least one is set. */
    public record Match(
            @Key(doc = "layer kinds (any of them)", name = "kind", oneOrMore = true, otherNames = "kinds")
                    List<LayerKind> kinds,
            @Key(doc = "a glob on the whole name (* any run, ? one character)", otherNames = "glob") String nameGlob,
            @Key(doc = "a regular expression found in the name", otherNames = "regex") String nameRegex,
            @Key(doc = "exact names (any of them)", oneOrMore = true) List<String> names,
            @Key(doc = "rank < this", range = "[1, 64]", otherNames = {"ndim_lt", "max_ndim"}) Integer ndimBelow,
            @Key(doc = "rank >= this", range = "[0, 64]", otherNames = {"ndim_ge", "min_ndim"}) Integer ndimAtLeast) {

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
            List<ParamMatcher> all = new ArrayList<>();
            if (!kinds.isEmpty()) {
                all.add(ParamMatcher.kind(kinds.get(0), kinds.subList(1, kinds.size()).toArray(LayerKind[]::new)));
            }
            if (nameGlob != null) {
                all.add(ParamMatcher.nameGlob(nameGlob));
            }
            if (nameRegex != null) {
                all.add(ParamMatcher.nameRegex(nameRegex));
            }
            if (!names.isEmpty()) {
                all.add(ParamMatcher.names(names.toArray(String[]::new)));
            }
            if (ndimBelow != null) {
                all.add(ParamMatcher.ndimBelow(ndimBelow));
            }
            if (ndimAtLeast != null) {
                all.add(ParamMatcher.ndimAtLeast(ndimAtLeast));
            }
            return all.stream().reduce(ParamMatcher::and).orElseThrow();
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

    /** The {@code schedule:} section. */
    public record ScheduleSpec(
            @Key(doc = "linear warm-up steps", def = "0", range = ">= 0", otherNames = {"warmup", "num_warmup_steps"})
                    long warmupSteps,
            @Key(doc = "the decay after warm-up (wsd: stable, then linear over decay_steps)", def = "cosine",
                    otherNames = {"scheduler", "lr_scheduler", "lr_scheduler_type"}) DecayKind decay,
            @Key(doc = "γ_min/γ_max, where the decay ends", def = "0.1", range = "[0, 1]") double minLrRatio,
            @Key(doc = "the length of wsd's final decay (wsd only, and required there)", range = ">= 1")
                    Long decaySteps) {

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

    /** The {@code train:} section. Exactly one of steps and epochs is set. */
    public record Train(
            @Key(doc = "optimizer steps (set exactly one of steps and epochs)", range = ">= 1",
                    otherNames = {"max_steps", "num_steps"}) Long steps,
            @Key(doc = "passes over the training data", range = ">= 1", otherNames = {"num_epochs", "max_epochs"})
                    Long epochs,
            @Key(doc = "sequences per micro-batch", def = "8", range = ">= 1", otherNames = "micro_batch_size")
                    int batchSize,
            @Key(doc = "positions per sequence (null: the model's max_position_embeddings, capped by the longest"
                    + " example + its end-of-text for prompt-completion and input_ids data; text uses"
                    + " max_position_embeddings; finetune writes the choice into OUT/recipe.yaml)", range = ">= 2",
                    otherNames = {"max_seq_len", "block_size"}) Integer seqLen,
            @Key(doc = "micro-batches per optimizer step", def = "1", range = ">= 1",
                    otherNames = "gradient_accumulation_steps") int gradAccum,
            @Key(doc = "the global gradient-norm clip (0: none)", def = "1.0", range = ">= 0",
                    otherNames = {"max_grad_norm", "grad_clip"}) double clipNorm,
            @Key(doc = "the random seed (data order, dropout, sampling)", def = "0") long seed,
            @Key(doc = "steps between metric lines", def = "10", range = ">= 1") int logEvery,
            @Key(doc = "steps between evaluations (0: only at the end)", def = "100", range = ">= 0") int evalEvery,
            @Key(doc = "validation batches per evaluation (0: the whole split)", def = "0", range = ">= 0")
                    int evalBatches,
            @Key(doc = "steps between checkpoints (0: only at the end)", def = "500", range = ">= 0")
                    int checkpointEvery,
            @Key(doc = "checkpoints kept", def = "3", range = ">= 1") int keepCheckpoints,
            @Key(doc = "NaN/Inf steps in a row that stop the run", def = "5", range = ">= 1") int maxBadSteps,
            @Key(doc = "compute threads: libtorch's intra-op threads and the optimizer kernel's (0: automatic;"
                    + " --threads overrides; speed only, so not in the recipe hash)", def = "0", range = ">= 0",
                    hashed = false, otherNames = {"num_threads", "intra_op_threads"}) int threads,
            @Key(doc = "export the weights of the best evaluation as OUT/model (none: the last); the last"
                    + " checkpoint stays for --resume", def = "none") KeepBest keepBest,
            @Key(doc = "stop when the validation loss stops improving") EarlyStop earlyStop) {

        /** Checks that exactly one of steps and epochs is set. */
        public Train {
            if ((steps == null) == (epochs == null)) {
                throw new IllegalArgumentException("exactly one of steps and epochs must be set");
            }
            Objects.requireNonNull(keepBest, "keepBest");
            Objects.requireNonNull(earlyStop, "earlyStop");
        }

        /** Returns whether the run length is given in steps (else in epochs). */
        public boolean bySteps() {
            return steps != null;
        }

        /**
         * Returns this section with {@code seq_len} set (what a run chose for a recipe without one).
         *
         * @param positions the sequence length
         * @return the section
         */
        public Train withSeqLen(int positions) {
            return new Train(steps, epochs, batchSize, positions, gradAccum, clipNorm, seed, logEvery, evalEvery,
                    evalBatches, checkpointEvery, keepCheckpoints, maxBadSteps, threads, keepBest, earlyStop);
        }
    }

    /** Which weights {@code train.keep_best} exports as the final model. */
    public enum KeepBest {
        /** The last weights (no best checkpoint is kept). */
        NONE,
        /** The weights of the evaluation with the lowest validation loss. */
        VAL_LOSS;

        /** Returns the name used in recipes ({@code none}, {@code val_loss}: the metric's own name). */
        public String recipeName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code train.early_stop}: stop after {@code patience} evaluations in a row without an
     * improvement of the validation loss by more than {@code min_delta} (Keras' and Hugging Face's
     * {@code EarlyStopping} rule). Off while patience is null.
     */
    public record EarlyStop(
            @Key(doc = "evaluations in a row without improvement that stop the run (null: never stop early)",
                    range = ">= 1") Integer patience,
            @Key(doc = "the decrease of val_loss that counts as an improvement is more than this", def = "0.0",
                    range = ">= 0") double minDelta) {

        /** Early stopping that is off. */
        public static final EarlyStop OFF = new EarlyStop(null, 0.0);

        /** Returns whether early stopping is on. */
        public boolean enabled() {
            return patience != null;
        }
    }

    /** The {@code generate:} section: samples printed at the end. */
    public record Generate(
            @Key(doc = "the prompts (may be empty)", def = "[]") List<String> prompts,
            @Key(doc = "new tokens per prompt", def = "32", range = ">= 1") int maxTokens,
            @Key(doc = "the sampling temperature (0: greedy)", def = "0.0", range = ">= 0") double temperature) {

        /** Copies the prompts. */
        public Generate {
            prompts = List.copyOf(prompts);
        }
    }
}
