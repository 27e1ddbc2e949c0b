package org.transcoder.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows the process tree of one benchmark run from /proc: every ~100 ms it finds the root and
 * every process descended from it (a process stays a member after its parent exits and it is
 * re-parented, as the postmaster started by pg_ctl is), sums their resident memory (peak RSS of the
 * tree) and remembers each member's start, last sighting and CPU, which gives the timeline of the
 * ffmpeg children (what ran when, how many at once, idle time, tail).
 *
 * <p>CPU of the run is not summed here (a child that lives between two samples would be missed):
 * the harness takes it from its own cutime/cstime once the run's JVM has been reaped, which counts
 * every process the tree waited for. Only members whose parent chain to the root broke (daemons)
 * are never reaped into it; their CPU is added from the last sample as {@link
 * Result#detachedCpuTicks}.
 */
final class TreeSampler implements AutoCloseable {

    /** What one member did, as far as the samples saw it. */
    record Member(
            int pid,
            String comm,
            String kind,
            long startMs,
            long lastSeenMs,
            long cpuTicks,
            long peakRssBytes,
            boolean detached) {}

    /**
     * The tree's resident memory at one sample, split by who holds it: the root (the run's JVM),
     * the ffmpeg/ffprobe children, everything else (PostgreSQL, Redis, helpers). Where the memory
     * of a load run goes, over time.
     */
    record Point(
            long ms,
            long rssBytes,
            long rootRssBytes,
            long ffmpegRssBytes,
            int processes,
            int ffmpeg) {

        long otherRssBytes() {
            return rssBytes - rootRssBytes - ffmpegRssBytes;
        }
    }

    record Result(
            long peakRssBytes,
            int peakProcesses,
            int samples,
            double meanSampleMillis,
            long detachedCpuTicks,
            List<Member> members,
            List<Point> series) {}

    private static final class Tracked {
        final int pid;
        final long startTicks;
        String comm;
        String kind;
        final long startMs;
        long lastSeenMs;
        long cpuTicks;
        long peakRss;
        boolean detached;

        Tracked(ProcStat s, String kind, long startMs) {
            this.pid = s.pid();
            this.startTicks = s.startTime();
            this.comm = s.comm();
            this.kind = kind;
            this.startMs = startMs;
        }
    }

    private final long rootPid;
    private final long launchedNanos;
    private final long periodMillis;
    private final Map<Integer, Tracked> tracked = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long rootStartTicks = -1;
    private long peakRss;
    private int peakProcesses;
    private int samples;
    private long sampleNanos;
    private final List<Point> series = new ArrayList<>();

    TreeSampler(long rootPid, long launchedNanos, long periodMillis) {
        this.rootPid = rootPid;
        this.launchedNanos = launchedNanos;
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::loop, "tree-sampler-" + rootPid);
        this.thread.setDaemon(true);
    }

    TreeSampler start() {
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            long t0 = System.nanoTime();
            sample();
            sampleNanos += System.nanoTime() - t0;
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sample() {
        long now = (System.nanoTime() - launchedNanos) / 1_000_000;
        Map<Integer, ProcStat> all = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    ProcStat.read(Integer.parseInt(name)).ifPresent(s -> all.put(s.pid(), s));
                }
            }
        } catch (IOException e) {
            return;
        }
        ProcStat root = all.get((int) rootPid);
        if (root != null && rootStartTicks < 0) {
            rootStartTicks = root.startTime();
        }
        // Members now: the root, known members still alive, and (to a fixpoint) their children.
        Map<Integer, ProcStat> members = new HashMap<>();
        for (ProcStat s : all.values()) {
            Tracked t = tracked.get(s.pid());
            if ((s.pid() == rootPid) || (t != null && t.startTicks == s.startTime())) {
                members.put(s.pid(), s);
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (ProcStat s : all.values()) {
                if (!members.containsKey(s.pid()) && members.containsKey(s.ppid())) {
                    members.put(s.pid(), s);
                    grew = true;
                }
            }
        }
        long rss = 0;
        long rootRss = 0;
        long ffmpegRss = 0;
        int ffmpeg = 0;
        for (ProcStat s : members.values()) {
            if (sharesParentMemory(s, members)) {
                // Caught between (v)fork and exec: its RSS is its parent's pages (a JVM
                // spawning ffmpeg through posix_spawn shows its whole RSS in the child for a
                // moment), counted once already.
            } else if (s.pid() == rootPid) {
                rootRss = s.rssBytes();
            } else if (s.comm().startsWith("ffmpeg") || s.comm().startsWith("ffprobe")) {
                ffmpegRss += s.rssBytes();
                ffmpeg++;
            }
            if (!sharesParentMemory(s, members)) {
                rss += s.rssBytes();
            }
            Tracked t = tracked.get(s.pid());
            if (t == null || t.startTicks != s.startTime()) {
                long startMs =
                        rootStartTicks < 0
                                ? now
                                : (s.startTime() - rootStartTicks)
                                        * 1000
                                        / ProcStat.TICKS_PER_SECOND;
                t = new Tracked(s, classify(s), startMs);
                tracked.put(s.pid(), t);
            }
            if (!t.comm.equals(s.comm())) {
                // Seen between fork and exec (named after the forking thread, or jspawnhelper):
                // name it again now that it runs its program.
                t.comm = s.comm();
                t.kind = classify(s);
            }
            t.lastSeenMs = now;
            t.cpuTicks = s.ownTicks();
            t.peakRss = Math.max(t.peakRss, s.rssBytes());
            t.detached = !connected(s, members);
        }
        peakRss = Math.max(peakRss, rss);
        series.add(new Point(now, rss, rootRss, ffmpegRss, members.size(), ffmpeg));
        peakProcesses = Math.max(peakProcesses, members.size());
        samples++;
    }

    /**
     * A member whose address space is the size of its parent's, to the byte: a child between
     * (v)fork and exec, whose resident pages are the parent's (vfork shares them outright, fork
     * shares them copy-on-write). Summing its RSS would count the parent twice.
     */
    static boolean sharesParentMemory(ProcStat s, Map<Integer, ProcStat> members) {
        ProcStat parent = members.get(s.ppid());
        return parent != null
                && s.pid() != parent.pid()
                && s.vsizeBytes() > 0
                && s.vsizeBytes() == parent.vsizeBytes();
    }

    /** True when the parent chain leads to the root through members (so the root will reap it). */
    private boolean connected(ProcStat s, Map<Integer, ProcStat> members) {
        ProcStat cur = s;
        for (int hops = 0; hops < 64; hops++) {
            if (cur.pid() == rootPid) {
                return true;
            }
            cur = members.get(cur.ppid());
            if (cur == null) {
                return false;
            }
        }
        return false;
    }

    private static String classify(ProcStat s) {
        if (!s.comm().startsWith("ffmpeg") && !s.comm().startsWith("ffprobe")) {
            return s.comm();
        }
        String cmd;
        try {
            cmd =
                    new String(
                                    Files.readAllBytes(
                                            Path.of("/proc", Integer.toString(s.pid()), "cmdline")))
                            .replace('\0', ' ');
        } catch (IOException e) {
            return s.comm();
        }
        return classifyCommand(s.comm(), cmd);
    }

    /** Names what an ffmpeg child of the pipeline is doing, from its command line. */
    static String classifyCommand(String comm, String cmd) {
        if (comm.startsWith("ffprobe")) {
            return "probe";
        }
        if (cmd.contains(" -encoders")) {
            return "ffmpeg-check";
        }
        if (cmd.contains(" -f hls")) {
            return "cli-ladder";
        }
        // Before "split": a chunk encode reads its staged chunk with the NUT demuxer forced too.
        if (cmd.contains("-filter_complex") && cmd.contains("libx264")) {
            return "encode-chunk";
        }
        if (cmd.contains(" -f nut")) {
            return "split";
        }
        if (cmd.contains(" -c:a aac") || cmd.contains(" -c:a:0 aac")) {
            return "encode-audio";
        }
        if (cmd.contains("mjpeg") || cmd.contains(".jpg") || cmd.contains("tile=")) {
            return "thumbnails";
        }
        return "ffmpeg-other";
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized Result result() {
        List<Member> out = new ArrayList<>();
        long detached = 0;
        for (Tracked t : tracked.values()) {
            out.add(
                    new Member(
                            t.pid,
                            t.comm,
                            t.kind,
                            t.startMs,
                            t.lastSeenMs,
                            t.cpuTicks,
                            t.peakRss,
                            t.detached));
            if (t.detached) {
                detached += t.cpuTicks;
            }
        }
        return new Result(
                peakRss,
                peakProcesses,
                samples,
                samples == 0 ? 0 : sampleNanos / 1e6 / samples,
                detached,
                out,
                List.copyOf(series));
    }

    /**
     * One point per {@code periodMs}: the sample with the most resident memory in each period (so
     * the peak survives), for a series short enough to keep in results.json.
     */
    static List<Point> perPeriod(List<Point> series, long periodMs) {
        Map<Long, Point> out = new LinkedHashMap<>();
        for (Point p : series) {
            out.merge(p.ms() / periodMs, p, (a, b) -> b.rssBytes() > a.rssBytes() ? b : a);
        }
        return new ArrayList<>(out.values());
    }
}
