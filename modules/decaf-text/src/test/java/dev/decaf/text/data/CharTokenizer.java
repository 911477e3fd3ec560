package dev.decaf.text.data;

import dev.decaf.text.tokenizer.TextTokenizer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A character-level tokenizer for tests: an ASCII character is its own id, end-of-text is 128,
 * padding 129. Counts its {@code encode} calls so tests can tell a cache hit from a miss.
 */
final class CharTokenizer implements TextTokenizer {

    static final int EOS = 128;
    static final int PAD = 129;
    static final int VOCAB = 130;

    final AtomicInteger encodeCalls = new AtomicInteger();
    private final int eos;
    private final int pad;

    CharTokenizer() {
        this(EOS, PAD);
    }

    CharTokenizer(int eos, int pad) {
        this.eos = eos;
        this.pad = pad;
    }

    @Override
    public int[] encode(String text) {
        encodeCalls.incrementAndGet();
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            char c = text.charAt(i);
            if (c >= 128) {
                throw new IllegalArgumentException("not ASCII: " + c);
            }
            ids[i] = c;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder s = new StringBuilder();
        for (int id : ids) {
            s.append(id == EOS ? "<eos>" : id == PAD ? "<pad>" : String.valueOf((char) id));
        }
        return s.toString();
    }

    @Override
    public int vocabSize() {
        return VOCAB;
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
    public void close() {}

    /** The ids of a string followed by end-of-text, as packing lays a document out. */
    static int[] doc(String text) {
        int[] ids = new int[text.length() + 1];
        for (int i = 0; i < text.length(); i++) {
            ids[i] = text.charAt(i);
        }
        ids[text.length()] = EOS;
        return ids;
    }
}
