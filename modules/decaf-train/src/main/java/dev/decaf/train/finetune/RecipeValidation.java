package dev.decaf.train.finetune;

import dev.decaf.core.config.ModelConfig;
import dev.decaf.core.decay.DecayRule;
import dev.decaf.core.groups.GroupPlan;
import dev.decaf.core.groups.GroupRule;
import dev.decaf.core.groups.ParamInfo;
import dev.decaf.core.scaling.LambdaCalculation;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.data.DataFormat;
import dev.decaf.text.data.DataScan;
import dev.decaf.text.data.LmDataset;
import dev.decaf.text.data.Overlong;
import dev.decaf.text.data.TrainSubset;
import dev.decaf.text.data.builtin.BuiltinData;
import dev.decaf.text.template.ChatTemplate;
import dev.decaf.text.tokenizer.TextTokenizer;
import dev.decaf.train.recipe.Problem;
import dev.decaf.train.recipe.Recipe;
import dev.decaf.train.recipe.RecipeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Checks a recipe for everything {@code decaf finetune} would reject, without training and
 * without writing anything: each check {@link FinetuneSetup} makes, on the same inputs, and a
 * streaming {@link DataScan} of every data file. All problems are reported, not just the first.
 *
 * <p>The checks and their {@link Finding#kind() kinds}: {@code schema} (the recipe itself: syntax,
 * keys, types, values) and {@code missing-file}; {@code model} (the config cannot be read, or the
 * model is builtin); {@code seq-len} ({@code train.seq_len} beyond the model's positions, or, without
 * it, a note with the length finetune would choose, see {@link SeqLenChoice}); {@code
 * tokenizer} (cannot be read) and {@code vocab} (more tokens than the model's {@code vocab_size});
 * {@code chat-template} ({@code messages} data, and no chat template in the {@code
 * tokenizer_config.json} beside the tokenizer);
 * {@code groups} (a group that matches no parameter, with the closest names; a parameter two groups
 * match), resolved on the parameters the model declares from its config, no weights loaded; per
 * data file the {@link DataScan.Kind kinds} of the scan ({@code empty-data}, {@code binary}, {@code
 * malformed-json}, {@code field}, {@code mixed-format}, {@code overlong}, {@code line-too-long},
 * …); {@code validation-split} ({@code data.validation_fraction} leaves no training sample) and
 * {@code mixed-format} between the training and validation files (a warning).
 *
 * <p>A model made from a config trains its tokenizer at the start of {@code finetune}: then the
 * data's structure is checked and token lengths are not (a note says so), unless an earlier start
 * of the run left {@code OUT/tokenizer/tokenizer.json}. Built-in data is generated into a temporary
 * directory, scanned and deleted.
 */
public final class RecipeValidation {

    private RecipeValidation() {}

    /**
     * Loads a recipe with overrides and checks it.
     *
     * @param file the recipe file
     * @param overrides {@code key.path=value} overrides
     * @param checkFiles whether files are checked at all: without, only the recipe's schema is
     * @return the report
     * @throws IOException when a file cannot be read for a reason other than its content
     */
    public static ValidationReport validate(Path file, List<String> overrides, boolean checkFiles) throws IOException {
        ValidationReport.Builder report = new ValidationReport.Builder(file.toString());
        Recipe recipe;
        try {
            recipe = Recipe.load(file, overrides, checkFiles);
        } catch (RecipeException e) {
            boolean onlyFiles = true;
            for (Problem p : e.problems()) {
                boolean missing = p.message().startsWith("no such file or directory");
                onlyFiles &= missing;
                report.error(missing ? "missing-file" : "schema", p.keyPath().isEmpty() ? p.message()
                        : p.keyPath() + ": " + p.message(), p.file(), p.line());
            }
            if (!onlyFiles) {
                return report.build(); // the rest needs a recipe that parses
            }
            recipe = Recipe.load(file, overrides, false); // go on with what exists
        }
        if (checkFiles) {
            new Checks(recipe, file.toString(), report).run();
        }
        return report.build();
    }

    /** The checks of one loaded recipe. */
    private static final class Checks {
        private final Recipe recipe;
        private final String recipeName;
        private final ValidationReport.Builder report;
        private ModelConfig config;
        private DecoderModel model;
        /** The tokenizer.json finetune would use, or null when there is none yet. */
        private Path tokenizerFile;
        /** The chat template, once loaded (or reported missing: then chatTemplateRead and null). */
        private ChatTemplate chatTemplate;
        private boolean chatTemplateRead;

        Checks(Recipe recipe, String recipeName, ValidationReport.Builder report) {
            this.recipe = recipe;
            this.recipeName = recipeName;
            this.report = report;
        }

        void run() throws IOException {
            model();
            TextTokenizer tok = tokenizer();
            try {
                groups();
                data(tok);
            } finally {
                if (tok != null) {
                    tok.close();
                }
            }
        }

        private void model() {
            Path p = recipe.model().path();
            if (recipe.model().isBuiltin() || p == null) {
                report.error("model", "model: '" + recipe.model() + "' is not a model directory or config", recipeName, 0);
                return;
            }
            if (!Files.exists(p)) {
                return; // reported as missing-file
            }
            try {
                config = ModelConfig.load(p);
                model = DecoderModel.of(config); // declares parameters and their shapes; no weights
            } catch (IOException | RuntimeException e) {
                report.error("model", "model: " + e.getMessage(), recipeName, 0);
                config = null;
                return;
            }
            Integer seqLen = recipe.train().seqLen();
            if (seqLen != null && seqLen > config.maxPositions()) {
                report.error("seq-len", "train.seq_len " + seqLen + " exceeds the model's " + config.maxPositions()
                        + " positions (" + p + ")", recipeName, 0);
            }
        }

        /** The tokenizer finetune would use, loaded; null when there is none yet (or it is unreadable). */
        private TextTokenizer tokenizer() {
            Path file = tokenizerFile();
            if (file == null || !Files.exists(file)) {
                return null;
            }
            tokenizerFile = file;
            TextTokenizer tok;
            try {
                tok = TextTokenizer.load(file);
            } catch (IOException | RuntimeException e) {
                report.error("tokenizer", "tokenizer: cannot read " + file + ": " + e.getMessage(), recipeName, 0);
                return null;
            }
            if (config != null && tok.vocabSize() > config.vocabSize()) {
                report.error("vocab", "tokenizer " + file + " has " + tok.vocabSize()
                        + " tokens but the model's vocab_size is " + config.vocabSize(), recipeName, 0);
            }
            return tok;
        }

        /** As {@link TokenizerFiles#resolve}, without training one. */
        private Path tokenizerFile() {
            if (recipe.tokenizer() != null && recipe.tokenizer().path() != null) {
                Path t = recipe.tokenizer().path();
                return Files.isDirectory(t) ? t.resolve("tokenizer.json") : t;
            }
            Path m = recipe.model().path();
            if (m == null || !Files.exists(m)) {
                return null;
            }
            if (Files.isDirectory(m)) {
                Path t = m.resolve("tokenizer.json");
                if (!Files.isRegularFile(t)) {
                    report.error("tokenizer", "model: " + m + " has no tokenizer.json: set tokenizer in the recipe",
                            recipeName, 0);
                    return null;
                }
                return t;
            }
            Path trained = recipe.out().resolve("tokenizer").resolve("tokenizer.json");
            if (Files.isRegularFile(trained)) {
                return trained; // an earlier start of this run trained it; finetune reuses it
            }
            report.add(new Finding("tokenizer", DataScan.Severity.INFO, "no tokenizer yet: finetune trains a byte-level"
                    + " BPE tokenizer" + (config != null ? " of " + config.vocabSize() + " tokens" : "")
                    + " on data.train first, so token lengths (overlong examples, samples) are not checked",
                    recipeName, 0));
            return null;
        }

        /** Every group that matches nothing and every pair of groups that share a parameter. */
        private void groups() {
            if (model == null) {
                return;
            }
            ParamGroups groups;
            List<ParamInfo> params;
            Recipe.WeightDecay wd = recipe.optimizer().weightDecay();
            Recipe matching = wd.isResolved() ? recipe : recipe.withWeightDecay(0.0); // λ does not change what matches
            try {
                groups = Finetune.groups(matching, model);
                params = groups.describeParameters();
            } catch (RuntimeException e) {
                report.error("groups", "optimizer.groups: " + e.getMessage(), recipeName, 0);
                return;
            }
            double lambda = matching.optimizer().weightDecay().lambda();
            DecayRule rule = recipe.optimizer().defaultRule();
            List<GroupRule> rules = groups.rules();
            int before = report.size();
            for (GroupRule r : rules) {
                groupProblem(params, List.of(r), lambda, rule); // matches nothing: named with the closest names
            }
            for (int i = 0; i < rules.size(); i++) {
                for (int j = i + 1; j < rules.size(); j++) {
                    GroupRule a = rules.get(i);
                    GroupRule b = rules.get(j);
                    long both = params.stream().filter(p -> a.matcher().matches(p) && b.matcher().matches(p)).count();
                    if (both > 0) {
                        groupProblem(params, List.of(a, b), lambda, rule);
                    }
                }
            }
            if (report.size() == before) {
                groupProblem(params, rules, lambda, rule); // anything else GroupPlan refuses
            }
        }

        private void groupProblem(List<ParamInfo> params, List<GroupRule> rules, double lambda, DecayRule rule) {
            try {
                GroupPlan.resolve(params, rules, lambda, rule);
            } catch (IllegalArgumentException e) {
                report.error("groups", "optimizer.groups: " + e.getMessage(), recipeName, 0);
            }
        }

        private void data(TextTokenizer tok) throws IOException {
            Recipe.Data d = recipe.data();
            Path tmp = null;
            try {
                Path train;
                String trainName;
                Path validation = null;
                String validationName = null;
                if (d.train().isBuiltin()) {
                    tmp = Files.createTempDirectory("decaf-validate");
                    List<Path> files = BuiltinData.write(d.train().builtin(), tmp.resolve("train"), BuiltinData.DEFAULT_SEED);
                    train = files.get(0);
                    trainName = builtinName(d.train(), train);
                    if (d.validation() == null) {
                        validation = files.get(1);
                        validationName = builtinName(d.train(), validation);
                    }
                } else {
                    train = d.train().path();
                    trainName = train.toString();
                }
                if (d.validation() != null) {
                    if (d.validation().isBuiltin()) {
                        tmp = tmp != null ? tmp : Files.createTempDirectory("decaf-validate");
                        validation = BuiltinData.write(d.validation().builtin(), tmp.resolve("validation"),
                                BuiltinData.DEFAULT_SEED).get(1);
                        validationName = builtinName(d.validation(), validation);
                    } else {
                        validation = d.validation().path();
                        validationName = validation.toString();
                    }
                }
                int seqLen = scanSeqLen();
                DataScan.Result tr = measure(train, seqLen, tok);
                DataScan.Result vr = validation == null ? null : measure(validation, seqLen, tok);
                int chosen = seqLenChoice(tr, vr);
                if (chosen > 0 && chosen < seqLen && tr.format() == DataFormat.PROMPT_COMPLETION) {
                    // packed rows depend on the length: measure again at the one finetune would use (a
                    // second tokenisation; input_ids lines are one a row whatever the length)
                    tr = measure(train, chosen, tok);
                    vr = validation == null ? null : measure(validation, chosen, tok);
                }
                scanned("train", train, trainName, tr);
                if (vr != null) {
                    scanned("validation", validation, validationName, vr);
                }
                long n = heldOutOf(tr);
                if (vr == null && d.validationFraction() > 0 && n > 0) {
                    long k = Math.max(1, Math.round(d.validationFraction() * n));
                    if (k >= n) {
                        String unit = tr.format() == DataFormat.TEXT ? "sample" : "example";
                        report.error("validation-split", "data.validation_fraction " + d.validationFraction()
                                + " leaves no training " + unit + "s (" + n + " " + unit + (n == 1 ? "" : "s")
                                + " in all)", trainName, 0);
                    }
                }
                fraction(tr, vr == null && d.validationFraction() > 0 ? n - Math.max(1, Math.round(d.validationFraction() * n))
                        : n, trainName);
                weightDecay(tok, train, validation);
                if (vr != null && tr.format() != null && vr.format() != null && tr.format() != vr.format()) {
                    report.add(new Finding("mixed-format", DataScan.Severity.WARNING, "the validation data is "
                            + ValidationReport.formatName(vr.format()) + ", the training data "
                            + ValidationReport.formatName(tr.format()), validationName, 0));
                }
            } catch (IllegalArgumentException e) {
                report.error("data", e.getMessage(), recipeName, 0); // an unknown builtin name
            } finally {
                if (tmp != null) {
                    deleteTree(tmp);
                }
            }
        }

        /**
         * With {@code data.fraction} below 1, a note with the count finetune will train on: {@code
         * max(1, round(f·N))} of the N examples (text: blocks) left after the validation split.
         */
        private void fraction(DataScan.Result train, long pool, String trainName) {
            double f = recipe.data().fraction();
            if (f == 1.0 || pool <= 0 || pool > Integer.MAX_VALUE) {
                return;
            }
            String unit = train.format() == DataFormat.TEXT ? "blocks" : "examples";
            report.add(new Finding("data-fraction", DataScan.Severity.INFO, String.format(Locale.ROOT,
                    "data.fraction %s: trains on %,d of the %,d %s left after the validation split", f,
                    TrainSubset.count((int) pool, f), pool, unit), trainName, 0));
        }

        /**
         * The λ finetune would resolve {@code optimizer.weight_decay} to, as a note: a rule is applied to
         * the training split as finetune makes it (tokenised once more, the token cache in a temporary
         * directory that is deleted), so its samples and tokens are exact. A plain number needs no
         * note; without a tokenizer or data to count, the note says the rule is resolved at the start.
         */
        private void weightDecay(TextTokenizer tok, Path train, Path validation) throws IOException {
            Recipe.WeightDecay wd = recipe.optimizer().weightDecay();
            if (wd.isFixed()) {
                return; // the recipe says λ; finetune prints its timescales
            }
            if (tok == null || config == null || report.errors() > 0) {
                report.add(new Finding("weight-decay", DataScan.Severity.INFO, "optimizer.weight_decay: the rule "
                        + wd.rule().name() + " is resolved when finetune starts, from the model and the tokenised data",
                        recipeName, 0));
                return;
            }
            Path cache = Files.createTempDirectory("decaf-validate-cache");
            try {
                LmDataset data = TrainingData.load(recipe.data(), recipe.train().seed(), train, validation, tok,
                        tokenizerFile, recipe.train().seqLen(), config.maxPositions(), cache);
                long batch = (long) recipe.train().batchSize() * recipe.train().gradAccum();
                LambdaCalculation c;
                try {
                    c = FinetuneSetup.weightDecay(recipe, model.numParameters(), data.stats(), batch, data.seqLen(),
                            FinetuneSetup.steps(recipe, data), false,
                            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                } catch (IllegalArgumentException pinned) {
                    report.add(new Finding("weight-decay", DataScan.Severity.ERROR, pinned.getMessage(), recipeName, 0));
                    return;
                }
                report.add(new Finding("weight-decay", DataScan.Severity.INFO, "optimizer.weight_decay: "
                        + c.summary().substring("weight decay: ".length()) + " (N = " + data.stats().trainSamples()
                        + " samples, D = " + data.stats().trainTokens() + " tokens, " + model.numParameters()
                        + " parameters)", recipeName, 0));
                c.warnings().forEach(w -> report.add(new Finding("weight-decay", DataScan.Severity.WARNING,
                        "optimizer.weight_decay: " + w, recipeName, 0)));
            } catch (IllegalArgumentException e) {
                return; // the data's problems are reported by the scan
            } finally {
                deleteTree(cache);
            }
        }

        /**
         * What {@code data.validation_fraction} holds out of: text blocks, or whole examples (LmDataset
         * holds out examples, which are then packed into rows).
         */
        private long heldOutOf(DataScan.Result train) {
            if (train.format() == null || train.format() == DataFormat.TEXT) {
                return Math.max(train.samples(), 0);
            }
            // examples the run keeps: dropped overlong ones are counted among the scan's examples
            return train.examples() - (recipe.data().overlong() == Overlong.DROP ? train.overlong() : 0);
        }

        /** Without {@code train.seq_len}: the length finetune would choose, as a note; 0 when there is none. */
        private int seqLenChoice(DataScan.Result train, DataScan.Result validation) {
            if (recipe.train().seqLen() != null || config == null || train.format() == null) {
                return 0;
            }
            if (train.format() != DataFormat.TEXT && !train.measured()) {
                report.add(new Finding("seq-len", DataScan.Severity.INFO, "train.seq_len: chosen from the data at the"
                        + " start of finetune, once the tokenizer is trained (at most the model's "
                        + config.maxPositions() + " positions)", recipeName, 0));
                return 0;
            }
            long longest = Math.max(train.longest(), validation == null ? 0 : validation.longest());
            int p = config.maxPositions();
            int chosen = SeqLenChoice.choose(train.format(), longest, p);
            report.add(new Finding("seq-len", DataScan.Severity.INFO, "train." + SeqLenChoice.describe(chosen,
                    train.format(), longest, p, recipe.data().overlong().name()), recipeName, 0));
            return chosen;
        }

        /** The length a scan measures against: the recipe's, or the most finetune could choose. */
        private int scanSeqLen() {
            Integer s = recipe.train().seqLen();
            return s != null ? s : config != null ? config.maxPositions() : Integer.MAX_VALUE - 1;
        }

        private DataScan.Result measure(Path file, int seqLen, TextTokenizer tok) throws IOException {
            Recipe.Data d = recipe.data();
            return DataScan.builder().setFile(file).setSeqLen(seqLen).optTokenizer(tok).optFormat(d.format())
                    .optSkipBadLines(d.skipBadLines()).optOverlong(d.overlong()).optPacking(d.packing())
                    .optTemplate(d.template())
                    .optChatTemplate(TokenizerFiles.holdsMessages(file, d) ? chatTemplate() : null)
                    .build().scan();
        }

        /** Reports a scan: its data line and its problems. */
        private void scanned(String split, Path file, String name, DataScan.Result r) {
            if (r.count(DataScan.Kind.MISSING_FILE) == 0) {
                report.data(split, new ValidationReport.DataCheck(name, r));
            }
            List<DataScan.Issue> issues = r.issues().stream()
                    .sorted(Comparator.comparingInt(i -> i.kind().ordinal())).toList(); // grouped by kind, file order within
            for (int i = 0; i < issues.size(); i++) {
                DataScan.Issue issue = issues.get(i);
                if (issue.kind() == DataScan.Kind.MISSING_FILE && !Files.exists(file)) {
                    continue; // the recipe's file check reported it, with the key and line
                }
                report.add(new Finding(issue.kind().id(), issue.severity(), issue.message(), name, issue.line()));
                boolean lastOfKind = i + 1 == issues.size() || issues.get(i + 1).kind() != issue.kind();
                boolean summarized = issue.severity() == DataScan.Severity.INFO; // one note counts them all
                long more = summarized ? 0
                        : r.count(issue.kind()) - r.issues().stream().filter(x -> x.kind() == issue.kind()).count();
                if (lastOfKind && more > 0) {
                    report.add(new Finding(issue.kind().id(), issue.severity(), String.format(Locale.ROOT,
                            "%,d more %s problems like these (%d shown)", more, issue.kind().id(),
                            DataScan.MAX_EXAMPLES), name, 0));
                }
            }
        }

        /** The chat template finetune would render messages data with; null after reporting why there is none. */
        private ChatTemplate chatTemplate() throws IOException {
            if (chatTemplateRead) {
                return chatTemplate;
            }
            chatTemplateRead = true;
            if (tokenizerFile == null) {
                report.error("chat-template", "the data holds chat 'messages', which need the chat_template of the"
                        + " tokenizer_config.json beside the tokenizer, and there is no tokenizer to read it from",
                        recipeName, 0);
                return null;
            }
            try {
                chatTemplate = TokenizerFiles.chatTemplate(tokenizerFile);
            } catch (IllegalArgumentException e) {
                report.error("chat-template", e.getMessage(), recipeName, 0);
            }
            return chatTemplate;
        }

        private static String builtinName(Recipe.Source source, Path file) {
            return source + "/" + file.getFileName();
        }

        private static void deleteTree(Path dir) throws IOException {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
