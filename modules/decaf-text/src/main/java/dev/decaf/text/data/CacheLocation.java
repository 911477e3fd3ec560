package dev.decaf.text.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the token caches of a dataset go, decided once for all its files:
 *
 * <ol>
 *   <li>{@code DECAF_CACHE} set (and not empty): always that directory;
 *   <li>otherwise next to each data file ({@code <file>.decaf-cache/}, {@link LmDataset}'s default)
 *       when every one of those can be written: the directory exists and is writable, or it does
 *       not and the data's folder is writable;
 *   <li>otherwise (a read-only shared dataset) one directory for all: {@code
 *       $XDG_CACHE_HOME/decaf}, else {@code ~/.cache/decaf} (the XDG base directory
 *       specification's default).
 * </ol>
 *
 * Sharing one directory between datasets is safe: cache entries are keyed by the data's SHA-256,
 * the tokenizer and the format ({@link LmDataset}). Cases 1 and 3 log one line saying where and
 * why.
 *
 * <pre>{@code
 * CacheLocation.system().choose(List.of(trainFile, validationFile)).ifPresent(builder::optCacheDir);
 * }</pre>
 */
public final class CacheLocation {

    /** The environment variable that names the cache directory. */
    public static final String ENV = "DECAF_CACHE";

    private static final Logger LOG = LoggerFactory.getLogger(CacheLocation.class);

    private final Path configured;
    private final Path fallback;
    private final Predicate<Path> writable;

    /**
     * A cache location with its inputs given.
     *
     * @param configured the {@code DECAF_CACHE} directory, or null when unset
     * @param fallback the directory used when a data folder cannot be written
     * @param writable the writability check ({@link Files#isWritable} in {@link #system()})
     */
    public CacheLocation(Path configured, Path fallback, Predicate<Path> writable) {
        this.configured = configured;
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.writable = Objects.requireNonNull(writable, "writable");
    }

    /**
     * The cache location of this process: {@code DECAF_CACHE}, {@code XDG_CACHE_HOME} and the
     * user's home from the environment, {@link Files#isWritable} as the check.
     *
     * @return the location
     */
    public static CacheLocation system() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * The cache location an environment describes.
     *
     * @param env the environment variables
     * @param home the user's home directory
     * @return the location, with {@link Files#isWritable} as the check
     */
    public static CacheLocation fromEnvironment(Map<String, String> env, Path home) {
        String decaf = env.get(ENV);
        String xdg = env.get("XDG_CACHE_HOME");
        // the XDG specification: a relative XDG_CACHE_HOME is invalid and is ignored
        Path base = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return new CacheLocation(decaf == null || decaf.isEmpty() ? null : Path.of(decaf), base.resolve("decaf"),
                Files::isWritable);
    }

    /** Returns the directory used when a data file's folder cannot be written. */
    public Path fallback() {
        return fallback;
    }

    /**
     * Chooses the cache directory for a dataset's files.
     *
     * @param dataFiles the data files (nulls are ignored)
     * @return the directory to pass to {@link LmDataset.Builder#optCacheDir}, or empty for the
     *     default, next to each file
     */
    public Optional<Path> choose(List<Path> dataFiles) {
        if (configured != null) {
            LOG.info("token cache: {} (set by {})", configured, ENV);
            return Optional.of(configured);
        }
        for (Path f : dataFiles) {
            String why = f == null ? null : whyNotNextTo(f);
            if (why != null) {
                LOG.info("token cache: {} ({}; set {} to choose another)", fallback, why, ENV);
                return Optional.of(fallback);
            }
        }
        return Optional.empty();
    }

    /** Null when {@code <file>.decaf-cache/} is a writable directory or can be created, else why not. */
    private String whyNotNextTo(Path file) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.resolveSibling(abs.getFileName() + TokenCache.DIR_SUFFIX);
        if (Files.exists(dir)) {
            return !Files.isDirectory(dir) ? dir + " is not a directory" : writable.test(dir) ? null
                    : dir + " is not writable";
        }
        return abs.getParent() != null && writable.test(abs.getParent()) ? null : abs.getParent() + " is not writable";
    }
}
