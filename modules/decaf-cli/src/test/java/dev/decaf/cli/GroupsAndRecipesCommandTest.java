package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.train.recipe.RecipeKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code decaf groups} and {@code decaf recipes} on the shipped model and recipes. */
class GroupsAndRecipesCommandTest {

    @TempDir
    Path tmp;

    @Test
    void groupsOfTheQuickstartRecipeCountEveryParameterOnce() {
        DecafCliTest.Run r = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                "../../recipes/quickstart.yaml");
        assertEquals(0, r.code(), r.err());
        // 4 layers × (q 192·192 + k, v 96·192 + o 192·192 + gate, up, down 512·192) = 1,622,016
        assertTrue(r.out().matches("(?s).*hidden\\s+28\\s+1,622,016\\s+0\\.1\\s+corrected.*"), r.out());
        // the tied 1024×192 token embedding: plain decoupled decay
        assertTrue(r.out().matches("(?s).*embeddings\\s+1\\s+196,608\\s+0\\.1\\s+decoupled.*"), r.out());
        // 2 RMSNorm gains per layer and the final one: 9 × 192
        assertTrue(r.out().matches("(?s).*no_decay\\s+9\\s+1,728\\s+0 \\(none\\).*"), r.out());
        assertTrue(r.out().matches("(?s).*total\\s+38\\s+1,820,352.*"), r.out());
        assertTrue(r.out().startsWith("AdamC: decay θ ← θ·(1 − λ·γ_t²/γ_max)"), r.out());

