package dev.decaf.models.infer;


import ai.djl.ndarray.NDManager;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.sampling.Generation;
import dev.decaf.text.sampling.Sampler;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generation with the golden gpt2-tiny model against a step-by-step reference built on model.forward. */
class GeneratorTest {

    static NDManager manager;
    static DecoderModel model;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        model = ModelDirectory.load(Golden.gpt2Tiny(), manager).model();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Greedy continuation computed independently: full forward, arg max of the last row (ties to the smaller id). */
    static int[] referenceGreedy(int[] prompt, int steps, int window) {
        int[] ctx = prompt.clone();
        int[] out = new int[steps];
        for (int s = 0; s < steps; s++) {
            int[] in = Arrays.copyOfRange(ctx, Math.max(0, ctx.length - window), ctx.length);
            float[][] z = Golden.logits(model, manager, in);
            float[] last = z[z.length - 1];
            int best = 0;
            for (int v = 1; v < last.length; v++) {
                if (last[v] > last[best]) {
                    best = v;
                }
            }
            out[s] = best;
            ctx = Arrays.copyOf(ctx, ctx.length + 1);
            ctx[ctx.length - 1] = best;
        }
        return out;
    }

    @Test
    void greedyGenerationIsTheStepwiseArgmax() {
        int[] prompt = {3, 14, 15, 92, 65, 35};
        int steps = 24;
        Generation.Result r = new Generator(model, manager).withStopIds().generate(prompt, steps, Sampler.greedy());
        assertArrayEquals(referenceGreedy(prompt, steps, 64), r.ids());
        assertArrayEquals(prompt, r.promptIds());
        assertEquals(Generation.Stop.MAX_TOKENS, r.stop());
        assertNull(r.text(), "no tokenizer, no text");
    }

    @Test
    void aLongContextSlidesOverTheLastMaxPositionsIds() {
        int[] prompt = new int[60];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = (i * 37 + 11) % 95;
        }
        int steps = 9; // the context grows to 69 > 64 positions
        Generation.Result r = new Generator(model, manager).withStopIds().generate(prompt, steps, Sampler.greedy());
        assertArrayEquals(referenceGreedy(prompt, steps, 64), r.ids());
    }

    @Test
    void generationStopsAtAStopIdWhichIsNotReturned() {
        int[] prompt = {1, 2, 3, 4};
        int[] all = new Generator(model, manager).withStopIds().generate(prompt, 20, Sampler.greedy()).ids();
        int stopId = all[7];
        int first = 0;
        while (all[first] != stopId) {
            first++;
        }
        Generation.Result r = new Generator(model, manager).withStopIds(stopId).generate(prompt, 20, Sampler.greedy());
        assertArrayEquals(Arrays.copyOf(all, first), r.ids());
        assertEquals(Generation.Stop.END_OF_TEXT, r.stop());
        assertArrayEquals(new int[] {95}, new Generator(model, manager).stopIds(), "config.json eos_token_id");
    }

    @Test
    void seededSamplingIsReproducibleAndAnEmptyPromptStartsAtEndOfText() {
        Generator g = new Generator(model, manager).withStopIds();
        Generation.Result a = g.generate(new int[0], 12, new Sampler(1.0, 20, 0.95, 9));
        Generation.Result b = g.generate(new int[0], 12, new Sampler(1.0, 20, 0.95, 9));
        assertArrayEquals(a.ids(), b.ids());
        assertArrayEquals(new int[] {95}, a.promptIds());
        assertEquals(12, a.ids().length);
        assertTrue(Arrays.stream(a.ids()).allMatch(i -> i >= 0 && i < 96));
        assertEquals(0, g.generate(new int[] {5}, 0, Sampler.greedy()).ids().length);
        assertThrows(IllegalArgumentException.class, () -> g.generate(new int[] {96}, 3, Sampler.greedy()));
        assertThrows(IllegalStateException.class, () -> g.generate("text", 3, Sampler.greedy()));
    }
}
