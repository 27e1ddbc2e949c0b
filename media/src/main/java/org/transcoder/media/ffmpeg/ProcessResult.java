package org.transcoder.media.ffmpeg;

/**
 * Exit status and captured output of a finished child process.
 *
 * @param cpuMillis user + system CPU time of the child, as last sampled while it ran
 * @param peakRssKb peak resident memory of the child (VmHWM), as last sampled while it ran
 */
public record ProcessResult(
        int exitCode,
        String stdout,
        String stderr,
        long wallMillis,
        long cpuMillis,
        long peakRssKb) {

    public ProcessResult(int exitCode, String stdout, String stderr, long wallMillis) {
        this(exitCode, stdout, stderr, wallMillis, 0, 0);
    }

    /** True when the process died of a signal (SIGSEGV, SIGABRT, SIGKILL...), not an exit call. */
    public boolean killedBySignal() {
        return exitCode > 128 && exitCode < 160;
    }

    /** The last lines of stderr, enough to say why it failed without flooding a record. */
    public String stderrTail() {
        String s = stderr.strip();
        return s.length() <= 600 ? s : "..." + s.substring(s.length() - 600);
    }
}
