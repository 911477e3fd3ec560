package dev.decaf.core.groups;

import java.util.Arrays;

/**
 * What the group rules know about a parameter: its stable name, shape and kind.
 *
 * @param name the parameter name (Hugging Face tensor names for decaf's models)
 * @param shape the shape
 * @param kind the layer kind
 */
public record ParamInfo(String name, long[] shape, LayerKind kind) {

    /**
     * Creates the info, classifying the kind from name and rank.
     *
     * @param name the name
     * @param shape the shape
     * @return the info
     */
    public static ParamInfo of(String name, long... shape) {
        return new ParamInfo(name, shape, LayerKind.classify(name, shape.length));
    }

    /** Returns the number of dimensions. */
    public int ndim() {
        return shape.length;
    }

    /** Returns the number of scalar elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamInfo p && p.name.equals(name) && Arrays.equals(p.shape, shape) && p.kind == kind;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "(" + kind.name().toLowerCase() + ")";
    }
}
