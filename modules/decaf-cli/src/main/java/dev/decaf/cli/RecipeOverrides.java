package dev.decaf.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --set KEY.PATH=VALUE}: recipe overrides, shared by the commands that read a recipe. */
final class RecipeOverrides {

    @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
            description = "Override a recipe key, e.g. train.steps=100 (repeatable; the value is YAML).")
    List<String> values = new ArrayList<>();

    /** Returns the overrides, in command-line order. */
    List<String> values() {
        return values;
    }
}
