package dev.decaf.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The tensor shapes an optimizer benchmark updates: one 10M-parameter matrix, or the 148 tensors
 * (124,439,808 parameters) of GPT-2 small (Radford et al. 2019; shapes as in Hugging Face's
 * {@code gpt2} checkpoint: wte 50257×768, wpe 1024×768, 12 blocks of ln_1, c_attn 768×2304,
 * c_proj 768×768, ln_2, c_fc 768×3072, c_proj 3072×768 with biases, then ln_f).
 */
public enum ParameterSet {
    /** One 10M-parameter tensor (2500 × 4000). */
    TEN_M("10m"),
    /** GPT-2 small: 148 tensors, 124M parameters. */
    GPT2_SMALL("gpt2");

    private final String id;

    ParameterSet(String id) {
        this.id = id;
    }

    /** Returns the short id used on the command line. */
    public String id() {
        return id;
    }

    /**
     * Parses an id ({@code 10m} or {@code gpt2}).
     *
     * @param id the id
     * @return the set
     */
    public static ParameterSet parse(String id) {
        for (ParameterSet s : values()) {
            if (s.id.equalsIgnoreCase(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown parameter set '" + id + "': expected 10m or gpt2");
    }

    /** A named tensor shape. */
    public record Tensor(String name, long[] shape) {
        /** Returns the number of elements. */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Returns the tensors. */
    public List<Tensor> tensors() {
        if (this == TEN_M) {
            return List.of(new Tensor("weight", new long[] {2500, 4000}));
        }
        int d = 768;
        List<Tensor> t = new ArrayList<>();
        t.add(new Tensor("transformer.wte.weight", new long[] {50257, d}));
        t.add(new Tensor("transformer.wpe.weight", new long[] {1024, d}));
        for (int i = 0; i < 12; i++) {
            String h = "transformer.h." + i + ".";
            t.add(new Tensor(h + "ln_1.weight", new long[] {d}));
            t.add(new Tensor(h + "ln_1.bias", new long[] {d}));
            t.add(new Tensor(h + "attn.c_attn.weight", new long[] {d, 3 * d}));
            t.add(new Tensor(h + "attn.c_attn.bias", new long[] {3 * d}));
            t.add(new Tensor(h + "attn.c_proj.weight", new long[] {d, d}));
            t.add(new Tensor(h + "attn.c_proj.bias", new long[] {d}));
            t.add(new Tensor(h + "ln_2.weight", new long[] {d}));
            t.add(new Tensor(h + "ln_2.bias", new long[] {d}));
            t.add(new Tensor(h + "mlp.c_fc.weight", new long[] {d, 4 * d}));
            t.add(new Tensor(h + "mlp.c_fc.bias", new long[] {4 * d}));
            t.add(new Tensor(h + "mlp.c_proj.weight", new long[] {4 * d, d}));
            t.add(new Tensor(h + "mlp.c_proj.bias", new long[] {d}));
        }
        t.add(new Tensor("transformer.ln_f.weight", new long[] {d}));
        t.add(new Tensor("transformer.ln_f.bias", new long[] {d}));
        return Collections.unmodifiableList(t);
    }

    /** Returns the total number of parameters. */
    public long numel() {
        return tensors().stream().mapToLong(Tensor::numel).sum();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d tensors, %,d parameters)", id, tensors().size(), numel());
    }
}
