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
        assertEquals(1 + 1 + 13, train.out().lines().count(), train.out()); // header, the section, its 13 keys
        DecafCliTest.Run groups = DecafCliTest.run("recipes", "keys", "optimizer.groups");
        assertTrue(groups.out().contains("optimizer.groups[].match.ndim_at_least"), groups.out());

        DecafCliTest.Run none = DecafCliTest.run("recipes", "keys", "trian");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no recipe key 'trian'"), none.err());
    }
}
