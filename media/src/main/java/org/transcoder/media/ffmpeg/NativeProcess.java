package org.transcoder.media.ffmpeg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a native child process with a deadline, capturing its output. A hang is killed at the
 * deadline; a crash is an exit code, not a dead JVM.
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
        List<String> argv = new java.util.ArrayList<>(DIE_WITH_PARENT);
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
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
            return await(p, command, timeout, start);
        } finally {
            synchronized (LIVE) {
                LIVE.remove(p);
            }
        }
    }

    private static ProcessResult await(
            Process p, List<String> command, Duration timeout, long start) throws IOException {
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new ProcessTimeoutException(command.get(0), timeout, err.getNow(""));
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            return new ProcessResult(p.exitValue(), out.join(), err.join(), wall);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + command.get(0), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (in) {
                        ByteArrayOutputStream buf = new ByteArrayOutputStream();
                        in.transferTo(buf);
                        return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                r -> {
                    Thread t = new Thread(r, "native-process-drain");
                    t.setDaemon(true);
                    t.start();
                });
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
