package org.transcoder.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL and Redis run as child processes. A JVM that dies by SIGKILL cannot stop them, and a
 * leftover server holds the data directory and the port, so the next start on the same work
 * directory fails. Two defences: a watchdog that stops the server once this JVM is gone, and, on
 * start, stopping a leftover recorded in the server's pid file.
 */
public final class ChildProcesses {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcesses.class);

    /**
     * Polls this JVM once a second; when it is gone, sends {@code $3} to the server, then SIGKILL
     * if it is still there 5 s later. Ends by itself when the server ends first (a clean stop).
     */
    private static final String WATCHDOG =
            "while kill -0 \"$1\" 2>/dev/null; do kill -0 \"$2\" 2>/dev/null || exit 0; sleep 1;"
                    + " done; kill -\"$3\" \"$2\" 2>/dev/null; i=0; while kill -0 \"$2\" 2>/dev/null"
                    + " && [ $i -lt 10 ]; do sleep 0.5; i=$((i+1)); done; kill -KILL \"$2\""
                    + " 2>/dev/null";

    private ChildProcesses() {}

    /**
     * Starts a watchdog (a small {@code sh} loop, not a child of the server) that stops {@code pid}
     * with {@code signal} when this JVM dies. Returns it so that a clean stop can end it; empty
     * where no {@code sh} is available (the pid-file clean-up on the next start still applies).
     */
    public static Optional<Process> watchdog(long pid, String signal) {
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(
                            "sh",
                            "-c",
                            WATCHDOG,
                            "transcoder-watchdog",
                            Long.toString(ProcessHandle.current().pid()),
                            Long.toString(pid),
                            signal);
            // No pipes to this JVM: a reader of our output must not wait for the watchdog.
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            return Optional.of(pb.start());
        } catch (IOException e) {
            LOG.warn("No watchdog for pid {}: {}", pid, e.toString());
            return Optional.empty();
        }
    }

    /** The pid in the first line of {@code pidFile}, if the file exists and holds one. */
    public static Optional<Long> readPid(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim();
            return Optional.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops a leftover server whose pid {@code pidFile} records, if that process is alive and its
     * command contains {@code commandPart} (a pid reused by something else is left alone): first
     * {@code signal}, then SIGKILL after 10 s. Returns whether it found one.
     */
    public static boolean stopLeftover(Path pidFile, String commandPart, String signal) {
        Optional<ProcessHandle> leftover =
                readPid(pidFile)
                        .flatMap(ProcessHandle::of)
                        .filter(ProcessHandle::isAlive)
                        .filter(
                                h ->
                                        h.pid() != ProcessHandle.current().pid()
                                                && h.info()
                                                        .command()
                                                        .orElse("")
                                                        .contains(commandPart));
        if (leftover.isEmpty()) {
            return false;
        }
        ProcessHandle h = leftover.get();
        LOG.warn(
                "Stopping a leftover {} (pid {}) of an earlier run, recorded in {}",
                commandPart,
                h.pid(),
                pidFile);
        signal(h.pid(), signal);
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            h.onExit().join();
        }
        return true;
    }

    /** Sends a named signal (ProcessHandle knows only TERM and KILL). */
    static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
