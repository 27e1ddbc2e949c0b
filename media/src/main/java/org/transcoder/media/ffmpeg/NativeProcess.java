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

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(NativeProcess::reapAll, "native-process-reaper"));
    }

    private static void reapAll() {
        synchronized (LIVE) {
            shuttingDown = true;
            for (Process p : LIVE) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /**
     * The shutdown hook above does not run when the JVM is SIGKILLed (the kernel's OOM killer, a
     * TaskManager killed by its supervisor): its children would be re-parented and keep encoding
     * for minutes, burning the cores the restarted tasks need. On Linux, children are started under
     * util-linux's {@code setpriv --pdeathsig KILL}, which asks the kernel to SIGKILL the child
     * when the thread that started it dies (here the thread blocked in {@link #run} for the child's
     * whole life) and then execs the command itself (same pid, no extra process). Where setpriv is
     * missing, children start directly, as before.
     */
    private static final String SETPRIV = findSetpriv();

    private static String findSetpriv() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            java.io.File f = new java.io.File(dir, "setpriv");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private NativeProcess() {}

    public static ProcessResult run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(withParentDeathSignal(command));
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

    private static List<String> withParentDeathSignal(List<String> command) {
        if (SETPRIV == null) {
            return command;
        }
        List<String> wrapped = new java.util.ArrayList<>(command.size() + 4);
        wrapped.addAll(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
        wrapped.addAll(command);
        return wrapped;
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
