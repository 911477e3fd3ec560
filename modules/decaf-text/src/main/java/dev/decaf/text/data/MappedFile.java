package dev.decaf.text.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A read-only, memory-mapped, little-endian file of any size, mapped in segments (a single
 * mapping is limited to 2 GiB). Reads are absolute, so one instance serves several threads. The
 * operating system pages the data in and out: a dataset larger than memory is never held in the
 * Java heap. Mappings are released by the garbage collector (Java 17 has no explicit unmap).
 */
final class MappedFile {

    /** The default segment: 1 GiB. */
    static final int DEFAULT_SEGMENT_BYTES = 1 << 30;

    private final Path file;
    private final long size;
    private final int segmentBytes;
    private final ByteBuffer[] bytes;
    private final IntBuffer[] ints;
    private final LongBuffer[] longs;

    private MappedFile(Path file, long size, int segmentBytes, ByteBuffer[] bytes) {
        this.file = file;
        this.size = size;
        this.segmentBytes = segmentBytes;
        this.bytes = bytes;
        this.ints = new IntBuffer[bytes.length];
        this.longs = new LongBuffer[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ints[i] = bytes[i].duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            longs[i] = bytes[i].duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        }
    }

    /**
     * Maps a file.
     *
     * @param file the file
     * @param segmentBytes the size of one mapping, a positive multiple of 8
     * @return the mapped file
     * @throws IOException when the file cannot be opened or mapped
     */
    static MappedFile open(Path file, int segmentBytes) throws IOException {
        if (segmentBytes <= 0 || segmentBytes % Long.BYTES != 0) {
            throw new IllegalArgumentException("segment size must be a positive multiple of 8, got " + segmentBytes);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) ((size + segmentBytes - 1) / segmentBytes);
            ByteBuffer[] segments = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = (long) i * segmentBytes;
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(segmentBytes, size - start));
                segments[i] = m;
            }
            return new MappedFile(file, size, segmentBytes, segments);
        }
    }

    /** Returns the file's length in bytes. */
    long size() {
        return size;
    }

    /** Returns the file. */
    Path file() {
        return file;
    }

    /**
     * Copies 32-bit integers out.
     *
     * @param index the first integer's index (byte offset / 4)
     * @param dst the destination
     * @param off where in dst
     * @param len how many
     */
    void readInts(long index, int[] dst, int off, int len) {
        long pos = index * Integer.BYTES;
        check(pos, (long) len * Integer.BYTES);
        while (len > 0) {
            int seg = (int) (pos / segmentBytes);
            int within = (int) (pos % segmentBytes);
            int n = Math.min(len, (segmentBytes - within) / Integer.BYTES);
            ints[seg].get(within / Integer.BYTES, dst, off, n);
            off += n;
            len -= n;
            pos += (long) n * Integer.BYTES;
        }
    }

    /**
     * Copies bytes out.
     *
     * @param pos the first byte's offset
     * @param dst the destination
     * @param off where in dst
     * @param len how many
     */
    void readBytes(long pos, byte[] dst, int off, int len) {
        check(pos, len);
        while (len > 0) {
            int seg = (int) (pos / segmentBytes);
            int within = (int) (pos % segmentBytes);
            int n = Math.min(len, segmentBytes - within);
            bytes[seg].get(within, dst, off, n);
            off += n;
            len -= n;
            pos += n;
        }
    }

    /**
     * Reads one 64-bit integer.
     *
     * @param index its index (byte offset / 8)
     * @return the value
     */
    long readLong(long index) {
        long pos = index * Long.BYTES;
        check(pos, Long.BYTES);
        return longs[(int) (pos / segmentBytes)].get((int) (pos % segmentBytes) / Long.BYTES);
    }

    /** Returns the CRC-32C of the whole file. */
    long crc() {
        CRC32C crc = new CRC32C();
        for (ByteBuffer b : bytes) {
            crc.update(b.duplicate());
        }
        return crc.getValue();
    }

    private void check(long pos, long len) {
        if (pos < 0 || len < 0 || pos + len > size) {
            throw new IndexOutOfBoundsException(file + ": read of " + len + " bytes at " + pos
                    + " is outside the file's " + size + " bytes");
        }
    }
}
