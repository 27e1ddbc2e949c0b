package org.transcoder.media.ffmpeg;

/** Exit status and captured output of a finished child process. */
public record ProcessResult(int exitCode, String stdout, String stderr, long wallMillis) {

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
