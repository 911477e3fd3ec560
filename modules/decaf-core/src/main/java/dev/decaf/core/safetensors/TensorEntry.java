package dev.decaf.core.safetensors;

import java.util.Arrays;

/**
 * One tensor's header entry in a safetensors file: its type, shape and byte range in the data
 * section (offsets relative to the end of the header).
 *
 * @param name the tensor name
 * @param dtype the element type
 * @param shape the shape
 * @param begin first byte, relative to the data section
 * @param end one past the last byte
 */
public record TensorEntry(String name, DType dtype, long[] shape, long begin, long end) {

    /** Returns the number of elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Returns the size in bytes. */
    public long byteSize() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t && t.name.equals(name) && t.dtype == dtype
                && Arrays.equals(t.shape, shape) && t.begin == begin && t.end == end;
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
