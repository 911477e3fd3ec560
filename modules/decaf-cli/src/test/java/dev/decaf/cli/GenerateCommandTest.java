package dev.decaf.cli;


import ai.djl.ndarray.NDManager;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Generator;
import dev.decaf.text.sampling.Generation;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code decaf generate} on a model made by {@code decaf init}. */
class GenerateCommandTest {

    @TempDir
    static Path tmp;

    static Path model;

    @BeforeAll
    static void init() {
        model = DecafCliTest.initTinyModel(tmp.resolve("tiny"), 4);
    }

    @Test
    void greedyPrintsTheGeneratorsText() throws Exception {
        DecafCliTest.Run r = InferCli.run("generate", "--model", model.toString(), "--prompt", "Hello", "--temperature", "0",
                "--max-tokens", "12");
        assertEquals(0, r.code(), r.err());
        String expected;
        try (NDManager manager = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(model)) {
            var loaded = ModelDirectory.load(model, manager);
            Generation.Result g = new Generator(loaded.model(), tok, manager).generate("Hello", 12, Sampler.greedy());
            assertTrue(g.ids().length <= 12);
            assertTrue(java.util.Arrays.stream(g.ids()).allMatch(i -> i < 257), "only ids the tokenizer can decode");
            expected = g.text();
        }
        assertEquals(expected + System.lineSeparator(), r.out());
    }

    @Test
    void theSameSeedGivesTheSameText() {
        String[] args = {"generate", "--model", model.toString(), "--prompt", "The", "--max-tokens", "16",
            "--temperature", "1.2", "--top-k", "100", "--top-p", "0.98", "--seed", "11"};
        DecafCliTest.Run a = InferCli.run(args);
        DecafCliTest.Run b = InferCli.run(args);
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        // a random 512-row model over a 257-token tokenizer: other seeds give other text
        boolean differs = false;
        for (int seed = 12; seed < 16 && !differs; seed++) {
            args[args.length - 1] = String.valueOf(seed);
            differs = !InferCli.run(args).out().equals(a.out());
        }
        assertTrue(differs, "another seed, another text");
        assertNotEquals("", a.out());
    }

    @Test
    void theKvCacheAndTheFullPassPrintTheSameText() {
        for (String[] sampling : new String[][] {{"--temperature", "0"}, {"--temperature", "1.0", "--seed", "3"}}) {
            List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--prompt", "The sea",
                    "--max-tokens", "40"));
            args.addAll(List.of(sampling));
            DecafCliTest.Run cached = InferCli.run(args.toArray(String[]::new));
            args.add("--no-kv-cache");
            DecafCliTest.Run full = InferCli.run(args.toArray(String[]::new));
            assertEquals(0, cached.code(), cached.err());
            assertEquals(0, full.code(), full.err());
            assertTrue(cached.out().strip().length() > 0, "some text: " + List.of(sampling));
            assertEquals(full.out(), cached.out(), List.of(sampling).toString());
        }
    }

    @Test
    void aPromptLongerThanTheModelsPositionsIsCutWithANote() {
        // the byte-level tokenizer: one token per ASCII character; gpt2-tiny has 64 positions
        DecafCliTest.Run r = InferCli.run("generate", "--model", model.toString(), "--prompt", "x".repeat(100),
                "--temperature", "0", "--max-tokens", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("decaf: note: the prompt is 100 tokens; " + model + " has 64 positions, so it saw only the prompt's"
                + " last 64 tokens", r.err().strip());
        DecafCliTest.Run fits = InferCli.run("generate", "--model", model.toString(), "--prompt", "x".repeat(64),
                "--temperature", "0", "--max-tokens", "3");
        assertEquals(0, fits.code(), fits.err());
        assertTrue(fits.err().isEmpty(), "no note when the prompt fits: " + fits.err());
    }

    @Test
    void badNumbersAreOneLineErrorsWithExitTwo() {
        String m = model.toString();
        DecafCliTest.Run topP = InferCli.run("generate", "--model", m, "--prompt", "x", "--top-p", "0");
        assertEquals(2, topP.code());
        assertTrue(topP.err().contains("--top-p must be in (0, 1], got 0.0"), topP.err());
        DecafCliTest.Run temp = InferCli.run("generate", "--model", m, "--prompt", "x", "--temperature", "-1");
        assertEquals(2, temp.code());
        assertTrue(temp.err().contains("--temperature must be finite and >= 0, got -1.0"), temp.err());
        DecafCliTest.Run topK = InferCli.run("generate", "--model", m, "--prompt", "x", "--top-k", "-3");
        assertEquals(2, topK.code());
        assertTrue(topK.err().contains("--top-k must be >= 0"), topK.err());
        DecafCliTest.Run max = InferCli.run("generate", "--model", m, "--prompt", "x", "--max-tokens", "ten");
        assertEquals(2, max.code());
        assertTrue(max.err().contains("'ten'"), max.err());
        DecafCliTest.Run dir = InferCli.run("generate", "--model", tmp.resolve("none").toString(), "--prompt", "x");
        assertEquals(2, dir.code());
        assertTrue(dir.err().contains("none: no such directory"), dir.err());
        DecafCliTest.Run noPrompt = InferCli.run("generate", "--model", m);
        assertEquals(2, noPrompt.code());
        assertTrue(noPrompt.err().contains("--prompt"), noPrompt.err());
        DecafCliTest.Run help = InferCli.run("generate", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("./decaf generate --model"), help.out());
    }
}
