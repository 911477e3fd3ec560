package dev.decaf.text.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A {@code tokenizer.json} through DJL's binding of Hugging Face tokenizers (its native library
 * ships in the jar), with truncation and padding off and no special tokens added. The end-of-text
 * id is the first of {@code <|endoftext|>}, {@code </s>}, {@code <eos>}, {@code <|end_of_text|>}
 * found in the vocabulary; padding falls back to it.
 */
final class HfTokenizer implements TextTokenizer {

    private static final List<String> EOS = SpecialTokens.EOS;
    private static final List<String> PAD = SpecialTokens.PAD;

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final int eos;
    private final int pad;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, int eos, int pad) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.eos = eos;
        this.pad = pad;
    }

    static HfTokenizer load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no tokenizer.json");
        }
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a valid tokenizer.json (" + e.getMessage() + ")", e);
        }
        int eos = firstId(t, EOS);
        int pad = firstId(t, PAD);
        int vocab = vocabSize(file);
        return new HfTokenizer(t, vocab, eos, pad >= 0 ? pad : eos);
    }

    private static int firstId(HuggingFaceTokenizer t, List<String> candidates) {
        for (String c : candidates) {
            Encoding e = t.encode(c, false, false);
            long[] ids = e.getIds();
            if (ids.length == 1 && c.equals(t.decode(ids, false))) {
                return (int) ids[0];
            }
        }
        return -1;
    }

    /** The largest id in the model vocabulary or the added tokens, plus one. */
    private static int vocabSize(Path file) throws IOException {
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        int max = -1;
        var vocab = root.path("model").path("vocab");
        for (var it = vocab.elements(); it.hasNext(); ) {
            max = Math.max(max, it.next().asInt());
        }
        for (var added : root.path("added_tokens")) {
            max = Math.max(max, added.path("id").asInt());
        }
        if (max < 0) {
            throw new IOException(file + ": field 'model.vocab' is missing or empty");
        }
        return max + 1;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
