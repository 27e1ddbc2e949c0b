package org.transcoder.media.ffmpeg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.transcoder.media.ReasonCode;

/**
 * Runs a native child process with a wall-clock deadline and a CPU-time limit, capturing its output
 * and measuring its CPU time and peak memory. A hang is killed at the deadline, a child spending
 * more CPU than its step may is killed by the kernel; a crash is an exit code, not a dead JVM.
 */
public final class NativeProcess {

    /**
     * Children still running: a JVM that shuts down takes them with it instead of orphaning them.
     * Starting a child and registering it happen under the same lock as the reaper, so that no
     * child starts unseen while the JVM goes down.
     */
    private static final java.util.Set<Process> LIVE = new java.util.HashSet<>();

    private static boolean shuttingDown;

    /**
     * The reaper above cannot run in a JVM killed with SIGKILL (local mode killed by a user, a
     * TaskManager killed by Kubernetes or the OOM killer), and orphaned encoders would run on for
     * minutes. util-linux's setpriv sets the child's parent-death signal (prctl PR_SET_PDEATHSIG)
     * and execs the program, so the kernel sends it SIGKILL when the thread that started it dies;
     * that thread is the one waiting in {@link #run}, so it outlives the child. setsid (exec'd in
     * place: a child of the JVM is no process group leader, so it does not fork) puts the child in
     * a session of its own, so a Ctrl-C in the terminal (SIGINT to the whole foreground process
     * group) does not kill the encoders under a job that is being stopped cleanly: they are this
     * JVM's to stop. Where the tools are missing, children run as before.
     */
    private static final List<String> DIE_WITH_PARENT =
            java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/setpriv"))
                            && java.nio.file.Files.isExecutable(
                                    java.nio.file.Path.of("/usr/bin/setsid"))
                    ? List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/usr/bin/setsid")
                    : List.of();

    /**
     * util-linux prlimit sets RLIMIT_CPU on the child (the kernel sends SIGXCPU at the limit,
     * SIGKILL a second later, whatever the child does) and RLIMIT_CORE 0 (a decoder crashing on a
     * hostile file must not write gigabytes of core dump). Where it is missing, {@link #await}
     * kills a child whose measured CPU time passes the limit.
     */
    private static final String PRLIMIT =
            Files.isExecutable(Path.of("/usr/bin/prlimit")) ? "/usr/bin/prlimit" : null;

    /** Exit value of a child killed by SIGXCPU (128 + 24): its RLIMIT_CPU ran out. */
    private static final int EXIT_SIGXCPU = 152;

    /**
     * libavcodec's line when a decoded frame is larger than {@code -max_pixels}: the child is
     * stopped at the first one (FFmpeg would log it for every frame, and go on without them).
     */
    static final String OVERSIZED_FRAME = "exceeds specified max pixel count";

    private static final java.util.regex.Pattern OVERSIZED_FRAME_SIZE =
            java.util.regex.Pattern.compile(
                    "Picture size (\\d+x\\d+) " + OVERSIZED_FRAME + " (\\d+)");

    /**
     * Stderr kept per child: its beginning and its end. A hostile file can make FFmpeg log a line
     * per packet, gigabytes for a long file, which must not end up in the JVM's heap.
     */
    static final int STDERR_KEEP_CHARS = 32 * 1024;

    /** How often a running child's CPU time and memory are read from /proc. */
    private static final long SAMPLE_MILLIS = 50;

