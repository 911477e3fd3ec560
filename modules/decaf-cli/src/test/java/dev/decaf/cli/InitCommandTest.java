package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.decaf.core.safetensors.DType;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code decaf init}: a loadable, seeded, random model directory with a working tokenizer. */
class InitCommandTest {

    @TempDir
    Path tmp;

    @Test
    void writesALoadableSeededModelWithATokenizer() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        assertEquals(0, DecafCliTest.run("init", "--config", "../../models/llama-tiny.json", "--out", a.toString(), "--seed", "5").code());
        assertEquals(0, DecafCliTest.run("init", "--config", "../../models/llama-tiny.json", "--out", b.toString(), "--seed", "5").code());
        assertEquals(0, DecafCliTest.run("init", "--config", "../../models/llama-tiny.json", "--out", c.toString(), "--seed", "6",
                "--dtype", "bf16").code());
        assertArrayEquals(Files.readAllBytes(a.resolve("model.safetensors")), Files.readAllBytes(b.resolve("model.safetensors")),
                "same seed, same weights");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelDirectory.Loaded la = ModelDirectory.load(a, manager);
            ModelDirectory.Loaded lc = ModelDirectory.load(c, manager);
            assertEquals(DType.F32, la.dtype());
            assertEquals(DType.BF16, lc.dtype());
            float[] wa = la.model().parameters().get("model.layers.0.self_attn.q_proj.weight").getArray().toFloatArray();
            float[] wc = lc.model().parameters().get("model.layers.0.self_attn.q_proj.weight").getArray().toFloatArray();
            assertFalse(java.util.Arrays.equals(wa, wc), "another seed, other weights");
            double sq = 0;
            for (float f : wa) {
                sq += f * f;
            }
            assertEquals(0.02, Math.sqrt(sq / wa.length), 0.004, "N(0, 0.02) initialisation");
        }
        try (TextTokenizer t = TextTokenizer.load(a)) {
            String text = "Fine-tune on the JVM — ünïcödé ✓";
            assertEquals(text, t.decode(t.encode(text)));
            assertEquals(257, t.vocabSize());
        }
    }

    @Test
    void badConfigsAreOneLineErrorsWithExitTwo() {
        DecafCliTest.Run missing = DecafCliTest.run("init", "--config", tmp.resolve("nope.json").toString(), "--out",
                tmp.resolve("x").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.json: no such file or directory"), missing.err());
        assertFalse(Files.exists(tmp.resolve("x")), "no output directory on failure");

        DecafCliTest.Run dtype = DecafCliTest.run("init", "--config", "../../models/gpt2-tiny.json", "--out",
                tmp.resolve("y").toString(), "--dtype", "int8");
        assertEquals(2, dtype.code());
        assertTrue(dtype.err().contains("--dtype must be f32, bf16 or f16, got 'int8'"), dtype.err());
    }
}
