package org.transcoder.media.ffmpeg;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg and ffprobe executables bundled with JavaCV's FFmpeg build, unpacked once into
 * JavaCPP's cache (without loading any of its libraries into the JVM).
 *
 * <p>Native work runs in these executables as child processes, never through JNI in the JVM: a
 * decoder crash on a hostile file then ends one task, not the TaskManager with every slot's work.
 * The start-up check fails fast when the build lacks a required encoder, instead of FFmpeg's silent
 * fallback to another codec. Where the system lacks a device library the bundled libavdevice links
 * (libpulse.so.0 on a bare server), a stub takes its place ({@link DeviceLibraryStubs}): no root,
 * no package, no download.
 */
public final class FfmpegBinaries {

    /** Encoders the default ladder cannot do without. */
    public static final List<String> REQUIRED_ENCODERS = List.of("libx264", "aac", "mjpeg");

    private static final Logger LOG = LoggerFactory.getLogger(FfmpegBinaries.class);

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
                    local.start();
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
            // The whole platform directory, as files: ffmpeg/ffprobe and the libraries their
            // $ORIGIN runpath finds. Loader.load would also load the JNI wrappers into this JVM,
            // which needs every system library libavdevice links (and none is used here).
            File[] cached =
                    Loader.cacheResources(
                            org.bytedeco.ffmpeg.ffmpeg.class, Loader.getPlatform() + "-gpl/");
            Path dir = cached[0].toPath();
            Path ffmpeg = dir.resolve("ffmpeg");
            Path ffprobe = dir.resolve("ffprobe");
            for (Path p : List.of(ffmpeg, ffprobe)) {
                if (!Files.isRegularFile(p)) {
                    throw new IOException("no " + p.getFileName() + " in " + dir);
                }
                if (!Files.isExecutable(p)) {
                    p.toFile().setExecutable(true);
                }
            }
            return new FfmpegBinaries(ffmpeg, ffprobe);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot unpack the bundled FFmpeg executables (org.bytedeco:ffmpeg linux-x86_64-gpl): "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Runs {@code ffmpeg -encoders}: it must start and list the encoders the ladder needs. A device
     * library the system lacks gets its stub, and ffmpeg is tried again.
     */
    private void start() {
        for (int stubs = 0; ; stubs++) {
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
            if (result.exitCode() == 0) {
                requireEncoders(result.stdout());
                return;
            }
            Optional<String> missing = DeviceLibraryStubs.missingDeviceLibrary(result.stderr());
            if (missing.isEmpty() || stubs >= DeviceLibraryStubs.DEVICE_LIBRARIES.size()) {
                throw new IllegalStateException(
                        "The bundled ffmpeg does not start (exit "
                                + result.exitCode()
                                + "): "
                                + result.stderrTail());
            }
            try {
                Path stub = DeviceLibraryStubs.writeFor(missing.get(), ffmpeg.getParent());
                LOG.info(
                        "{} is not installed: the bundled FFmpeg uses a stub ({}); it opens no"
                                + " audio or video devices",
                        missing.get(),
                        stub);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "The bundled ffmpeg needs "
                                + missing.get()
                                + ", and no stub could be"
                                + " written: "
                                + e.getMessage(),
                        e);
            }
        }
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
