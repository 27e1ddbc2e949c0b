package org.transcoder.media.validate;

import java.io.Serializable;
import java.util.Set;

/**
 * What uploads the platform accepts. Containers are FFmpeg demuxer names (a file matches when any
 * of its demuxer's names is allowed).
 */
public record ValidationPolicy(
        Set<String> allowedContainers,
        Set<String> allowedVideoCodecs,
        long maxSizeBytes,
        double maxDurationSeconds,
        long maxPixels,
        int decodeCheckFrames)
        implements Serializable {

    public static ValidationPolicy defaults() {
        return new ValidationPolicy(
                Set.of(
                        "mov",
                        "mp4",
                        "m4a",
                        "3gp",
                        "3g2",
                        "mj2",
                        "matroska",
                        "webm",
                        "mpegts",
                        "avi",
                        "dv",
                        "flv",
                        "mpeg",
                        "ogg",
                        "mxf",
                        "asf",
                        "mp3",
                        "wav",
                        "aac"),
                Set.of(
                        "h264",
                        "hevc",
                        "vp8",
                        "vp9",
                        "av1",
                        "mpeg2video",
                        "mpeg1video",
                        "mpeg4",
                        "dvvideo",
                        "prores",
                        "mjpeg",
                        "theora",
                        "wmv3",
                        "vc1",
                        "h263"),
                20L * 1024 * 1024 * 1024,
                4 * 3600,
                7680L * 4320,
                10);
    }

    public ValidationPolicy withMaxDurationSeconds(double seconds) {
        return new ValidationPolicy(
                allowedContainers,
                allowedVideoCodecs,
                maxSizeBytes,
                seconds,
                maxPixels,
                decodeCheckFrames);
    }

    public ValidationPolicy withMaxSizeBytes(long bytes) {
        return new ValidationPolicy(
                allowedContainers,
                allowedVideoCodecs,
                bytes,
                maxDurationSeconds,
                maxPixels,
                decodeCheckFrames);
    }
}
