package org.transcoder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;

/**
 * Generates the benchmark's inputs with the bundled ffmpeg (never committed; cached by name under
 * the work dir): the long 1080p30 clip and the batch of short clips.
 */
final class Inputs {

    /** The only clip in the fixtures long enough to loop into natural-looking minutes. */
    static final String BBB = "vp8_bbb_720p_vorbis.webm";

    /**
     * A short clip of the batch: cut from a fixture at an offset (looped when the fixture is
     * shorter), optionally scaled, re-encoded to H.264/AAC MP4 with a 2 s GOP.
     */
    record ShortClip(String name, String fixture, double offset, double seconds, String scale) {}

    /**
     * The batch: 2-10 s, from six fixtures, four source sizes (240p to 1080p, so 1 to 5 rungs), six
     * of them 2 s long (the latency target is stated for 2 s clips).
     */
    static final List<ShortClip> BATCH =
            List.of(
                    new ShortClip("b01_bbb720_2s", BBB, 0, 2, null),
                    new ShortClip("b02_bbb1080_2s", BBB, 5, 2, "1920:1080"),
                    new ShortClip("b03_bbb720_2s", BBB, 10, 2, null),
                    new ShortClip("b04_bbb1080_2s", BBB, 15, 2, "1920:1080"),
                    new ShortClip("b05_sintel480_2s", "h264_854x480_sintel_mp3.mp4", 0, 2, null),
                    new ShortClip("b06_mpeg2_1080_2s", "mpeg2_1080p_mp2_bbb.ts", 0, 2, null),
                    new ShortClip("b07_bbb720_3s", BBB, 20, 3, null),
                    new ShortClip(
                            "b08_roadtrip240_3s", "vp9p2_10bit_roadtrip_426x240.webm", 0, 3, null),
                    new ShortClip("b09_asp400_4s", "mpeg4asp_960x400_mp3.avi", 0, 4, null),
                    new ShortClip("b10_bbb1080_4s", BBB, 3, 4, "1920:1080"),
                    new ShortClip("b11_bbb720_5s", BBB, 7, 5, null),
                    new ShortClip("b12_webcam720_5s", "h264_webcam_1080x720_aac.mp4", 0, 5, null),
                    new ShortClip("b13_bbb1080_6s", BBB, 12, 6, "1920:1080"),
                    new ShortClip("b14_sintel480_6s", "h264_854x480_sintel_mp3.mp4", 0, 6, null),
                    new ShortClip("b15_bbb720_7s", BBB, 1, 7, null),
                    new ShortClip("b16_bbb1080_8s", BBB, 9, 8, "1920:1080"),
                    new ShortClip("b17_bbb720_8s", BBB, 14, 8, null),
                    new ShortClip("b18_bbb720_10s", BBB, 18, 10, null),
                    new ShortClip("b19_bbb1080_10s", BBB, 4, 10, "1920:1080"),
                    new ShortClip("b20_asp400_3s", "mpeg4asp_960x400_mp3.avi", 1, 3, null));

    private final Path fixtures;
    private final Path dir;

    Inputs(Path fixtures, Path dir) {
        this.fixtures = fixtures;
        this.dir = dir;
    }

    /** Longer clips than this are the {@link #LOOP_BASE_SECONDS} clip stream-copied in a loop. */
    static final int MAX_ENCODED_SECONDS = 120;

    /** The clip a long one loops: 30 whole 2 s GOPs, so every join is on a keyframe. */
    static final int LOOP_BASE_SECONDS = 60;

