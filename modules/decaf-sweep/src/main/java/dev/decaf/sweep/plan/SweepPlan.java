package dev.decaf.sweep.plan;

import dev.decaf.train.recipe.Problem;
import dev.decaf.train.recipe.Recipe;
import dev.decaf.train.recipe.RecipeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A sweep's trials: the product of its axes (first axis slowest, seeds fastest), each checked by
 * resolving its recipe, so that a bad value or a rule missing its input is reported before any
 * trial starts.
 *
 * @param sweep the sweep file
 * @param trials the trials, in grid order
 */
public record SweepPlan(SweepFile sweep, List<Trial> trials) {

    /** Where a trial's run goes, relative to its directory. */
    public static final String RUN_DIR = "run";

    /** Checks and copies. */
    public SweepPlan {
        trials = List.copyOf(trials);
    }

    /**
     * Plans a sweep: every grid point's recipe is resolved (files checked) and hashed into its id.
     *
     * @param sweep the sweep file
     * @return the plan
     * @throws SweepException with every problem, each named once
     */
    public static SweepPlan of(SweepFile sweep) {
        List<Axis> axes = sweep.axes();
        int n = 1;
        for (Axis a : axes) {
            n = Math.multiplyExact(n, a.values().size());
        }
        Set<Problem> problems = new LinkedHashSet<>();
        List<Trial> trials = new ArrayList<>();
        Map<String, Trial> byId = new HashMap<>();
        // the id must not depend on where the trial writes: every trial is hashed with one out
        String placeholderOut = "out=" + Path.of("trials", "_", RUN_DIR).toAbsolutePath().getRoot().resolve("trial");
        Recipe.Loader loader = Recipe.loader();
        for (int index = 0; index < n; index++) {
            Map<String, String> values = new LinkedHashMap<>();
            List<String> overrides = new ArrayList<>(sweep.sets());
            int rest = index;
            int[] pick = new int[axes.size()];
            for (int a = axes.size() - 1; a >= 0; a--) {
                int size = axes.get(a).values().size();
                pick[a] = rest % size;
                rest /= size;
            }
            for (int a = 0; a < axes.size(); a++) {
                Axis axis = axes.get(a);
                String v = axis.values().get(pick[a]);
                values.put(axis.key(), v);
                overrides.add(axis.recipeKey() + "=" + v);
            }
            List<String> resolving = new ArrayList<>(overrides);
            resolving.add(placeholderOut);
            Optional<String> hash = resolve(loader.overrides(resolving), sweep, values, problems);
            if (hash.isEmpty()) {
                continue;
            }
            String id = hash.get().substring(0, 12);
            Trial t = new Trial(index, id, values, overrides);
            Trial same = byId.putIfAbsent(id, t);
            if (same != null) {
                problems.add(new Problem(sweep.source().toString(), 0, "grid", "trials " + same.describe() + " and "
                        + t.describe() + " resolve to the same recipe"));
                continue;
            }
            trials.add(t);
        }
        if (!problems.isEmpty()) {
            throw new SweepException(List.copyOf(problems));
        }
        return new SweepPlan(sweep, trials);
    }

    /** Resolves one trial's recipe; its problems are added, named by the axis value that caused them. */
    private static Optional<String> resolve(Recipe.Loader loader, SweepFile sweep, Map<String, String> values,
            Set<Problem> problems) {
        try {
            Recipe r = loader.load(sweep.base());
            Recipe.WeightDecay wd = r.optimizer().weightDecay();
            if (!wd.isFixed() && wd.isResolved()) {
                // a run's recipe.yaml as the base: its pinned λ would override every trial's rule
                problems.add(new Problem(sweep.base().toString(), 0, "optimizer.weight_decay.lambda", "pins λ = "
                        + wd.resolved() + " beside the rule " + wd.rule().name() + ": every trial would keep it; drop"
                        + " lambda (finetune writes it into a run's recipe.yaml for --resume)"));
                return Optional.empty();
            }
            return Optional.of(r.hash());
        } catch (RecipeException e) {
            for (Problem p : e.problems()) {
                problems.add(named(p, sweep, values));
            }
            return Optional.empty();
        }
    }

    /** A problem of an axis override, told as the sweep file's grid value; others as they are. */
    private static Problem named(Problem p, SweepFile sweep, Map<String, String> values) {
        for (Axis axis : sweep.axes()) {
            String origin = "--set " + axis.recipeKey() + "=" + values.get(axis.key());
            if (p.file().equals(origin)) {
                String where = axis.key().equals(Axis.SEED) ? "seeds" : "grid." + axis.key();
                String key = p.keyPath().isEmpty() || p.keyPath().equals(axis.recipeKey()) ? "" : p.keyPath() + ": ";
                return new Problem(sweep.source().toString(), 0, where, values.get(axis.key()) + ": " + key + p.message());
            }
        }
        return p;
    }

    /**
     * Returns the trials of one shard.
     *
     * @param shard the slice
     * @return the trials whose index ≡ shard.index (mod shard.count)
     */
    public List<Trial> slice(Shard shard) {
        return trials.stream().filter(t -> t.index() % shard.count() == shard.index()).toList();
    }

    /**
     * Returns a trial's directory.
     *
     * @param t the trial
     * @return {@code OUT/trials/ID}
     */
    public Path trialDir(Trial t) {
        return sweep.out().resolve("trials").resolve(t.id());
    }
}
