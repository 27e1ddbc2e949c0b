package org.transcoder.media.ffmpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Background work really runs behind: the child's nice value is raised, and where the kernel groups
 * tasks by session (autogroup) so is its session's group's, which is what the scheduler weighs
 * against other sessions (every child has one of its own).
 */
class CpuPriorityTest {

    /** Prints the process's nice value (field 19 of /proc/self/stat), then its autogroup line. */
    private static final String REPORT =
            "cut -d ' ' -f 19 /proc/self/stat; cat /proc/self/autogroup 2>/dev/null || true";

    private static ProcessResult run(List<String> prefix) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("/bin/sh", "-c", REPORT));
        return NativeProcess.run(cmd, Map.of(), Duration.ofSeconds(20));
    }

    @Test
    void backgroundCommandsRunNicedInANicedAutogroup() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/nice")), "no nice(1) on this machine");
        ProcessResult normal = run(List.of());
        ProcessResult background = run(CpuPriority.background());
        assertEquals(0, background.exitCode(), background.stderr());
        String[] before = normal.stdout().strip().split("\n");
        String[] after = background.stdout().strip().split("\n");
        int base = Integer.parseInt(before[0].strip());
        assertEquals(
                Math.min(19, base + CpuPriority.BACKGROUND_NICENESS),
                Integer.parseInt(after[0].strip()),
                "nice value");
        if (before.length > 1
                && Files.exists(Path.of("/proc/sys/kernel/sched_autogroup_enabled"))) {
            // "/autogroup-123 nice 0": a group of its own (its session's), at the same niceness.
            assertEquals(
                    "nice " + CpuPriority.BACKGROUND_NICENESS,
                    after[1].substring(after[1].indexOf("nice")),
                    "autogroup of the background session: " + after[1]);
        }
    }
}
