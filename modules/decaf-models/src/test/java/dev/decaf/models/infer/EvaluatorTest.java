package dev.decaf.models.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.decaf.text.data.DataException;
import dev.decaf.text.data.Overlong;
import dev.decaf.text.template.PromptTemplate;
import dev.decaf.text.data.LmDataset;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loss and perplexity on the golden gpt2-tiny model against log-softmax by hand in double. */
class EvaluatorTest {

    static NDManager manager;
    static DecoderModel model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        model = ModelDirectory.load(Golden.gpt2Tiny(), manager).model();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Σ over positions j with weight m[j] ≠ 0 of −log softmax(z_j)[ids[j+1]], in double; {sum, count}. */
    static double[] referenceNll(int[] ids, float[] mask) {
        float[][] z = Golden.logits(model, manager, Arrays.copyOf(ids, ids.length - 1));
        double sum = 0;
        double count = 0;
        for (int j = 0; j < z.length; j++) {
            if (mask != null && mask[j] == 0) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z[j]) {
                max = Math.max(max, v);
            }
            double s = 0;
            for (float v : z[j]) {
                s += Math.exp(v - max);
            }
            double logSoftmax = z[j][ids[j + 1]] - max - Math.log(s);
            sum -= logSoftmax;
            count++;
        }
        return new double[] {sum, count};
    }

    static List<int[]> randomSequences(long seed, int... lengths) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int n : lengths) {
            out.add(r.ints(n, 0, 96).toArray());
        }
        return out;
    }

    static Path writeIds(Path file, List<int[]> seqs) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int[] s : seqs) {
            lines.add("{\"input_ids\": " + Arrays.toString(s) + "}");
            lines.add(""); // blank lines are skipped
        }
        return Files.write(file, lines);
    }

    @Test
    void lossOverAnInputIdsFileIsTheClosedFormMeanNll() throws IOException {
        List<int[]> seqs = randomSequences(1, 9, 2, 33, 17, 65, 5);
        Path file = writeIds(tmp.resolve("ids.jsonl"), seqs);
        double sum = 0;
        long count = 0;
        for (int[] s : seqs) {
            double[] r = referenceNll(s, null);
            sum += r[0];
            count += (long) r[1];
        }
        double want = sum / count;
        Evaluator ev = new Evaluator(model, manager);
        Evaluator.Result res = ev.evaluate(file, null, null, 4, 0);
        assertEquals(8 + 1 + 32 + 16 + 64 + 4, res.tokens());
        assertEquals(count, res.tokens());
        assertEquals(6, res.sequences());
        assertEquals(want, res.loss(), 1e-5);
        assertEquals(Math.exp(res.loss()), res.perplexity(), 1e-12);
        assertTrue(res.loss() > 3 && res.loss() < 6, "a random model is near ln 96 = 4.56: " + res.loss());
        System.out.printf("golden gpt2-tiny: loss %.7f (reference %.7f), perplexity %.4f over %d tokens%n",
                res.loss(), want, res.perplexity(), res.tokens());
    }

    @Test
    void paddingDoesNotChangeTheResult() {
        List<int[]> seqs = randomSequences(2, 3, 40, 11, 64, 2, 25, 7);
        Evaluator ev = new Evaluator(model, manager);
        Evaluator.Result one = ev.evaluateSequences(seqs, 1);
        for (int batch : new int[] {2, 3, 7, 100}) {
            Evaluator.Result padded = ev.evaluateSequences(seqs, batch);
            assertEquals(one.tokens(), padded.tokens());
            assertEquals(one.loss(), padded.loss(), 1e-5, "batch size " + batch);
        }
    }

    /** A tokenizer for the golden model's 96 ids: printable ASCII 32–125 → 0–93, '\n' → 94, end-of-text 95. */
    static final class AsciiTokenizer implements TextTokenizer {
        @Override
        public int[] encode(String text) {
            return text.chars().map(c -> c == '\n' ? 94 : c - 32).toArray();
        }

        @Override
        public String decode(int[] ids) {
            return Arrays.stream(ids).mapToObj(i -> i == 94 ? "\n" : i == 95 ? "" : String.valueOf((char) (i + 32)))
                    .collect(Collectors.joining());
        }

        @Override
        public int vocabSize() {
            return 96;
        }

        @Override
        public int eosId() {
            return 95;
        }

        @Override
        public int padId() {
            return 95;
        }

        @Override
        public void close() {}
    }

    /** The packed stream's blocks of seqLen + 1 tokens and their label masks, evaluated one by one. */
    static double referencePacked(int[] stream, float[] tokenMask, int seqLen, long[] tokensOut) {
        int block = seqLen + 1;
        double sum = 0;
        long count = 0;
        for (int b = 0; (b + 1) * block <= stream.length; b++) {
            int[] ids = Arrays.copyOfRange(stream, b * block, (b + 1) * block);
            float[] m = Arrays.copyOfRange(tokenMask, b * block + 1, (b + 1) * block); // mask of each label
            double[] r = referenceNll(ids, m);
            sum += r[0];
            count += (long) r[1];
        }
        tokensOut[0] = count;
        return sum / count;
    }

    @Test
    void textIsPackedIntoBlocksOfTheModelsContext() throws IOException {
        String text = "the quick brown fox jumps over the lazy dog.\nPack my box with five dozen liquor jugs!\n"
                .repeat(4);
        Path file = Files.writeString(tmp.resolve("corpus.txt"), text);
        Path tokFile = Files.writeString(tmp.resolve("tokenizer.json"), "{\"ascii\": 1}"); // identifies it for the cache
        AsciiTokenizer tok = new AsciiTokenizer();
        int[] doc = tok.encode(text);
        int[] stream = Arrays.copyOf(doc, doc.length + 1);
        stream[doc.length] = 95;
        float[] ones = new float[stream.length];
        Arrays.fill(ones, 1f);
        Evaluator ev = new Evaluator(model, manager);
        for (int seqLen : new int[] {16, 0, 1000}) {
            int used = ev.packedSeqLen(seqLen);
            assertEquals(seqLen == 16 ? 16 : 64, used, "min(max positions, --seq-len)");
            long[] tokens = new long[1];
            double want = referencePacked(stream, ones, used, tokens);
            Evaluator.Result r = ev.evaluate(file, tok, tokFile, 3, seqLen);
            assertEquals(tokens[0], r.tokens());
            assertEquals(want, r.loss(), 1e-5, "seqLen " + seqLen);
        }
    }

    @Test
    void theTrainingLoopsValidationLossIsTheSameSumOverItsFirstBatches() throws IOException {
        String text = "Weight decay, done right: the EMA view of AdamW.\n".repeat(6);
        Path file = Files.writeString(tmp.resolve("valid.txt"), text);
        Path tokFile = Files.writeString(tmp.resolve("tokenizer.json"), "{\"ascii\": 1}");
        AsciiTokenizer tok = new AsciiTokenizer();
        LmDataset data = LmDataset.builder().setDataFile(file).setTokenizer(tok).optTokenizerFile(tokFile).setSeqLen(16)
                .optShuffle(false).build();
        int[] doc = tok.encode(text);
        int[] stream = Arrays.copyOf(doc, doc.length + 1);
        stream[doc.length] = 95;
        float[] ones = new float[stream.length];
        Arrays.fill(ones, 1f);
        Evaluator ev = new Evaluator(model, manager);

        Evaluator.Result all = ev.evaluate(data.train().batches(0, 3));
        assertEquals(all, ev.evaluate(data.train().batches(0, 3), 0), "0 batches = the whole split, the same sum");
        Evaluator.Result two = ev.evaluate(data.train().batches(0, 3), 2);
        long[] tokens = new long[1];
        double want = referencePacked(Arrays.copyOf(stream, 6 * 17), ones, 16, tokens);
        assertEquals(6 * 16, two.tokens(), "two batches of three blocks, 16 predicted positions each");
        assertEquals(tokens[0], two.tokens());
        assertEquals(want, two.loss(), 1e-5);
        assertTrue(all.tokens() > two.tokens());
        assertThrows(IllegalArgumentException.class, () -> ev.evaluate(data.train().batches(0, 3), -1));
    }

    @Test
    void promptCompletionCountsOnlyCompletionTokens() throws IOException {
        String[][] pairs = {{"Q: 2+2?", " A: 4"}, {"Q: capital of France?", " A: Paris"}, {"Say hi.", " hi there"},
            {"Count: ", "1 2 3 4 5 6 7 8 9"}, {"Echo: abc", " abc"}};
        AsciiTokenizer tok = new AsciiTokenizer();
        List<String> lines = new ArrayList<>();
        double sum = 0;
        long count = 0;
        for (String[] p : pairs) {
            lines.add("{\"prompt\": \"" + p[0] + "\", \"completion\": \"" + p[1] + "\"}");
            // each example alone: prompt (mask 0), completion and end-of-text (mask 1); a label's mask is its token's
            int[] prompt = tok.encode(p[0]);
            int[] completion = tok.encode(p[1]);
            int[] ids = new int[prompt.length + completion.length + 1];
            System.arraycopy(prompt, 0, ids, 0, prompt.length);
            System.arraycopy(completion, 0, ids, prompt.length, completion.length);
            ids[ids.length - 1] = 95;
            float[] m = new float[ids.length - 1];
            for (int j = 0; j < m.length; j++) {
                m[j] = j + 1 >= prompt.length ? 1 : 0;
            }
            double[] r = referenceNll(ids, m);
            sum += r[0];
            count += (long) r[1];
        }
        Path file = Files.write(tmp.resolve("sft.jsonl"), lines);
        Path tokFile = Files.writeString(tmp.resolve("tokenizer.json"), "{\"ascii\": 1}");
        for (boolean packing : new boolean[] {true, false}) {
            // packed rows of 40 positions isolate their examples: the same as one example a row
            Evaluator.Result r = new Evaluator(model, manager).evaluate(file, tok, tokFile, 2, 40, Overlong.TRUNCATE,
                    packing, PromptTemplate.defaultTemplate(), null, null, w -> {});
            assertEquals(count, r.tokens());
            assertEquals(sum / count, r.loss(), 1e-5, "packing " + packing);
        }
    }

    @Test
    void badFilesNameTheFileLineAndValue() throws IOException {
        Evaluator ev = new Evaluator(model, manager);
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"input_ids\": [1, 2, 3]}\n{\"input_ids\": [1, 2,\n");
        DataException e = assertThrows(DataException.class, () -> ev.evaluate(bad, null, null, 2, 0));
        assertTrue(e.getMessage().startsWith(bad + ":2: not valid JSON"), e.getMessage());

        Path vocab = Files.writeString(tmp.resolve("vocab.jsonl"), "{\"input_ids\": [1, 2, 3]}\n\n{\"input_ids\": [1, 96]}\n");
        e = assertThrows(DataException.class, () -> ev.evaluate(vocab, null, null, 2, 0));
        assertEquals(vocab + ":3: input_ids[1] = 96 is outside the vocabulary [0, 96)", e.getMessage());

        Path shortSeq = Files.writeString(tmp.resolve("short.jsonl"), "{\"input_ids\": [7]}\n");
        e = assertThrows(DataException.class, () -> ev.evaluate(shortSeq, null, null, 2, 0));
        assertTrue(e.getMessage().startsWith(shortSeq + ":1: input_ids has 1 id"), e.getMessage());

        Path longSeq = writeIds(tmp.resolve("long.jsonl"), randomSequences(3, 66));
        e = assertThrows(DataException.class,
                () -> ev.evaluate(longSeq, null, null, 2, 0, Overlong.ERROR, true, PromptTemplate.defaultTemplate(), null, null,
                        w -> {}));
        assertEquals(longSeq + ":1: input_ids has 66 ids, more than the model's 64 positions + 1 (overlong is error)",
                e.getMessage());
        List<String> warnings = new ArrayList<>();
        Evaluator.Result cut = ev.evaluate(longSeq, null, null, 2, 0, Overlong.TRUNCATE, true,
                PromptTemplate.defaultTemplate(), null, null, warnings::add);
        assertEquals(64, cut.tokens(), "the first 65 ids kept: 64 predictions");
        assertEquals(List.of(longSeq + ": truncated 1 of 1 examples longer than max_positions + 1 = 65 ids"), warnings);

        Path type = Files.writeString(tmp.resolve("type.jsonl"), "{\"input_ids\": [1, \"x\"]}\n");
        e = assertThrows(DataException.class, () -> ev.evaluate(type, null, null, 2, 0));
        assertEquals(type + ":1: input_ids[1] must be an integer, got \"x\"", e.getMessage());

        Path missing = tmp.resolve("missing.jsonl");
        e = assertThrows(DataException.class, () -> ev.evaluate(missing, null, null, 2, 0));
        assertEquals(missing + ": no such file", e.getMessage());

        Path text = Files.writeString(tmp.resolve("t.txt"), "hello\n");
        e = assertThrows(DataException.class, () -> ev.evaluate(text, null, null, 2, 0));
        assertTrue(e.getMessage().contains("needs the model's tokenizer.json"), e.getMessage());
    }
}