    /**
     * The long clip: BBB looped, scaled to 1920x1080, 30 fps, x264 CRF 18, 2 s GOP, AAC. Longer
     * than {@link #MAX_ENCODED_SECONDS} (a 10-minute clip, say): the {@link #LOOP_BASE_SECONDS}
     * clip repeated by stream copy ({@code -stream_loop N -c copy -t SECONDS}), seconds of work
     * instead of minutes of encoding, the same picture every minute.
     */
    Path longClip(int seconds) throws IOException {
        Path out = dir.resolve(String.format(Locale.ROOT, "bbb_1080p30_%ds.mp4", seconds));
        if (Files.isRegularFile(out)) {
            return out;
        }
        if (seconds > MAX_ENCODED_SECONDS) {
            Path base = longClip(LOOP_BASE_SECONDS);
            int loops = (seconds + LOOP_BASE_SECONDS - 1) / LOOP_BASE_SECONDS - 1;
            generate(
                    List.of(
                            "-stream_loop",
                            Integer.toString(loops),
                            "-i",
                            base.toString(),
                            "-map",
                            "0:v:0",
                            "-map",
                            "0:a:0",
                            "-c",
                            "copy",
                            "-t",
                            Integer.toString(seconds),
                            "-movflags",
                            "+faststart"),
                    out);
            return out;
        }
        List<String> args =
                List.of(
                        "-stream_loop",
                        "-1",
                        "-i",
                        fixture(BBB).toString(),
                        "-t",
                        Integer.toString(seconds),
                        "-map",
                        "0:v:0",
                        "-map",
                        "0:a:0",
                        "-vf",
                        "scale=1920:1080:flags=bicubic,fps=30,format=yuv420p",
                        "-c:v",
                        "libx264",
                        "-preset",
                        "veryfast",
                        "-crf",
                        "18",
                        "-g",
                        "60",
                        "-keyint_min",
                        "60",
                        "-sc_threshold",
                        "0",
                        "-c:a",
                        "aac",
                        "-b:a",
                        "160k",
                        "-ar",
                        "48000",
                        "-ac",
                        "2",
                        "-movflags",
                        "+faststart");
        generate(args, out);
        return out;
    }

    /** The first {@code count} clips of the batch. */
    List<Path> batch(int count) throws IOException {
        List<Path> out = new ArrayList<>();
        for (ShortClip c : BATCH.subList(0, Math.min(count, BATCH.size()))) {
            Path file = dir.resolve(c.name() + ".mp4");
            if (!Files.isRegularFile(file)) {
                List<String> args = new ArrayList<>();
                args.addAll(List.of("-stream_loop", "-1"));
                if (c.offset() > 0) {
                    args.addAll(List.of("-ss", fmt(c.offset())));
                }
                args.addAll(List.of("-i", fixture(c.fixture()).toString()));
                args.addAll(List.of("-t", fmt(c.seconds()), "-map", "0:v:0", "-map", "0:a:0?"));
                String vf = "format=yuv420p";
                if (c.scale() != null) {
                    vf = "scale=" + c.scale() + ":flags=bicubic," + vf;
                }
                args.addAll(List.of("-vf", vf));
                args.addAll(
                        List.of(
                                "-c:v",
                                "libx264",
                                "-preset",
                                "veryfast",
                                "-crf",
                                "20",
                                "-force_key_frames",
                                "expr:gte(t,n_forced*2)",
                                "-sc_threshold",
                                "0",
                                "-c:a",
                                "aac",
                                "-b:a",
                                "128k",
                                "-ac",
                                "2",
                                "-movflags",
                                "+faststart"));
                generate(args, file);
            }
            out.add(file);
        }
        return out;
    }

    Path fixture(String name) throws IOException {
        Path p = fixtures.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IOException("Fixture missing: " + p + " (set --fixtures)");
        }
        return p;
    }

    private void generate(List<String> args, Path out) throws IOException {
        Files.createDirectories(dir);
        FfmpegBinaries ff = FfmpegBinaries.get();
        Path tmp = out.resolveSibling(".tmp-" + out.getFileName());
        List<String> cmd =
                new ArrayList<>(List.of(ff.ffmpeg().toString(), "-nostdin", "-v", "error", "-y"));
        cmd.addAll(args);
        cmd.add(tmp.toString());
        System.err.println("[bench] generating " + out.getFileName());
        ProcessResult r = NativeProcess.run(cmd, ff.environment(), Duration.ofMinutes(30));
        if (r.exitCode() != 0) {
            throw new IOException("Generating " + out + " failed: " + r.stderrTail());
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
