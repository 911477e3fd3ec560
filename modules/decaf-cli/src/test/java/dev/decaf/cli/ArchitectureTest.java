package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout of ../shared/DESIGN.md, checked on the sources of every module: each module imports
 * only the modules below it (core ← text ← models, core ← djl ← models ← train ← sweep ← cli), the
 * engine-free modules import no tensor engine, and no two packages import each other, directly
 * or around a cycle.
 */
class ArchitectureTest {

    /** Which decaf modules each module's main code may import (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("decaf-core", Set.of()),
            Map.entry("decaf-text", Set.of("decaf-core")),
            Map.entry("decaf-djl", Set.of("decaf-core")),
            Map.entry("decaf-models", Set.of("decaf-core", "decaf-text", "decaf-djl")),
            Map.entry("decaf-train", Set.of("decaf-core", "decaf-text", "decaf-djl", "decaf-models")),
            Map.entry("decaf-sweep", Set.of("decaf-core", "decaf-text", "decaf-djl", "decaf-models", "decaf-train")),
            Map.entry("decaf-tensorflow", Set.of("decaf-core")),
            Map.entry("decaf-onnx", Set.of("decaf-core", "decaf-text")),
            Map.entry("decaf-bench", Set.of("decaf-core", "decaf-text", "decaf-djl", "decaf-models", "decaf-train", "decaf-sweep")),
            Map.entry("decaf-cli", Set.of("decaf-core", "decaf-text", "decaf-djl", "decaf-models", "decaf-train", "decaf-sweep",
                    "decaf-bench", "decaf-onnx")),
            // an example under examples/: it may use any library module, and none may use it
            Map.entry("decaf-service", Set.of("decaf-core", "decaf-text", "decaf-djl", "decaf-models", "decaf-train")));

    /** The modules that live under examples/ rather than modules/. */
    private static final Set<String> EXAMPLES = Set.of("decaf-service");
    /** Modules with a pom and no Java of their own: the BOM, and the consumer fixture (its Java is a separate project). */
    private static final Set<String> POM_ONLY = Set.of("decaf-bom", "decaf-consumer-it");

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(dev\\.decaf(?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern ENGINE = Pattern.compile("^(ai\\.djl\\.(ndarray|nn|training|pytorch|engine)|org\\.tensorflow|ai\\.onnxruntime)\\b");

    /** package → the decaf packages its main sources import. */
    private static final Map<String, Set<String>> IMPORTS = new TreeMap<>();
    /** package → the module it lives in. */
    private static final Map<String, String> MODULE = new HashMap<>();
    /** module → every import of its main sources (third-party too). */
    private static final Map<String, Set<String>> ALL_IMPORTS = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        Path modules = Path.of("..");
        for (String module : ALLOWED.keySet()) {
            Path src = (EXAMPLES.contains(module) ? Path.of("../../examples") : modules).resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(src), "no " + src);
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(f);
                    Matcher pm = PACKAGE.matcher(text);
                    assertTrue(pm.find(), f + " has no package");
                    String pkg = pm.group(1);
                    MODULE.put(pkg, module);
                    Set<String> deps = IMPORTS.computeIfAbsent(pkg, k -> new TreeSet<>());
                    Matcher im = IMPORT.matcher(text);
                    while (im.find()) {
                        String imported = im.group(1);
                        ALL_IMPORTS.computeIfAbsent(module, k -> new TreeSet<>()).add(imported);
                        // an import of a nested type names its outer class: keep only the package part
                        String p = packageOf(imported);
                        if (p.startsWith("dev.decaf.") && !p.equals(pkg)) {
                            deps.add(p);
                        }
                    }
                    // fully qualified names in code count as imports too
                    Matcher qm = QUALIFIED.matcher(text.substring(pm.end()).replaceAll("(?m)^import .*$", ""));
                    while (qm.find()) {
                        if (!qm.group(1).equals(pkg)) {
                            deps.add(qm.group(1));
                        }
                    }
                }
            }
        }
    }

    private static String packageOf(String name) {
        String[] parts = name.split("\\.");
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            if (Character.isUpperCase(part.charAt(0))) {
                break;
            }
            b.append(b.length() == 0 ? "" : ".").append(part);
        }
        return b.toString();
    }

    @Test
    void modulesImportOnlyTheModulesBelowThem() {
        List<String> wrong = new ArrayList<>();
        IMPORTS.forEach((pkg, deps) -> {
            String module = MODULE.get(pkg);
            for (String d : deps) {
                String target = MODULE.get(d);
                if (target == null) {
                    wrong.add(pkg + " imports " + d + ", which no module has");
                } else if (!target.equals(module) && !ALLOWED.get(module).contains(target)) {
                    wrong.add(module + ": " + pkg + " imports " + d + " (" + target + ")");
                }
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void engineFreeModulesImportNoTensorEngine() {
        List<String> wrong = new ArrayList<>();
        for (String module : List.of("decaf-core", "decaf-text")) {
            for (String imported : ALL_IMPORTS.getOrDefault(module, Set.of())) {
                if (ENGINE.matcher(imported).find()) {
                    wrong.add(module + " imports " + imported);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(ALL_IMPORTS.get("decaf-core").stream().noneMatch(i -> i.startsWith("com.fasterxml")
                || i.startsWith("org.snakeyaml")), "decaf-core depends on nothing beyond slf4j");
    }

    @Test
    void readmeLayoutNamesEveryModuleOfTheBuild() throws IOException {
        String readme = Files.readString(Path.of("../../README.md"));
        int start = readme.indexOf("## Layout");
        assertTrue(start >= 0, "README.md has no Layout section");
        String layout = readme.substring(start, readme.indexOf("\n## ", start + 1) < 0 ? readme.length()
                : readme.indexOf("\n## ", start + 1));
        Set<String> listed = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^(?:modules|examples)/(decaf-[\\w-]+)\\s").matcher(layout);
        while (m.find()) {
            listed.add(m.group(1));
        }
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(Path.of(".."))) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).forEach(d -> onDisk.add(d.getFileName().toString()));
        }
        try (Stream<Path> dirs = Files.list(Path.of("../../examples"))) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).forEach(d -> onDisk.add(d.getFileName().toString()));
        }
        Set<String> inPom = new TreeSet<>();
        Matcher pm = Pattern.compile("<module>(?:modules|examples)/([\\w-]+)</module>").matcher(Files.readString(Path.of("../../pom.xml")));
        while (pm.find()) {
            inPom.add(pm.group(1));
        }
        assertEquals(onDisk, listed, "README Layout vs modules/ and examples/");
        assertEquals(onDisk, inPom, "pom.xml modules vs modules/ and examples/");
        Set<String> known = new TreeSet<>(ALLOWED.keySet());
        known.addAll(POM_ONLY);
        assertEquals(onDisk, known, "this test's module list vs modules/ and examples/");
    }

    @Test
    void noImportCyclesBetweenPackages() {
        // Tarjan's strongly connected components: any component of more than one package is a cycle
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> cycles = new ArrayList<>();
        int[] counter = {0};
        for (String p : IMPORTS.keySet()) {
            if (!index.containsKey(p)) {
                strongConnect(p, index, low, stack, onStack, cycles, counter);
            }
        }
        assertEquals(List.of(), cycles);
        assertTrue(IMPORTS.size() > 20, "read " + IMPORTS.size() + " packages");
    }

    private static void strongConnect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, List<Set<String>> cycles, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : IMPORTS.getOrDefault(v, Set.of())) {
            if (!IMPORTS.containsKey(w)) {
                continue;
            }
            if (!index.containsKey(w)) {
                strongConnect(w, index, low, stack, onStack, cycles, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
    }
}
