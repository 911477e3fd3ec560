package dev.decaf.text.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where token caches go: DECAF_CACHE always wins; next to the data when that can be written;
 * otherwise XDG_CACHE_HOME/decaf or ~/.cache/decaf. A read-only folder is simulated by the injected
 * check (tests may run as root, for whom {@code Files.isWritable} of a read-only folder is true),
 * and, with the real check, by a file that occupies the cache directory's name.
 */
class CacheLocationTest {

    @TempDir
    Path tmp;

    @Test
    void decafCacheAlwaysWins() throws IOException {
        Path data = PackingTest.write(tmp.resolve("d.txt"), "abc\n");
        CacheLocation c = CacheLocation.fromEnvironment(Map.of("DECAF_CACHE", tmp.resolve("cache").toString(),
                "XDG_CACHE_HOME", tmp.resolve("xdg").toString()), tmp.resolve("home"));
        assertEquals(Optional.of(tmp.resolve("cache")), c.choose(List.of(data)));
    }

    @Test
    void nextToTheDataWhenItsFolderIsWritable() throws IOException {
        Path data = PackingTest.write(tmp.resolve("d.txt"), "abc\n");
        CacheLocation c = CacheLocation.fromEnvironment(Map.of("DECAF_CACHE", ""), tmp.resolve("home"));
        assertEquals(Optional.empty(), c.choose(Arrays.asList(data, null)), "an empty DECAF_CACHE is unset");
    }

    @Test
    void aReadOnlyDataFolderFallsBackToTheUserCache() throws IOException {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Path data = PackingTest.write(shared.resolve("d.txt"), "abc\n");
        Path mine = PackingTest.write(tmp.resolve("v.txt"), "abc\n");
        Path home = tmp.resolve("home");
        // only the shared folder is read-only: one directory for both files
        CacheLocation xdg = new CacheLocation(null, tmp.resolve("xdg/decaf"), p -> !p.startsWith(shared));
        assertEquals(Optional.of(tmp.resolve("xdg/decaf")), xdg.choose(List.of(mine, data)));
        assertEquals(Optional.empty(), xdg.choose(List.of(mine)));

        // the fallback's root from the environment: XDG_CACHE_HOME, else ~/.cache; a relative XDG is ignored
        assertEquals(tmp.resolve("x/decaf"), fallbackOf(Map.of("XDG_CACHE_HOME", tmp.resolve("x").toString()), home));
        assertEquals(home.resolve(".cache/decaf"), fallbackOf(Map.of(), home));
        assertEquals(home.resolve(".cache/decaf"), fallbackOf(Map.of("XDG_CACHE_HOME", "rel"), home));

        // with the real check: a cache name taken by a file cannot be used, whoever runs the test
        Path blocked = PackingTest.write(tmp.resolve("b.txt"), "abc\n");
        Files.writeString(tmp.resolve("b.txt" + TokenCache.DIR_SUFFIX), "not a directory");
        assertTrue(Files.isWritable(tmp));
        CacheLocation real = CacheLocation.fromEnvironment(Map.of(), home);
        assertEquals(Optional.of(home.resolve(".cache/decaf")), real.choose(List.of(blocked)));
        // and LmDataset builds there
        LmDataset d = LmDataset.builder().setDataFile(blocked).setTokenizer(new CharTokenizer())
                .optTokenizerFingerprint("fp").setSeqLen(2).optShuffle(false)
                .optCacheDir(real.choose(List.of(blocked)).orElseThrow()).build();
        assertFalse(d.fromCache());
        assertTrue(Files.list(home.resolve(".cache/decaf")).findAny().isPresent(), "the entry is in the fallback");
    }

    private static Path fallbackOf(Map<String, String> env, Path home) {
        return CacheLocation.fromEnvironment(env, home).fallback();
    }
}
