package dev.decaf.core.safetensors;

/** The element types decaf reads and writes in safetensors files, with their safetensors names. */
public enum DType {
    /** IEEE 754 binary32. */
    F32(4),
    /** IEEE 754 binary16. */
    F16(2),
    /** bfloat16: the top 16 bits of a binary32. */
    BF16(2),
    /** 64-bit signed integer. */
    I64(8),
    /** 32-bit signed integer. */
    I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Returns the size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /**
     * Parses a safetensors dtype name.
     *
     * @param name e.g. {@code F32}
     * @return the type
     */
    public static DType parse(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unsupported safetensors dtype '" + name + "'");
    }
}
