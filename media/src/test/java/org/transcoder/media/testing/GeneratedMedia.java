package org.transcoder.media.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;

/**
 * Longer test inputs made by the bundled ffmpeg into {@code target/generated-media/} (or the
 * directory in system property {@code transcoder.generated}), cached by name and never committed.
 * Synthetic pictures get light noise so that they do not compress to nothing.
 */
public final class GeneratedMedia {

    public static final String PROPERTY = "transcoder.generated";

    /**
     * Not ultrafast: it turns off CABAC, so the "High" source comes out Constrained Baseline, and
     * it spends ~100 Mb/s on the noise (a 740 MB minute). superfast: High, ~3 Mb/s, ~3 s per 10 s
     * of 1080p on 2 cores.
     */
    private static final String PRESET = "superfast";

    private GeneratedMedia() {}

    /**
     * Not ultrafast: it turns off CABAC, so the "High" source comes out Constrained Baseline, and
     * it spends ~100 Mb/s on the noise (a 740 MB minute). superfast: High, ~3 Mb/s, ~3 s per 10 s
     * of 1080p on 2 cores.
     */
    private static final String X264 = "-c:v libx264 -preset superfast -pix_fmt yuv420p -crf 28";

    /** 60 s, 1920x1080, 30 fps H.264 High with a keyframe every 2 s (1800 frames), AAC stereo. */
    public static Path clip60s1080p30Gop2s() {
        return generate(
                "60s_1080p30_gop2s_aac.mp4",
                args(
                        "-f lavfi -i testsrc2=size=1920x1080:rate=30:duration=60",
                        "-f lavfi -i sine=frequency=440:beep_factor=4:duration=60:sample_rate=48000",
                        "-filter_complex [0:v]noise=alls=6:allf=t[v] -map [v] -map 1:a",
                        X264,
                        "-profile:v high -g 60 -keyint_min 60 -sc_threshold 0",
                        "-c:a aac -ac 2 -b:a 128k -movflags +faststart"));
    }

    /**
     * 60 s, 640x360, 30 fps H.264 with exactly one keyframe (the first), AAC stereo: the
     * screen-recording case where chunks cannot be cut at source keyframes.
     */
    public static Path clip60sSingleKeyframe() {
        return generate(
                "60s_360p30_single_keyframe_aac.mp4",
                args(
                        "-f lavfi -i testsrc2=size=640x360:rate=30:duration=60",
                        "-f lavfi -i sine=frequency=330:duration=60:sample_rate=48000",
                        "-filter_complex [0:v]noise=alls=6:allf=t[v] -map [v] -map 1:a",
                        X264,
                        "-x264-params keyint=infinite:min-keyint=1:scenecut=0",
                        "-c:a aac -ac 2 -b:a 96k -movflags +faststart"));
    }

    /** Space-separated argument groups (no argument here contains a space) as one list. */
    public static List<String> args(String... groups) {
        List<String> out = new ArrayList<>();
        for (String g : groups) {
            out.addAll(List.of(g.trim().split("\\s+")));
        }
        return out;
    }

    /** Where generated media go. */
    public static Path dir() {
        String prop = System.getProperty(PROPERTY);
        Path d =
                prop != null && !prop.isBlank()
                        ? Path.of(prop)
                        : Path.of("target", "generated-media").toAbsolutePath();
        try {
            return Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs ffmpeg with {@code args} (inputs, filters, codecs; no output) into {@code dir()/name}
     * unless that file exists already. Written to a temporary name first, so a killed run leaves no
     * half file behind to be reused.
     */
    public static synchronized Path generate(String name, List<String> args) {
        Path target = dir().resolve(name);
        if (Files.isRegularFile(target)) {
            try {
                if (Files.size(target) > 0) {
                    return target;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
        Path tmp = dir().resolve(".tmp-" + ProcessHandle.current().pid() + "-" + name);
        List<String> all = new ArrayList<>(args);
        if (!ext.isEmpty()) {
            all.addAll(List.of("-f", muxerFor(ext)));
        }
        try {
            ffmpeg(all, tmp);
            Files.move(
                    tmp,
                    target,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Generating " + name, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /**
     * Runs the bundled ffmpeg with {@code args} (inputs, filters, codecs, muxer) into {@code out}.
     */
    public static void ffmpeg(List<String> args, Path out) {
        FfmpegBinaries bin = FfmpegBinaries.get();
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.ffmpeg().toString());
        cmd.addAll(List.of("-hide_banner", "-nostdin", "-v", "error", "-y"));
        cmd.addAll(args);
        cmd.add(out.toString());
        try {
            ProcessResult r = NativeProcess.run(cmd, bin.environment(), Duration.ofMinutes(10));
            if (r.exitCode() != 0) {
                throw new IllegalStateException(
                        "Generating "
                                + out.getFileName()
                                + " failed (exit "
                                + r.exitCode()
                                + "): "
                                + r.stderrTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Generating " + out.getFileName(), e);
        }
    }

    private static String muxerFor(String ext) {
        return switch (ext) {
            case ".mp4", ".m4v" -> "mp4";
            case ".mkv" -> "matroska";
            case ".webm" -> "webm";
            case ".ts" -> "mpegts";
            case ".mov" -> "mov";
            case ".h264" -> "h264";
            default -> throw new IllegalArgumentException("No muxer known for " + ext);
        };
    }
}
