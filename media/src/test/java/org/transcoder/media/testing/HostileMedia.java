package org.transcoder.media.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hostile media files built with the bundled ffmpeg as an attacker would, cached in {@link
 * GeneratedMedia#dir()} (each takes a few seconds to build once; never committed).
 */
public final class HostileMedia {

    private HostileMedia() {}

    /**
     * Matroska whose header says 640x360 (its first SPS) over a stream that switches to 8192x4352
     * frames after 2 s: two H.264 elementary streams of different sizes, concatenated and stream
     * copied into one container.
     */
    public static Path lyingHeader() {
        Path small =
                GeneratedMedia.generate(
                        "lying_part1_640x360.h264",
                        GeneratedMedia.args(
                                "-f lavfi -i testsrc2=size=640x360:rate=25:duration=2",
                                "-c:v libx264 -preset ultrafast -g 25 -pix_fmt yuv420p"));
        Path large =
                GeneratedMedia.generate(
                        "lying_part2_8192x4352.h264",
                        GeneratedMedia.args(
                                "-f lavfi -i testsrc2=size=8192x4352:rate=25 -frames:v 3",
                                "-c:v libx264 -preset ultrafast -g 25 -pix_fmt yuv420p"));
        Path joined = GeneratedMedia.dir().resolve("lying_parts_joined.h264");
        try {
            if (!Files.isRegularFile(joined)) {
                Path tmp = GeneratedMedia.dir().resolve(".tmp-" + joined.getFileName());
                Files.write(tmp, Files.readAllBytes(small));
                Files.write(
                        tmp, Files.readAllBytes(large), java.nio.file.StandardOpenOption.APPEND);
                Files.move(tmp, joined, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return GeneratedMedia.generate(
                "lying_header_640x360_frames_8192x4352.mkv",
                GeneratedMedia.args("-r 25 -f h264 -i", joined.toString(), "-c copy"));
    }

    /** 16x16 frames at 1000 fps for 10 minutes: 600,000 frames in 9 MB. */
    public static Path thousandFps10Minutes() {
        Path tenSeconds =
                GeneratedMedia.generate(
                        "fps1000_16x16_10s.mkv",
                        GeneratedMedia.args(
                                "-f lavfi -i color=c=gray:size=16x16:rate=1000:duration=10",
                                "-c:v libx264 -preset ultrafast -g 1000 -pix_fmt yuv420p"));
        return GeneratedMedia.generate(
                "fps1000_16x16_10min.mkv",
                GeneratedMedia.args("-stream_loop 59 -i", tenSeconds.toString(), "-c copy"));
    }

    /** 60 frames (and 2.4 s of audio) whose timestamps jump by 13,680 s (3.8 h) after frame 30. */
    public static Path timestampGap() {
        return GeneratedMedia.generate(
                "gap_3h48m_60_frames.mkv",
                GeneratedMedia.args(
                        "-f lavfi -i testsrc2=size=320x240:rate=25:duration=2.4",
                        "-f lavfi -i sine=frequency=440:duration=2.4:sample_rate=48000",
                        "-vf setpts=if(gte(N\\,30)\\,PTS+13680/TB\\,PTS) -fps_mode passthrough",
                        "-c:v libx264 -preset ultrafast -g 25 -pix_fmt yuv420p -c:a aac"));
    }

    /** 1.22 million 16x16 frames at 60 fps: 5.7 hours, a few MB. */
    public static Path tinyFrames57Hours() {
        Path tenMinutes =
                GeneratedMedia.generate(
                        "tiny_16x16_60fps_10min.mkv",
                        GeneratedMedia.args(
                                "-f lavfi -i color=c=gray:size=16x16:rate=60:duration=600",
                                "-c:v libx264 -preset ultrafast -g 600 -pix_fmt yuv420p"));
        return GeneratedMedia.generate(
                "tiny_16x16_60fps_5h40m.mkv",
                GeneratedMedia.args("-stream_loop 33 -i", tenMinutes.toString(), "-c copy"));
    }
}
