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
     * 30 s, 854x480, 30 fps H.264 High, a keyframe every 2 s, AAC stereo: a ladder (480p, 360p,
     * 240p) that 2 cores encode a few times faster than it plays.
     */
    public static Path clip30s480p30Gop2s() {
        return generate(
                "30s_480p30_gop2s_aac.mp4",
                args(
                        "-f lavfi -i testsrc2=size=854x480:rate=30:duration=30",
                        "-f lavfi -i sine=frequency=440:beep_factor=4:duration=30:sample_rate=48000",
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

    /**
     * An iPhone-like sub-second clip: 5 frames of HEVC Main10 at 30 fps (B-frames, so decode order
     * differs from presentation order) of which the last is held 7 frame times, a 90 degree display
     * rotation, a 600 Hz video timescale like Apple's, AAC stereo.
     */
    public static Path shortHevc10Rotated() {
        Path raw =
                generate(
                        "5frames_hevc10_30fps_raw.mp4",
                        args(
                                "-f lavfi -i testsrc2=size=640x360:rate=30",
                                "-f lavfi -i sine=frequency=440:sample_rate=48000",
                                "-frames:v 5 -t 0.1667 -c:v libx265 -preset ultrafast",
                                "-pix_fmt yuv420p10le -profile:v main10",
                                "-x265-params log-level=error:bframes=2 -tag:v hvc1",
                                "-c:a aac -ac 2 -b:a 96k -shortest"));
        // The last frame lasts 7 frame times, as in the clip the validator flagged: the stream's
        // average rate is then 13.6 fps while its frames are 1/30 s apart, and an encoder time
        // base of 1/(that rate) puts two of the five frames on one timestamp.
        return generate(
                "5frames_hevc10_30fps_rot90_long_last_aac.mp4",
                args(
                        "-display_rotation:v:0 90 -i " + raw,
                        "-c copy -video_track_timescale 600",
                        "-bsf:v setts=pts=PTS:dts=DTS:duration='if(eq(N,4),7*DURATION,DURATION)'"));
    }

    /**
     * 3 s of 30 fps H.264 + AAC whose frames 30..32 and 60..61 come 2 ms and 5 ms apart
     * (near-duplicate frames, as screen recorders write them): the 1/64 s rule must drop 31, 32 and
     * 61 and keep the rest.
     */
    public static Path vfrNearDuplicates() {
        // Times in ms: frame N at N*100/3, except 31 -> 1002, 32 -> 1005, 61 -> 2005.
        String t = "if(eq(N,31),1002,if(eq(N,32),1005,if(eq(N,61),2005,N*100/3)))";
        return generate(
                "3s_h264_vfr_near_duplicates_aac.mp4",
                args(
                        "-f lavfi -i testsrc2=size=640x360:rate=30:duration=3",
                        "-f lavfi -i sine=frequency=330:duration=3:sample_rate=48000",
                        "-filter_complex [0:v]noise=alls=6:allf=t,settb=1/1000,setpts='("
                                + t
                                + ")/1000/TB'[v]",
                        "-map [v] -map 1:a",
                        X264,
                        "-fps_mode passthrough -enc_time_base:v 1/1000 -video_track_timescale 1000",
                        "-c:a aac -ac 2 -b:a 96k"));
    }

    /**
     * 4 s of 25 fps H.264 with open GOPs (x264 open-gop: the I frame every 1 s is not an IDR and
     * the B-frames after it in decode order are shown before it and refer to the previous GOP), in
     * Matroska, with AAC.
     */
    public static Path openGop() {
        return generate(
                "4s_h264_open_gop_aac.mkv",
                args(
                        "-f lavfi -i testsrc2=size=640x360:rate=25:duration=4",
                        "-f lavfi -i sine=frequency=550:duration=4:sample_rate=48000",
                        "-filter_complex [0:v]noise=alls=6:allf=t[v] -map [v] -map 1:a",
                        X264,
                        "-x264-params open-gop=1:keyint=25:min-keyint=25:scenecut=0:bframes=3",
                        "-c:a aac -ac 2 -b:a 96k"));
    }

    /**
     * An MPEG-TS cut by stream copy 0.5 s into a 2 s GOP, keeping the frames before the next
     * keyframe ({@code -copyinkf}): its first 1.5 s of video reference parameter sets and pictures
     * that are not in the file, as a recording joined mid-broadcast. 6 s, 30 fps, AAC.
     */
    public static Path midGopTs() {
        Path whole =
                generate(
                        "6s_h264_gop2s_aac.ts",
                        args(
                                "-f lavfi -i testsrc2=size=640x360:rate=30:duration=6.5",
                                "-f lavfi -i sine=frequency=440:duration=6.5:sample_rate=48000",
                                "-filter_complex [0:v]noise=alls=6:allf=t[v] -map [v] -map 1:a",
                                X264,
                                "-g 60 -keyint_min 60 -sc_threshold 0 -bf 2",
                                "-c:a aac -ac 2 -b:a 96k"));
        return generate(
                "6s_h264_mid_gop_start_aac.ts",
                args("-i " + whole, "-ss 0.5 -c copy -copyinkf -map 0"));
    }

    /**
     * Extreme VFR, 6 s: bursts of 8 frames 10 ms apart (every other one closer than 1/64 s to the
     * previous kept frame) separated by 1 s without any frame, H.264 + AAC.
     */
    public static Path extremeVfr() {
        // Frame N: burst floor(N/8) starts at 1.07 s * burst, frames 10 ms apart within it.
        String t = "(floor(N/8)*1070+mod(N,8)*10)";
        return generate(
                "6s_h264_bursts_and_1s_gaps_aac.mp4",
                args(
                        "-f lavfi -i testsrc2=size=640x360:rate=30:duration=1.6",
                        "-f lavfi -i sine=frequency=660:duration=5.45:sample_rate=48000",
                        "-filter_complex [0:v]noise=alls=6:allf=t,settb=1/1000,setpts='"
                                + t
                                + "/1000/TB'[v]",
                        "-map [v] -map 1:a",
                        X264,
                        "-fps_mode passthrough -enc_time_base:v 1/1000 -video_track_timescale 1000",
                        "-x264-params keyint=16:min-keyint=16:scenecut=0",
                        "-c:a aac -ac 2 -b:a 96k"));
    }

    /** The file name of {@link #trimmedByStreamCopy}. */
    public static final String TRIMMED_BY_STREAM_COPY = "trimmed_by_stream_copy_2.9s.mp4";

    /**
     * 8 s with a keyframe every 2 s, cut from 2.9 s by stream copy ({@code ffmpeg -ss 2.9 -c copy},
     * as LosslessCut and many editors' quick trims do): the file keeps the GOP from 2 s for
     * decoding, and its edit list hides those 0.9 s (their packets discarded, at negative times).
     */
    public static Path trimmedByStreamCopy() {
        Path whole =
                generate(
                        "trim_source_8s_gop2s.mp4",
                        args(
                                "-f lavfi -i testsrc2=size=640x360:rate=30:duration=8",
                                "-f lavfi -i sine=frequency=440:sample_rate=48000:duration=8",
                                "-c:v libx264 -pix_fmt yuv420p -g 60 -keyint_min 60",
                                "-sc_threshold 0 -c:a aac"));
        return generate(
                TRIMMED_BY_STREAM_COPY,
                List.of("-ss", "2.9", "-i", whole.toString(), "-c", "copy"));
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
