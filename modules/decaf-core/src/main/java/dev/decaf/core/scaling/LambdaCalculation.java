package dev.decaf.core.scaling;

import dev.decaf.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a weight decay λ means for a run, whichever rule chose it: the timescales of the EMA view
 * of AdamW (Wang &amp; Aitchison, ICML 2025) and of Power Lines (Bergsma et al., NeurIPS 2025).
 *
 * <ul>
 *   <li>{@code τ_iter = 1/(η·λ)}: the steps the weights average over;
 *   <li>{@code τ_epoch = τ_iter·B/N}: the same in epochs;
 *   <li>{@code τ_tokens = τ_iter·B_tok}: in tokens; Power Lines' {@code τ = B_tok/(η·λ·D_run)} is
 *       the same as a fraction of the run's tokens;
 *   <li>{@code run_fraction = τ_iter/S}: above 1 the average reaches back past the run's start,
 *       and the decay barely acts.
 * </ul>
 *
 * λ = 0 gives infinite timescales ({@code ∞}, JSON {@code null}).
 *
 * @param rule the rule that chose λ
 * @param inputs the run's sizes
 * @param lambda λ
 * @param tauIter τ_iter, steps
 * @param tauEpoch τ_epoch, epochs
 * @param tauTokens τ_iter·B_tok, tokens
 * @param powerLinesTau B_tok/(η·λ·D_run), a fraction of the run's tokens
 * @param runFraction τ_iter/S
 * @param formula the rule's formula with the numbers put in
 * @param warnings what looks wrong, each one line
 */
public record LambdaCalculation(LambdaRule rule, ScalingInputs inputs, double lambda, double tauIter, double tauEpoch,
        double tauTokens, double powerLinesTau, double runFraction, String formula, List<String> warnings) {

    /** Copies the warnings. */
    public LambdaCalculation {
        warnings = List.copyOf(warnings);
    }

    /**
     * Applies a rule to a run.
     *
     * @param rule the rule
     * @param in the run's sizes
     * @return λ and what it means
     */
    public static LambdaCalculation of(LambdaRule rule, ScalingInputs in) {
        double lambda = rule.lambda(in);
        double tauIter = 1 / (in.lr() * lambda); // ∞ for λ = 0
        double tauEpoch = tauIter * in.batchSize() / in.samples();
        double tauTokens = tauIter * in.batchTokens();
        double powerLinesTau = tauTokens / in.runTokens();
        double runFraction = tauIter / in.steps();
        List<String> warnings = new ArrayList<>(rule.warnings(in));
        if (lambda == 0) {
            warnings.add("λ = 0: no weight decay, so the timescales are infinite");
        } else if (runFraction > 1) {
            warnings.add("τ_iter = " + Numbers.fmt(tauIter) + " steps is " + Numbers.fmt(runFraction) + "× the run's "
                    + in.steps() + " steps: the decay barely acts");
        }
        if (lambda * in.lr() >= 1) {
            warnings.add("λ·η = " + Numbers.fmt(lambda * in.lr()) + " ≥ 1: each step would shrink the weights past zero"
                    + " (the decay flips their signs)");
        }
        return new LambdaCalculation(rule, in, lambda, tauIter, tauEpoch, tauTokens, powerLinesTau, runFraction,
                rule.formula(in), warnings);
    }

    /** Returns TPP = D_run/N_params. */
    public double tokensPerParameter() {
        return inputs.tokensPerParameter();
    }

    /**
     * Returns the calculation as a JSON object: {@code lambda}, {@code tau_iter}, {@code tau_epoch},
     * {@code tau_tokens}, {@code power_lines_tau}, {@code run_fraction}, {@code tpp} (null where
     * infinite), {@code rule} and its {@code options}, {@code formula}, {@code warnings} and the
     * {@code inputs} ({@code params}, {@code samples}, {@code tokens}, {@code batch_size}, {@code
     * seq_len}, {@code lr}, {@code epochs}, {@code steps}).
     *
     * @return the object, keys in that order
     */
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("lambda", lambda);
        o.put("tau_iter", finite(tauIter));
        o.put("tau_epoch", finite(tauEpoch));
        o.put("tau_tokens", finite(tauTokens));
        o.put("power_lines_tau", finite(powerLinesTau));
        o.put("run_fraction", finite(runFraction));
        o.put("tpp", finite(tokensPerParameter()));
        o.put("rule", rule.name());
        o.put("options", new LinkedHashMap<String, Object>(rule.options()));
        o.put("formula", formula);
        o.put("warnings", warnings);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("params", inputs.params());
        in.put("samples", inputs.samples());
        in.put("tokens", inputs.tokens());
        in.put("batch_size", inputs.batchSize());
        in.put("seq_len", inputs.seqLen());
        in.put("lr", inputs.lr());
        in.put("epochs", inputs.epochs());
        in.put("steps", inputs.steps());
        o.put("inputs", in);
        return o;
    }

    /** Returns {@link #toJson()} as pretty JSON text (no trailing newline). */
    public String toJsonText() {
        return Json.pretty(toJson());
    }

    /**
     * Returns the short table the command line prints: λ, τ_iter, τ_epoch, Power-Lines τ, the run
     * fraction and TPP, one aligned line each.
     *
     * @return the lines, each ending with a line break
     */
    public String table() {
        String[][] rows = {
            {"λ", Numbers.fmt(lambda), rule.name()},
            {"τ_iter", Numbers.fmt(tauIter), "steps = 1/(η·λ)"},
            {"τ_epoch", Numbers.fmt(tauEpoch), "epochs = τ_iter·B/N"},
            {"Power-Lines τ", Numbers.fmt(powerLinesTau), "of the run's tokens = B_tok/(η·λ·D_run); "
                    + Numbers.fmt(tauTokens) + " tokens"},
            {"run fraction", Numbers.fmt(runFraction), "τ_iter/S, S = " + inputs.steps() + " steps"},
            {"TPP", Numbers.fmt(tokensPerParameter()), "tokens per parameter = D_run/N_params"},
        };
        int w0 = 0;
        int w1 = 0;
        for (String[] r : rows) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, r[1].length());
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.append(String.format(Locale.ROOT, "%-" + w0 + "s  %" + w1 + "s  %s%n", r[0], r[1], r[2]));
        }
        return sb.toString();
    }

    /**
     * Returns the one line a run logs: {@code weight decay: λ = … (ema), τ_iter = … steps, …}.
     *
     * @return the line
     */
    public String summary() {
        return "weight decay: " + formula + (rule instanceof FixedRule ? "" : " (" + rule.name() + ")") + "; τ_iter = "
                + Numbers.fmt(tauIter) + " steps, τ_epoch = " + Numbers.fmt(tauEpoch) + " epochs, τ_iter/steps = "
                + Numbers.fmt(runFraction);
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
