package dev.decaf.train.recipe;

import dev.decaf.core.groups.LayerKind;
import dev.decaf.train.recipe.Recipe.Group;
import dev.decaf.train.recipe.Recipe.Match;
import dev.decaf.train.recipe.Recipe.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes a resolved recipe as YAML: every key in schema order, block style with two-space indents,
 * short lists and group matches in flow style, strings quoted only when YAML would read them as
 * something else. The text is canonical: equal recipes give identical text (the recipe hash).
 */
final class RecipeYaml {

    private RecipeYaml() {}

    private static final Pattern PLAIN_BLOCK = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./:@+=~-]*");
    private static final Pattern PLAIN_FLOW = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./@+=~-]*");

    /** Words that YAML 1.1 readers (PyYAML, snakeyaml 1.x) take for booleans: quoted for them. */
    private static final java.util.Set<String> YAML11_WORDS = java.util.Set.of("yes", "no", "on", "off", "y", "n");

    static String write(Recipe r) {
        StringBuilder sb = new StringBuilder();
        line(sb, 0, "model", source(r.model()));
        line(sb, 0, "tokenizer", source(r.tokenizer()));
        sb.append("data:\n");
        line(sb, 1, "train", source(r.data().train()));
        line(sb, 1, "validation", source(r.data().validation()));
        line(sb, 1, "validation_fraction", num(r.data().validationFraction()));
        line(sb, 1, "format", r.data().format().recipeName());
        line(sb, 1, "skip_bad_lines", Boolean.toString(r.data().skipBadLines()));
        sb.append("optimizer:\n");
        var o = r.optimizer();
        line(sb, 1, "name", o.name().recipeName());
        line(sb, 1, "lr", num(o.lr()));
        line(sb, 1, "betas", "[" + num(o.beta1()) + ", " + num(o.beta2()) + "]");
        line(sb, 1, "eps", num(o.eps()));
        line(sb, 1, "weight_decay", num(o.weightDecay()));
        if (o.groups().isPreset()) {
            line(sb, 1, "groups", o.groups().preset().recipeName());
        } else {
            sb.append("  groups:\n");
            for (Group g : o.groups().list()) {
                sb.append("    - name: ").append(str(g.name(), false)).append('\n');
                line(sb, 3, "match", match(g.match()));
                line(sb, 3, "weight_decay", num(g.weightDecay()));
                line(sb, 3, "rule", g.rule().recipeName());
                line(sb, 3, "lr_scale", num(g.lrScale()));
            }
        }
        sb.append("schedule:\n");
        var s = r.schedule();
        line(sb, 1, "warmup_steps", Long.toString(s.warmupSteps()));
        line(sb, 1, "decay", s.decay().recipeName());
        line(sb, 1, "min_lr_ratio", num(s.minLrRatio()));
        line(sb, 1, "decay_steps", s.decaySteps() == null ? "null" : s.decaySteps().toString());
        sb.append("train:\n");
        var t = r.train();
        line(sb, 1, "steps", t.steps() == null ? "null" : t.steps().toString());
        line(sb, 1, "epochs", t.epochs() == null ? "null" : t.epochs().toString());
        line(sb, 1, "batch_size", Integer.toString(t.batchSize()));
        line(sb, 1, "seq_len", Integer.toString(t.seqLen()));
        line(sb, 1, "grad_accum", Integer.toString(t.gradAccum()));
        line(sb, 1, "clip_norm", num(t.clipNorm()));
        line(sb, 1, "seed", Long.toString(t.seed()));
        line(sb, 1, "log_every", Integer.toString(t.logEvery()));
        line(sb, 1, "eval_every", Integer.toString(t.evalEvery()));
        line(sb, 1, "eval_batches", Integer.toString(t.evalBatches()));
        line(sb, 1, "checkpoint_every", Integer.toString(t.checkpointEvery()));
        line(sb, 1, "keep_checkpoints", Integer.toString(t.keepCheckpoints()));
        line(sb, 1, "max_bad_steps", Integer.toString(t.maxBadSteps()));
        line(sb, 0, "task", r.task() == null ? "null" : str(r.task(), false));
        sb.append("generate:\n");
        var g = r.generate();
        if (g.prompts().isEmpty()) {
            line(sb, 1, "prompts", "[]");
        } else {
            sb.append("  prompts:\n");
            for (String p : g.prompts()) {
                sb.append("    - ").append(str(p, false)).append('\n');
            }
        }
        line(sb, 1, "max_tokens", Integer.toString(g.maxTokens()));
        line(sb, 1, "temperature", num(g.temperature()));
        line(sb, 0, "out", str(r.out().toString(), false));
        return sb.toString();
    }

    private static void line(StringBuilder sb, int level, String key, String value) {
        sb.append("  ".repeat(level)).append(key).append(": ").append(value).append('\n');
    }

    private static String source(Source s) {
        return s == null ? "null" : str(s.toString(), false);
    }

    private static String match(Match m) {
        List<String> parts = new ArrayList<>();
        if (!m.kinds().isEmpty()) {
            parts.add("kind: [" + String.join(", ", m.kinds().stream()
                    .map((LayerKind k) -> k.name().toLowerCase(Locale.ROOT)).toList()) + "]");
        }
        if (m.nameGlob() != null) {
            parts.add("name_glob: " + str(m.nameGlob(), true));
        }
        if (m.nameRegex() != null) {
            parts.add("name_regex: " + str(m.nameRegex(), true));
        }
        if (!m.names().isEmpty()) {
            parts.add("names: [" + String.join(", ", m.names().stream().map(n -> str(n, true)).toList()) + "]");
        }
        if (m.ndimBelow() != null) {
            parts.add("ndim_below: " + m.ndimBelow());
        }
        if (m.ndimAtLeast() != null) {
            parts.add("ndim_at_least: " + m.ndimAtLeast());
        }
        return "{" + String.join(", ", parts) + "}";
    }

    /** Formats a double so that it reads back as the same float ({@code 3.0e-4}, {@code 0.1}). */
    static String num(double x) {
        if (x == 0) {
            return "0.0";
        }
        return Double.toString(x).replace('E', 'e');
    }

    /**
     * Writes a string plain when YAML reads it back as the same string, else double-quoted.
     *
     * @param s the string
     * @param flow whether it appears inside a flow collection
     * @return the YAML scalar
     */
    static String str(String s, boolean flow) {
        if ((flow ? PLAIN_FLOW : PLAIN_BLOCK).matcher(s).matches() && !s.endsWith(":")
                && YamlTree.plainKind(s) == YamlTree.Kind.STR && !YAML11_WORDS.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
                            || c == '\ufeff' || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
