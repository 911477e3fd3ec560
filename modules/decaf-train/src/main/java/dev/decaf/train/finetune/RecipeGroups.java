package dev.decaf.train.finetune;

import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.train.recipe.Recipe;

/** A recipe's {@code optimizer.groups} for a model: a preset, or the recipe's own list of rules. */
public final class RecipeGroups {

    private RecipeGroups() {}

    /**
     * Returns the recipe's groups for a model.
     *
     * @param recipe the recipe
     * @param model the model
     * @return the groups
     */
    public static ParamGroups of(Recipe recipe, DecoderModel model) {
        Recipe.Groups g = recipe.optimizer().groups();
        if (g.isPreset()) {
            return model.groups().preset(g.preset().recipeName()).build();
        }
        ParamGroups.Builder b = model.groups();
        g.list().forEach(group -> b.add(group.toGroupRule()));
        return b.build();
    }
}
