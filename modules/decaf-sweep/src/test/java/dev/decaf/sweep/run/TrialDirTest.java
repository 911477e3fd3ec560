package dev.decaf.sweep.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The claim protocol: one winner per generation, dead claims taken over, done is final, failures retried on request. */
class TrialDirTest {

    @TempDir
    Path tmp;

    @Test
    void ofManyClaimantsAtOnceExactlyOneWins() throws Exception {
        for (int round = 0; round < 20; round++) {
            TrialDir dir = new TrialDir(Files.createDirectories(tmp.resolve("t" + round)));
            int n = 8;
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger wins = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        if (dir.tryClaim(null).isPresent()) {
                            wins.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(1, wins.get(), "round " + round);
            assertEquals(TrialState.RUNNING, dir.state()); // held by this (live) process
            try (var files = Files.list(dir.path())) {
                assertEquals(List.of("claim-1.json"), files.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    @Test
    void aDeadHoldersClaimIsTakenOverByTheNextGeneration() throws Exception {
        TrialDir dir = new TrialDir(Files.createDirectories(tmp.resolve("t")));
        // a claim by a process of this host that has exited (pid 1's start time never matches "1970")
        Files.writeString(dir.path().resolve("claim-1.json"), new Claim(1, Hosts.name(), 1, "1970-01-01T00:00:00Z", false).toJson());
        assertEquals(TrialState.STALE, dir.state());
        Optional<Claim> c = dir.tryClaim(null);
        assertEquals(2, c.orElseThrow().generation());
        assertEquals(TrialState.RUNNING, dir.state());
        assertFalse(dir.tryClaim(null).isPresent(), "a live claim is not taken");
        // from another host, a claim is alive while it is touched
        TrialDir far = new TrialDir(Files.createDirectories(tmp.resolve("far")));
        Path f = far.path().resolve("claim-1.json");
        Files.writeString(f, new Claim(1, "another-host", 42, "x", false).toJson());
        assertEquals(TrialState.RUNNING, far.state());
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(TrialDir.STALE_AFTER).minusSeconds(1)));
        assertEquals(TrialState.STALE, far.state());
    }

    @Test
    void doneIsFinalReleasedIsPendingFailedOnlyOnRequest() throws Exception {
        TrialDir dir = new TrialDir(Files.createDirectories(tmp.resolve("t")));
        assertEquals(TrialState.PENDING, dir.state());
        Claim c = dir.tryClaim(null).orElseThrow();
        dir.release(c); // interrupted: the next claimant resumes it
        assertEquals(TrialState.PENDING, dir.state());
        Claim c2 = dir.tryClaim(null).orElseThrow();
        assertEquals(2, c2.generation());
        dir.writeFailed(c2.generation(), "boom", 1);
        assertEquals(TrialState.FAILED, dir.state());
        assertFalse(dir.tryClaim(null).isPresent(), "a failed trial is not run again by default");
        Instant before = Instant.parse((String) dir.failure().orElseThrow().get("at"));
        assertFalse(dir.tryClaim(before).isPresent(), "a failure recorded at (not before) the retry point stays");
        Claim c3 = dir.tryClaim(before.plusMillis(1)).orElseThrow();
        assertEquals(3, c3.generation());
        assertEquals(TrialState.RUNNING, dir.state(), "the retry's claim is newer than the failure");
        dir.writeDone(Map.of("id", "t"));
        assertEquals(TrialState.DONE, dir.state());
        assertFalse(dir.tryClaim(Instant.now().plusSeconds(60)).isPresent(), "done is never run again");
        assertTrue(dir.holds(c3));
    }
}
