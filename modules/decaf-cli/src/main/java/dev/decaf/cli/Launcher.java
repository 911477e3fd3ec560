package dev.decaf.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where decaf's own files (recipes/, models/) are: DECAF_HOME (set by the launcher), else the working directory. */
final class Launcher {

    private Launcher() {}

    static Path home() {
        String h = System.getenv("DECAF_HOME");
        if (h != null && Files.isDirectory(Path.of(h, "recipes")) && !Files.isDirectory(Path.of("recipes"))) {
            return Path.of(h);
        }
        return Path.of("");
    }
}