        DecafCliTest.Run preset = DecafCliTest.run("groups", "--model", "../../models/gpt2-small.json");
        assertEquals(0, preset.code(), preset.err());
        assertTrue(preset.out().matches("(?s).*total\\s+148\\s+124,439,808.*"), preset.out());
    }

    /** Writes a recipe for models/quickstart-base with the given optimizer.groups and train lines. */
    Path recipe(String name, String groups, String train) throws Exception {
        Path model = Path.of("../../models/quickstart-base").toAbsolutePath().normalize();
        return Files.writeString(tmp.resolve(name), "model: " + model + "\n"
                + "data:\n  train: builtin:category\n  format: prompt-completion\n"
                + "optimizer:\n  name: adamc\n  lr: 2.0e-3\n  weight_decay: 0.1\n  groups:" + groups + "\n"
                + "schedule:\n  warmup_steps: 30\n  decay: cosine\n  min_lr_ratio: 0.1\n"
                + "train:\n" + train + "\n  seq_len: 64\nout: runs/x\n");
    }

    static String line(String out, String start) {
        return out.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(
                "no line starting '" + start + "' in:\n" + out));
    }

    @Test
    void cautiousDecayShowsItsRuleAndMask() throws Exception {
        // adamw-cautious: every decayed group inherits the cautious rule, printed with its mask
        Path all = Files.writeString(tmp.resolve("cautious.yaml"), Files.readString(recipe("c.yaml", " llm", "  steps: 100"))
                .replace("name: adamc", "name: adamw-cautious"));
        DecafCliTest.Run run = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe", all.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("CautiousAdamW: decay θ ← θ·(1 − γ_t·λ) where m_t·θ ≥ 0 (cautious), λ=0.1;"),
                run.out());
        assertTrue(line(run.out(), "hidden ").matches("hidden\\s+28\\s+1,622,016\\s+0\\.1\\s+cautious.*"), run.out());
        assertTrue(line(run.out(), "no_decay ").matches("no_decay\\s+9\\s+1,728\\s+0 \\(none\\)\\s+-.*"), run.out());
        // one group of an AdamC run made cautious: the others keep AdamC's rule
        Path one = recipe("one.yaml", "\n    - name: embed\n      match: {kind: [embedding]}\n      rule: cautious",
                "  steps: 100");
        DecafCliTest.Run mixed = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                one.toString());
        assertEquals(0, mixed.code(), mixed.err());
        assertTrue(line(mixed.out(), "embed ").matches("embed\\s+1\\s+196,608\\s+0\\.1\\s+cautious\\s+1.*"), mixed.out());
        assertTrue(line(mixed.out(), "default ").matches("default\\s+28\\s+1,622,016\\s+0\\.1\\s+corrected.*"),
                mixed.out());
    }

    @Test
    void aCustomGroupListDoesNotDecayTheNormsItLeavesOut() throws Exception {
        // only the embedding is named: the 28 hidden matrices decay as the optimizer says, the 9
        // RMSNorm gains (9 × 192 = 1,728) do not decay at all
        Path r = recipe("embed-only.yaml", "\n    - name: embed\n      match: {kind: [embedding]}\n      rule: decoupled",
                "  steps: 100");
        DecafCliTest.Run run = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                r.toString(), "--names");
        assertEquals(0, run.code(), run.err());
        assertTrue(line(run.out(), "embed ").matches("embed\\s+1\\s+196,608\\s+0\\.1\\s+decoupled\\s+1\\s+kind=embedding"),
                run.out());
        assertTrue(line(run.out(), "default ").matches(
                "default\\s+28\\s+1,622,016\\s+0\\.1\\s+corrected\\s+1\\s+unmatched: not \\(kind=bias\\|norm or ndim<2\\)"),
                run.out());
        assertTrue(line(run.out(), "default_no_decay ").matches(
                "default_no_decay\\s+9\\s+1,728\\s+0 \\(none\\)\\s+-\\s+1\\s+unmatched: kind=bias\\|norm or ndim<2"),
                run.out());
        assertTrue(line(run.out(), "total ").matches("total\\s+38\\s+1,820,352"), run.out());
        // --names: one line per tensor, every norm gain in default_no_decay with λ = 0
        assertTrue(line(run.out(), "model.norm.weight ").matches(
                "model\\.norm\\.weight\\s+\\[192\\]\\s+192\\s+norm\\s+default_no_decay\\s+0 \\(none\\)\\s+-\\s+1"), run.out());
        assertTrue(line(run.out(), "model.layers.3.mlp.down_proj.weight ").matches(
                "\\S+\\s+\\[192x512\\]\\s+98,304\\s+weight\\s+default\\s+0\\.1\\s+corrected\\s+1"), run.out());
        assertEquals(38, run.out().lines().filter(l -> l.startsWith("model.")).count(), run.out());
        assertEquals(9, run.out().lines().filter(l -> l.startsWith("model.") && l.contains(" default_no_decay ")).count());

        // the llm preset is unchanged: every tensor is claimed, no default groups
        DecafCliTest.Run preset = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--preset", "llm");
        assertEquals(0, preset.code(), preset.err());
        assertTrue(!preset.out().contains("default"), preset.out());
    }

    @Test
    void aGroupThatMatchesNothingNamesTheClosestParameters() throws Exception {
        // GPT-2's attention glob on a Llama, whose attention lives under self_attn
        Path r = recipe("attn.yaml", "\n    - name: attn\n      match: {name_glob: \"*.attn.*\"}", "  steps: 100");
        DecafCliTest.Run run = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                r.toString());
        assertEquals(2, run.code(), run.out());
        assertEquals("", run.out());
        assertTrue(run.err().contains("group 'attn' (name~*.attn.*) matches no parameter; closest parameter names"
                + " contain 'self_attn': model.layers.0.self_attn.q_proj.weight, model.layers.0.self_attn.k_proj.weight,"
                + " model.layers.0.self_attn.v_proj.weight and 13 more"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(!run.err().contains("Exception"), run.err());
    }

    @Test
    void theRecipesScheduleIsShown() throws Exception {
        DecafCliTest.Run q = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                "../../recipes/quickstart.yaml");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("; lr warmup(30)+cosine(peak=0.002, total=1500, min_lr_ratio=0.1), γ_max=0.002;"),
                q.out());
        assertTrue(q.out().contains("\nsteps: 1500 (train.steps)"), q.out());

        DecafCliTest.Run steps = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                "../../recipes/quickstart.yaml", "--steps", "600");
        assertEquals(0, steps.code(), steps.err());
        assertTrue(steps.out().contains("lr warmup(30)+cosine(peak=0.002, total=600, min_lr_ratio=0.1)"), steps.out());
        assertTrue(steps.out().contains("steps: 600 (--steps)"), steps.out());

        // by epochs: the step count needs the data; the schedule is printed with its total open
        Path epochs = recipe("epochs.yaml", " llm", "  epochs: 2");
        DecafCliTest.Run e = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                epochs.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("lr warmup(30)+cosine(peak=0.002, total=?, min_lr_ratio=0.1), γ_max=0.002"), e.out());
        assertTrue(e.out().contains("steps: ? (train.epochs: 2; the count depends on the data,"), e.out());
        assertTrue(e.out().contains("pass --steps N"), e.out());

        DecafCliTest.Run zero = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                "../../recipes/quickstart.yaml", "--steps", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--steps must be >= 1, got 0"), zero.err());
        DecafCliTest.Run short_ = DecafCliTest.run("groups", "--model", "../../models/quickstart-base", "--recipe",
                "../../recipes/quickstart.yaml", "--steps", "20");
        assertEquals(2, short_.code());
        assertTrue(short_.err().contains("20") && !short_.err().contains("Exception"), short_.err());
    }

    @Test
    void recipesListShowAndValidate() throws Exception {
        DecafCliTest.Run list = DecafCliTest.run("recipes", "list", "--dir", "../../recipes");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("quickstart") && list.out().contains("pretrain-quickstart-base"), list.out());

        DecafCliTest.Run ok = DecafCliTest.run("recipes", "validate", "../../recipes/quickstart.yaml");
        assertEquals(0, ok.code(), ok.err());

        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, """
                model: nowhere.json
                data:
                  train: builtin:recall
                optimizer:
                  name: sgd
                  lr: fast
                out: runs/x
                """);
        DecafCliTest.Run v = DecafCliTest.run("recipes", "validate", bad.toString());
        assertEquals(2, v.code());
        assertTrue(v.err().contains("bad.yaml:1: model: no such file or directory"), v.err());
        assertTrue(v.err().contains("bad.yaml:5: optimizer.name:"), v.err());
        assertTrue(v.err().contains("bad.yaml:6: optimizer.lr:"), v.err());
    }

    @Test
    void recipesKeysListsEveryKeyWithItsDefault() {
        DecafCliTest.Run all = DecafCliTest.run("recipes", "keys");
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().startsWith("KEY "), all.out());
        for (RecipeKeys.Row row : RecipeKeys.rows()) {
            assertTrue(all.out().lines().anyMatch(l -> l.startsWith(row.path() + " ") && l.contains(" " + row.defaultValue())
                    && l.endsWith(row.doc())), row.path() + ":\n" + all.out());
        }
        assertTrue(all.out().lines().anyMatch(l -> l.matches("train\\.batch_size\\s+integer\\s+8\\s+>= 1\\s+sequences.*")),
                all.out());

        DecafCliTest.Run train = DecafCliTest.run("recipes", "keys", "train");
        assertEquals(0, train.code(), train.err());
        assertEquals(1 + 1 + 15 + 1 + 2, train.out().lines().count(), train.out()); // header, the section, its 15 keys, early_stop and its 2
        DecafCliTest.Run groups = DecafCliTest.run("recipes", "keys", "optimizer.groups");
        assertTrue(groups.out().contains("optimizer.groups[].match.ndim_at_least"), groups.out());

        DecafCliTest.Run none = DecafCliTest.run("recipes", "keys", "trian");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no recipe key 'trian'"), none.err());
    }
}