    private static void reapAll() {
        synchronized (LIVE) {
            shuttingDown = true;
            for (Process p : LIVE) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    private NativeProcess() {}

    /**
     * True once the JVM is shutting down and its children are being killed: a step that failed then
     * did not fail on its own input.
     */
    public static boolean shuttingDown() {
        synchronized (LIVE) {
            return shuttingDown;
        }
    }

    public static ProcessResult run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException {
        return run(command, env, StepLimits.wallOnly(timeout));
    }

    /**
     * Runs the command under the step's limits.
     *
     * @throws ProcessTimeoutException past the wall-clock deadline
     * @throws LimitExceededException past the CPU limit, or at the first decoded frame over the
     *     command's {@code -max_pixels}
     */
    public static ProcessResult run(
            List<String> command, Map<String, String> env, StepLimits limits) throws IOException {
        List<String> argv = new java.util.ArrayList<>(DIE_WITH_PARENT);
        if (PRLIMIT != null && limits.cpu() != null) {
            long seconds = Math.max(1, (long) Math.ceil(limits.cpu().toMillis() / 1000.0));
            argv.addAll(
                    List.of(PRLIMIT, "--cpu=" + seconds + ":" + (seconds + 1), "--core=0", "--"));
        }
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // Stdout goes to a file, not a pipe: a probe listing a million packets through a pipe
        // spent 2-3 times its own CPU time in wall time on a busy machine, switching between the
        // child and the thread reading it (10 s against 4 s).
        Path stdout = Files.createTempFile("native-stdout-", ".txt");
        try {
            pb.redirectOutput(stdout.toFile());
            long start = System.nanoTime();
            Process p;
            synchronized (LIVE) {
                if (shuttingDown) {
                    throw new IOException("JVM shutting down: not starting " + command.get(0));
                }
                p = pb.start();
                LIVE.add(p);
            }
            try {
                return await(p, command, limits, start, stdout);
            } finally {
                synchronized (LIVE) {
                    LIVE.remove(p);
                }
            }
        } finally {
            Files.deleteIfExists(stdout);
        }
    }

    /**
     * Threads that wait on children started by {@link #start}: each child dies with the thread that
     * started it (see {@link #DIE_WITH_PARENT}), and that thread waits in {@link #run} until the
     * child is gone, so a pool thread outlives its child.
     */
    private static final java.util.concurrent.ExecutorService BACKGROUND =
            java.util.concurrent.Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "native-process");
                        t.setDaemon(true);
                        return t;
                    });

    /**
     * {@link #run} on a thread of its own, so that a step can do something else meanwhile.
     * Cancelling the future with interruption kills the child.
     */
    public static java.util.concurrent.Future<ProcessResult> start(
            List<String> command, Map<String, String> env, StepLimits limits) {
        return BACKGROUND.submit(() -> run(command, env, limits));
    }

    private static ProcessResult await(
            Process p, List<String> command, StepLimits limits, long start, Path stdout)
            throws IOException {
        BoundedLines err = new BoundedLines();
        CompletableFuture<Void> errDone = err.drain(p.getErrorStream());
        Usage usage = new Usage(p.pid());
        long deadline = start + limits.wall().toNanos();
        try {
            while (!p.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                usage.sample();
                if (err.oversizedFrame) {
                    kill(p);
                    throw oversized(command, err, usage);
                }
                if (limits.cpu() != null && usage.cpuMillis > limits.cpu().toMillis()) {
                    kill(p); // no prlimit here: the measurement is the limit
                    throw cpuExceeded(command, limits, usage);
                }
                if (System.nanoTime() > deadline) {
                    kill(p);
                    throw new ProcessTimeoutException(command.get(0), limits.wall(), err.text());
                }
            }
            errDone.join();
            long wall = (System.nanoTime() - start) / 1_000_000;
            if (p.exitValue() == EXIT_SIGXCPU && limits.cpu() != null) {
                throw cpuExceeded(command, limits, usage);
            }
            if (err.oversizedFrame) {
                throw oversized(command, err, usage);
            }
            return new ProcessResult(
                    p.exitValue(),
                    new String(Files.readAllBytes(stdout), StandardCharsets.UTF_8),
                    err.text(),
                    wall,
                    usage.cpuMillis,
                    usage.peakRssKb);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + command.get(0), e);
        }
    }

    /** The program's name, not its path: messages reach users, the server's layout must not. */
    private static String program(List<String> command) {
        return Path.of(command.get(0)).getFileName().toString();
    }

    /** "a decoded frame of 8192x4352": the size from libavcodec's line, without its addresses. */
    private static LimitExceededException oversized(
            List<String> command, BoundedLines err, Usage usage) {
        java.util.regex.Matcher m = OVERSIZED_FRAME_SIZE.matcher(err.firstOversizedLine);
        String what =
                m.find()
                        ? "a decoded frame of "
                                + m.group(1)
                                + ", over the limit of "
                                + m.group(2)
                                + " pixels"
                        : "a decoded frame over the pixel limit";
        return new LimitExceededException(
                ReasonCode.TOO_MANY_PIXELS, program(command) + " stopped at " + what, usage);
    }

    private static LimitExceededException cpuExceeded(
            List<String> command, StepLimits limits, Usage usage) {
        return new LimitExceededException(
                ReasonCode.CPU_LIMIT_EXCEEDED,
                program(command)
                        + " used more than its "
                        + limits.cpu().toSeconds()
                        + " CPU-seconds and was killed",
                usage);
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "native-process-drain");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A child's stderr, read line by line: the first and the last {@link #STDERR_KEEP_CHARS}
     * characters are kept, and the first line saying a frame was over the pixel limit is noted.
     */
    private static final class BoundedLines {
        private final StringBuilder head = new StringBuilder();
        private final java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
        private int tailChars;
        private boolean cut;
        volatile boolean oversizedFrame;
        volatile String firstOversizedLine;

        CompletableFuture<Void> drain(InputStream in) {
            return CompletableFuture.runAsync(
                    () -> {
                        try (BufferedReader r =
                                new BufferedReader(
                                        new InputStreamReader(in, StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = r.readLine()) != null) {
                                add(line);
                            }
                        } catch (IOException e) {
                            // the child was killed while we read: what we have is its output
                        }
                    },
                    NativeProcess::daemon);
        }

        private synchronized void add(String line) {
            if (!oversizedFrame && line.contains(OVERSIZED_FRAME)) {
                firstOversizedLine = line.length() > 300 ? line.substring(0, 300) : line;
                oversizedFrame = true;
            }
            if (head.length() < STDERR_KEEP_CHARS) {
                head.append(line).append('\n');
                return;
            }
            tail.addLast(line);
            tailChars += line.length() + 1;
            while (tailChars > STDERR_KEEP_CHARS && tail.size() > 1) {
                tailChars -= tail.removeFirst().length() + 1;
                cut = true;
            }
        }

        synchronized String text() {
            StringBuilder s = new StringBuilder(head);
            if (cut) {
                s.append("...\n");
            }
            for (String line : tail) {
                s.append(line).append('\n');
            }
            return s.toString();
        }
    }

    /**
     * CPU time and peak resident memory of a running child, sampled from /proc (the pid stays the
     * same through setpriv, setsid and prlimit: each execs the next). A child that ends between two
     * samples reports what the last one saw.
     */
    static final class Usage {
        private static final long TICK_MILLIS = 10; // USER_HZ is 100 on Linux
        private final Path stat;
        private final Path status;
        long cpuMillis;
        long peakRssKb;

        Usage(long pid) {
            this.stat = Path.of("/proc", Long.toString(pid), "stat");
            this.status = Path.of("/proc", Long.toString(pid), "status");
        }

        void sample() {
            try {
                String s = Files.readString(stat);
                // Fields after the command name (which may hold spaces and parentheses).
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
                cpuMillis = Math.max(cpuMillis, ticks * TICK_MILLIS);
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        peakRssKb = Math.max(peakRssKb, kb);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone between two samples, or no /proc: keep what we have
            }
        }
    }

    /**
     * The child passed one of its step's limits (CPU time, decoded frame size) and was stopped;
     * carries the reason a failure record shows.
     */
    public static final class LimitExceededException extends IOException {
        private final ReasonCode reason;
        private final long cpuMillis;
        private final long peakRssKb;

        LimitExceededException(ReasonCode reason, String message, Usage usage) {
            super(message);
            this.reason = reason;
            this.cpuMillis = usage.cpuMillis;
            this.peakRssKb = usage.peakRssKb;
        }

        public ReasonCode reason() {
            return reason;
        }

        /** CPU time the child had used when it was stopped (as last sampled). */
        public long cpuMillis() {
            return cpuMillis;
        }

        /** Peak resident memory of the child when it was stopped (as last sampled), in KiB. */
        public long peakRssKb() {
            return peakRssKb;
        }
    }

    /** The child ran past its deadline and was killed. */
    public static final class ProcessTimeoutException extends IOException {
        public ProcessTimeoutException(String program, Duration timeout, String stderr) {
            super(
                    program
                            + " ran past its "
                            + timeout.toSeconds()
                            + " s deadline and was killed. "
                            + stderr);
        }
    }
}
