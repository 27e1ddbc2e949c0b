package org.transcoder.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager that shuts down must not leave its encoders running, burning the cores its
 * replacement needs: children still running when the JVM exits are killed with it.
 */
class NativeProcessReaperTest {

    /** Runs in a child JVM: starts a long native child, reports its pid, then exits. */
    public static final class ExitWhileChildRuns {
        public static void main(String[] args) throws Exception {
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    NativeProcess.run(
                                            List.of(
                                                    "sh",
                                                    "-c",
                                                    "echo $$ > " + args[0] + "; exec sleep 60"),
                                            Map.of(),
                                            Duration.ofMinutes(2));
                                } catch (Exception ignored) {
                                    // the JVM is going away
                                }
                            });
            t.setDaemon(true);
            t.start();
            Path pidFile = Path.of(args[0]);
            while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
                Thread.sleep(20);
            }
            if (args.length > 1 && args[1].equals("wait")) {
                Thread.sleep(120_000); // until the test SIGKILLs this JVM
            }
            System.exit(0);
        }
    }

    @Test
    void childrenDieWithTheJvm(@TempDir Path tmp) throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        Process jvm =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                ExitWhileChildRuns.class.getName(),
                                pidFile.toString())
                        .inheritIO()
                        .start();
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (running(pid) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(running(pid)).as("native child %d outlived its JVM", pid).isFalse();
    }

    /** SIGKILL skips the shutdown hook: the kernel must take the child (parent-death signal). */
    @Test
    void childrenDieWithASigkilledJvm(@TempDir Path tmp) throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        Process jvm =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                ExitWhileChildRuns.class.getName(),
                                pidFile.toString(),
                                "wait")
                        .inheritIO()
                        .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.exists(pidFile) || Files.readString(pidFile).isBlank())
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            jvm.destroyForcibly(); // SIGKILL
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (running(pid) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            boolean survived = running(pid);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            assertThat(survived).as("native child %d outlived its SIGKILLed JVM", pid).isFalse();
        } finally {
            jvm.destroyForcibly();
        }
    }

    /** Alive and not a zombie waiting for the init process to reap it. */
    private static boolean running(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String s = Files.readString(stat);
            return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException gone) {
            return false;
        }
    }
}
