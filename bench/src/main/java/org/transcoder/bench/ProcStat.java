package org.transcoder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One line of /proc/PID/stat (proc(5)): identity, parentage, CPU ticks and resident pages.
 *
 * @param utime user CPU of the process itself (all threads), clock ticks
 * @param stime system CPU of the process itself, clock ticks
 * @param cutime user CPU of the children it has waited for (and theirs, transitively)
 * @param cstime system CPU of the children it has waited for
 * @param startTime start time after boot, clock ticks (with pid, a unique identity)
 * @param rssPages resident set size in pages (the same number as VmRSS)
 * @param vsizeBytes virtual memory size (a child between vfork and exec has its parent's)
 */
public record ProcStat(
        int pid,
        String comm,
        char state,
        int ppid,
        int session,
        long utime,
        long stime,
        long cutime,
        long cstime,
        int threads,
        long startTime,
        long rssPages,
        long vsizeBytes) {

    /** USER_HZ: fixed at 100 on Linux x86_64 (sysconf(_SC_CLK_TCK)). */
    public static final int TICKS_PER_SECOND = 100;

    public static final long PAGE_SIZE = 4096;

    /** Parses a stat line; the command name may contain spaces and parentheses. */
    public static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("Not a /proc/PID/stat line: " + line);
        }
        int pid = Integer.parseInt(line.substring(0, open).trim());
        String comm = line.substring(open + 1, close);
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state) of proc(5); field n is f[n - 3].
        return new ProcStat(
                pid,
                comm,
                f[0].charAt(0),
                Integer.parseInt(f[1]),
                Integer.parseInt(f[3]),
                Long.parseLong(f[11]),
                Long.parseLong(f[12]),
                Long.parseLong(f[13]),
                Long.parseLong(f[14]),
                Integer.parseInt(f[17]),
                Long.parseLong(f[19]),
                Long.parseLong(f[21]),
                Long.parseLong(f[20]));
    }

    /** The process's stat, or empty when it has gone. */
    public static Optional<ProcStat> read(long pid) {
        try {
            return Optional.of(
                    parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public static ProcStat self() {
        return read(ProcessHandle.current().pid())
                .orElseThrow(() -> new IllegalStateException("/proc/self/stat is unreadable"));
    }

    /** CPU of the process itself. */
    public long ownTicks() {
        return utime + stime;
    }

    /** CPU of the process and of every descendant it has reaped. */
    public long treeTicks() {
        return utime + stime + cutime + cstime;
    }

    public long rssBytes() {
        return rssPages * PAGE_SIZE;
    }

    public static double seconds(long ticks) {
        return ticks / (double) TICKS_PER_SECOND;
    }
}
