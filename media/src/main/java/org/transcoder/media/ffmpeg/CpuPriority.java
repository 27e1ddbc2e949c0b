package org.transcoder.media.ffmpeg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Lower CPU priority for native work nobody waits for yet (a video's later chunks, its whole audio
 * track): what makes a video playable (its first chunk, the start of its audio) gets the CPU first,
 * and the rest has the whole machine whenever nothing more urgent runs.
 */
public final class CpuPriority {

    /** Niceness of background work. */
    public static final int BACKGROUND_NICENESS = 19;

    /**
     * Runs the rest of the command at {@link #BACKGROUND_NICENESS}. Every child has a session of
     * its own (NativeProcess), and where the kernel groups tasks by session (autogroup, the default
     * on desktop and many server kernels) a nice value only counts within its group: the group's
     * own nice is set too, from inside the session (/proc/self/autogroup).
     */
    private static final List<String> BACKGROUND =
            Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/usr/bin/nice"))
                    ? List.of(
                            "/bin/sh",
                            "-c",
                            "echo "
                                    + BACKGROUND_NICENESS
                                    + " > /proc/self/autogroup 2>/dev/null;"
                                    + " exec /usr/bin/nice -n "
                                    + BACKGROUND_NICENESS
                                    + " \"$@\"",
                            "background")
                    : List.of();

    private CpuPriority() {}

    /** The prefix that runs a command in the background (empty where nice is not available). */
    public static List<String> background() {
        return BACKGROUND;
    }
}
