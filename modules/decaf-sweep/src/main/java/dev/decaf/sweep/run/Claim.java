package dev.decaf.sweep.run;

import dev.decaf.core.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who holds a trial: generation g of its {@code claim-g.json}, the host and process that created
 * it, and whether that process gave it back ({@code released}: interrupted, to be resumed).
 *
 * @param generation g ≥ 1: claims only ever go up, so taking over a dead claim is creating g + 1
 * @param host the host name
 * @param pid the process id
 * @param processStart the process's start time (a pid can be reused; pid and start cannot)
 * @param released whether the holder released it
 */
public record Claim(int generation, String host, long pid, String processStart, boolean released) {

    /**
     * Returns this process's claim of generation g.
     *
     * @param generation g
     * @return the claim
     */
    public static Claim ofThisProcess(int generation) {
        ProcessHandle me = ProcessHandle.current();
        return new Claim(generation, Hosts.name(), me.pid(), start(me), false);
    }

    /** Returns a process's start time as text ("" when the OS does not say). */
    static String start(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toString).orElse("");
    }

    /** Returns whether the claiming process is this host's process that still runs. */
    boolean holderAliveHere() {
        if (!host.equals(Hosts.name())) {
            return false;
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> start(p).equals(processStart))
                .orElse(false);
    }

    /** Returns whether the claim was made on this host. */
    boolean onThisHost() {
        return host.equals(Hosts.name());
    }

    /** Returns the claim as JSON. */
    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generation", generation);
        m.put("host", host);
        m.put("pid", pid);
        m.put("process_start", processStart);
        m.put("released", released);
        m.put("at", Instant.now().toString());
        return Json.pretty(m) + "\n";
    }

    /** Parses {@link #toJson()}. */
    static Claim fromJson(String text) {
        Map<String, Object> m = Json.parseObject(text);
        return new Claim(((Number) m.get("generation")).intValue(), (String) m.get("host"),
                ((Number) m.get("pid")).longValue(), (String) m.get("process_start"), Boolean.TRUE.equals(m.get("released")));
    }

    /** Returns the claim released. */
    Claim release() {
        return new Claim(generation, host, pid, processStart, true);
    }
}
