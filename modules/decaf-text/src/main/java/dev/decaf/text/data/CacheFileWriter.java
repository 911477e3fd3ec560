package dev.decaf.text.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one cache file sequentially, little-endian, through a fixed buffer (memory stays flat
 * whatever the dataset's size), keeping its length and CRC-32C for the cache's meta file.
 */
final class CacheFileWriter implements Closeable {

    private static final int BUFFER = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long bytes;
    private boolean finished;

    private CacheFileWriter(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Creates (or truncates) a file to write.
     *
     * @param file the file
     * @return the writer
     * @throws IOException when the file cannot be created
     */
    static CacheFileWriter create(Path file) throws IOException {
        return new CacheFileWriter(FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
    }

    void putInt(int v) throws IOException {
        if (buf.remaining() < Integer.BYTES) {
            flush();
        }
        buf.putInt(v);
    }

    void putInts(int[] values) throws IOException {
        for (int v : values) {
            putInt(v);
        }
    }

    void putByte(byte v) throws IOException {
        if (!buf.hasRemaining()) {
            flush();
        }
        buf.put(v);
    }

    void putLong(long v) throws IOException {
        if (buf.remaining() < Long.BYTES) {
            flush();
        }
        buf.putLong(v);
    }

    private void flush() throws IOException {
        buf.flip();
        bytes += buf.remaining();
        crc.update(buf.duplicate());
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        buf.clear();
    }

    /**
     * Flushes, forces the file to disk and closes it.
     *
     * @throws IOException when writing fails
     */
    void finish() throws IOException {
        flush();
        channel.force(true);
        channel.close();
        finished = true;
    }

    /** Returns the bytes written (final after {@link #finish()}). */
    long bytes() {
        return bytes;
    }

    /** Returns the CRC-32C of the bytes written (final after {@link #finish()}). */
    long crc() {
        return crc.getValue();
    }

    @Override
    public void close() throws IOException {
        if (!finished) {
            channel.close();
        }
    }
}
