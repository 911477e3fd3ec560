package dev.decaf.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes that never leave a half-written file or directory behind: everything decaf writes for a
 * user (models, checkpoints, tokenizers, caches, metrics, plots, recipes) goes through here.
 *
 * <p>A file is written to a temporary sibling with a name unique to this process and write,
 * forced to disk ({@code fsync}), then renamed over the target in one atomic step, and the parent
 * directory is forced so the rename itself survives a crash. A reader sees the old file or the new
 * one, never part of either; two processes writing the same target at once each rename a whole
 * file. A directory is built under a temporary sibling and swapped in the same way ({@link
 * #replaceDirectory}).
 */
public final class AtomicFiles {

    /** Writes a file's content to a stream (the stream is closed by {@link AtomicFiles}). */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param out the stream
         * @throws IOException on a write error
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Replaces a file with the given bytes, atomically and durably.
     *
     * @param target the file
     * @param data its new content
     * @throws IOException on a write error (the target is then unchanged)
     */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, out -> out.write(data));
    }

    /**
     * Replaces a file with UTF-8 text, atomically and durably.
     *
     * @param target the file
     * @param text its new content
     * @throws IOException on a write error (the target is then unchanged)
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces a file with what {@code content} writes, atomically and durably; a streamed write
     * for content too large to hold in memory.
     *
     * @param target the file
     * @param content writes the new content
     * @throws IOException on a write error (the target is then unchanged)
     */
    public static void write(Path target, Content content) throws IOException {
        Path tmp = temporarySibling(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            move(tmp, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Forces a file that was written in place (a log appended line by line, a file written through
     * its own channel) to disk.
     *
     * @param file the file
     * @throws IOException when it cannot be opened
     */
    public static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Creates an empty temporary directory beside {@code target}, to be filled and then swapped in
     * with {@link #replaceDirectory}. Its permissions are those of a normal directory (rwxr-xr-x),
     * not the owner-only ones of a temporary directory, since it becomes the target.
     *
     * @param target the directory it will become
     * @return the temporary directory
     * @throws IOException when it cannot be created
     */
    public static Path newTemporaryDirectory(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return tmp;
    }

    /**
     * Swaps a fully written directory in for {@code target}: every file in {@code tmp} is forced to
     * disk, an existing {@code target} is renamed aside, {@code tmp} is renamed to {@code target},
     * and the old one is deleted. A crash leaves either the old directory or the new one under
     * {@code target} (and at worst a hidden leftover beside it).
     *
     * @param tmp the new content, from {@link #newTemporaryDirectory}
     * @param target the directory to replace or create
     * @throws IOException on an I/O error
     */
    public static void replaceDirectory(Path tmp, Path target) throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                sync(p);
            }
        }
        syncDirectory(tmp);
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid() + "-"
                    + System.nanoTime());
            move(target, old);
        }
        move(tmp, target);
        syncDirectory(target.toAbsolutePath().getParent());
        if (old != null) {
            deleteTree(old);
        }
    }

    /**
     * Renames a file or directory, atomically where the file system can.
     *
     * @param from the source
     * @param to the target (a file is replaced; a directory target must not exist)
     * @throws IOException on an I/O error
     */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Deletes a file or a directory with everything in it; nothing when it does not exist.
     *
     * @param root the file or directory
     * @throws IOException on an I/O error
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }

    /** A temporary name beside {@code target}, unique to this process and call. */
    static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
    }

    /** Forces a directory's entries (a rename into it) to disk, where the platform allows it. */
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot open a directory for sync; the rename is still atomic there
        }
    }

    /**
     * Writes a whole buffer to a channel.
     *
     * @param ch the channel
     * @param b the bytes (consumed)
     * @throws IOException on a write error
     */
    public static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
