package org.transcoder.media.ffmpeg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Loader;

/**
 * The ffmpeg and ffprobe executables bundled with JavaCV's FFmpeg build, unpacked once by JavaCPP.
 *
 * <p>Native work runs in these executables as child processes, never through JNI in the JVM: a
 * decoder crash on a hostile file then ends one task, not the TaskManager with every slot's work.
 * The start-up check fails fast when the build lacks a required encoder, instead of FFmpeg's silent
 * fallback to another codec.
 */
public final class FfmpegBinaries {

    /** Encoders the default ladder cannot do without. */
    public static final List<String> REQUIRED_ENCODERS = List.of("libx264", "aac", "mjpeg");

    private static volatile FfmpegBinaries instance;

    private final Path ffmpeg;
    private final Path ffprobe;

    private FfmpegBinaries(Path ffmpeg, Path ffprobe) {
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
    }

    /** Unpacks the executables (first call only) and checks that they start and can encode. */
    public static FfmpegBinaries get() {
        FfmpegBinaries local = instance;
        if (local == null) {
            synchronized (FfmpegBinaries.class) {
                local = instance;
                if (local == null) {
                    local = locate();
                    local.checkEncoders();
                    instance = local;
                }
            }
        }
        return local;
    }

    public Path ffmpeg() {
        return ffmpeg;
    }

    public Path ffprobe() {
        return ffprobe;
    }

    /** Environment for the child processes: the bundled shared libraries sit beside them. */
    public Map<String, String> environment() {
        String dir = ffmpeg.getParent().toString();
        String existing = System.getenv("LD_LIBRARY_PATH");
        return Map.of(
                "LD_LIBRARY_PATH",
                existing == null || existing.isBlank() ? dir : dir + ":" + existing,
                // Keep FFmpeg's own thread pools from fighting over cores with each other:
                // the caller decides how many encodes run at once.
                "AV_LOG_FORCE_NOCOLOR",
                "1");
    }

    private static FfmpegBinaries locate() {
        try {
            Path ffmpeg = Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
            Path ffprobe = Path.of(Loader.load(org.bytedeco.ffmpeg.ffprobe.class));
            for (Path p : List.of(ffmpeg, ffprobe)) {
                if (!Files.isExecutable(p)) {
                    p.toFile().setExecutable(true);
                }
            }
            return new FfmpegBinaries(ffmpeg, ffprobe);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot unpack the bundled FFmpeg executables (org.bytedeco:ffmpeg linux-x86_64-gpl): "
                            + e.getMessage(),
                    e);
        }
    }

    private void checkEncoders() {
        ProcessResult result;
        try {
            result =
                    NativeProcess.run(
                            List.of(ffmpeg.toString(), "-hide_banner", "-encoders"),
                            environment(),
                            Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot start the bundled ffmpeg: " + e.getMessage(), e);
        }
        if (result.exitCode() != 0) {
            String hint =
                    result.stderr().contains("libpulse")
                            ? " The bundled ffmpeg links libpulse.so.0: install it (Debian/Ubuntu:"
                                    + " apt-get install libpulse0; Fedora: dnf install pulseaudio-libs)."
                            : "";
            throw new IllegalStateException(
                    "The bundled ffmpeg does not start (exit "
                            + result.exitCode()
                            + "): "
                            + result.stderrTail()
                            + hint);
        }
        requireEncoders(result.stdout());
    }

    /** Fails with a clear message when {@code ffmpeg -encoders} output lacks a required encoder. */
    static void requireEncoders(String encodersListing) {
        for (String encoder : REQUIRED_ENCODERS) {
            if (!encodersListing.matches("(?s).*\\s" + encoder + "\\s.*")) {
                throw new IllegalStateException(
                        "The bundled FFmpeg build has no '"
                                + encoder
                                + "' encoder; the ladder needs "
                                + REQUIRED_ENCODERS
                                + ". Use the org.bytedeco:ffmpeg linux-x86_64-gpl classifier.");
            }
        }
    }
}
