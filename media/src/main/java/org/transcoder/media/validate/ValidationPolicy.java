package org.transcoder.media.validate;

import java.io.Serializable;
import java.time.Duration;
import java.util.Set;
import org.transcoder.media.ffmpeg.StepLimits;

/**
 * What uploads the platform accepts, and what the work on one may cost. Containers are FFmpeg
 * demuxer names (a file matches when any of its demuxer's names is allowed); they are also the only
 * demuxers FFmpeg may use on an upload (see {@link org.transcoder.media.ffmpeg.UntrustedInput}).
 *
 * <p>The limits hold during the work, not only in the header: {@code maxPixels} is given to every
 * decoder (a frame over it stops the step), {@code maxFrames} stops the probe from reading further
 * packets, frame rate and duration are measured from packet timestamps, every output file is capped
 * at {@code maxOutputBytes}, every native step at {@code maxStepCpu}.
 *
 * @param maxPixels width x height of the header and of every decoded frame
 * @param maxFrameRate frames per second: the header's average rate, the measured average, and the
 *     frames in any one second of the timeline
 * @param maxFrames video packets the probe reads; a video with more is TOO_LONG (bounds the probe
 *     of a file of millions of tiny frames to seconds)
 * @param maxFrameGapSeconds the longest time between two video frames: a jump of hours in the
 *     timestamps would become hours of held frame and padded audio
 * @param maxOutputBytes everything a video's renditions, audio and thumbnails may add up to; also
 *     the cap of each output file a native step writes
 * @param maxStepCpu CPU time one native step (stage, encode a chunk, audio, thumbnails) may use
 * @param maxStepWall wall-clock time of a staging or thumbnail step (chunk encodes and audio have
 *     the job's encode.task-timeout); the probe and the decode check stop sooner (2 min, 60 s)
 */
public record ValidationPolicy(
        Set<String> allowedContainers,
        Set<String> allowedVideoCodecs,
        long maxSizeBytes,
        double maxDurationSeconds,
        long maxPixels,
        int decodeCheckFrames,
        double maxFrameRate,
        long maxFrames,
        double maxFrameGapSeconds,
        long maxOutputBytes,
        Duration maxStepCpu,
        Duration maxStepWall)
        implements Serializable {

    /** Slow-motion phone video (240 fps) passes; a 1000 fps file of tiny frames does not. */
    public static final double DEFAULT_MAX_FRAME_RATE = 240;

    /**
     * 4.6 hours at 60 fps, 9 at 30, more than the longest accepted video at the usual rates; the
     * probe reads that many packets in ~5 s on one core.
     */
    public static final long DEFAULT_MAX_FRAMES = 1_000_000;

    /**
     * A minute without a new frame (an idle screen recording) is a video; more is a timestamp jump.
     */
    public static final double DEFAULT_MAX_FRAME_GAP_SECONDS = 60;

    /**
     * Above the default ladder's capped bit rates (12.9 Mb/s for all rungs and the audio) over the
     * longest accepted video (4 h, ~23 GB).
     */
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 32L * 1024 * 1024 * 1024;

    /**
     * Ten times the wall time of the largest chunk encode measured here (16 s of 1080p, five rungs:
     * ~30 CPU-s); a whole-track audio encode of 4 hours is ~3 CPU-minutes.
     */
    public static final Duration DEFAULT_MAX_STEP_CPU = Duration.ofMinutes(20);

    /** Staging (a stream copy) and thumbnails of a 4-hour 1080p source take minutes at most. */
    public static final Duration DEFAULT_MAX_STEP_WALL = Duration.ofMinutes(10);

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
                10,
                DEFAULT_MAX_FRAME_RATE,
                DEFAULT_MAX_FRAMES,
                DEFAULT_MAX_FRAME_GAP_SECONDS,
                DEFAULT_MAX_OUTPUT_BYTES,
                DEFAULT_MAX_STEP_CPU,
                DEFAULT_MAX_STEP_WALL);
    }

    /** The limits of a native step with this wall-clock deadline. */
    public StepLimits step(Duration wall) {
        return new StepLimits(wall, maxStepCpu);
    }

    /** The limits of a staging or thumbnail step: {@code maxStepWall} and {@code maxStepCpu}. */
    public StepLimits step() {
        return step(maxStepWall);
    }

    public ValidationPolicy withAllowedContainers(Set<String> value) {
        Copy c = new Copy(this);
        c.allowedContainers = value;
        return c.build();
    }

    public ValidationPolicy withAllowedVideoCodecs(Set<String> value) {
        Copy c = new Copy(this);
        c.allowedVideoCodecs = value;
        return c.build();
    }

    public ValidationPolicy withMaxSizeBytes(long value) {
        Copy c = new Copy(this);
        c.maxSizeBytes = value;
        return c.build();
    }

    public ValidationPolicy withMaxDurationSeconds(double value) {
        Copy c = new Copy(this);
        c.maxDurationSeconds = value;
        return c.build();
    }

    public ValidationPolicy withMaxPixels(long value) {
        Copy c = new Copy(this);
        c.maxPixels = value;
        return c.build();
    }

    public ValidationPolicy withMaxFrameRate(double value) {
        Copy c = new Copy(this);
        c.maxFrameRate = value;
        return c.build();
    }

    public ValidationPolicy withMaxFrames(long value) {
        Copy c = new Copy(this);
        c.maxFrames = value;
        return c.build();
    }

    public ValidationPolicy withMaxFrameGapSeconds(double value) {
        Copy c = new Copy(this);
        c.maxFrameGapSeconds = value;
        return c.build();
    }

    public ValidationPolicy withMaxOutputBytes(long value) {
        Copy c = new Copy(this);
        c.maxOutputBytes = value;
        return c.build();
    }

    public ValidationPolicy withMaxStepCpu(Duration value) {
        Copy c = new Copy(this);
        c.maxStepCpu = value;
        return c.build();
    }

    public ValidationPolicy withMaxStepWall(Duration value) {
        Copy c = new Copy(this);
        c.maxStepWall = value;
        return c.build();
    }

    /** The fields of a policy to change some of: each wither above changes one. */
    private static final class Copy {
        private Set<String> allowedContainers;
        private Set<String> allowedVideoCodecs;
        private long maxSizeBytes;
        private double maxDurationSeconds;
        private long maxPixels;
        private int decodeCheckFrames;
        private double maxFrameRate;
        private long maxFrames;
        private double maxFrameGapSeconds;
        private long maxOutputBytes;
        private Duration maxStepCpu;
        private Duration maxStepWall;

        private Copy(ValidationPolicy p) {
            allowedContainers = p.allowedContainers;
            allowedVideoCodecs = p.allowedVideoCodecs;
            maxSizeBytes = p.maxSizeBytes;
            maxDurationSeconds = p.maxDurationSeconds;
            maxPixels = p.maxPixels;
            decodeCheckFrames = p.decodeCheckFrames;
            maxFrameRate = p.maxFrameRate;
            maxFrames = p.maxFrames;
            maxFrameGapSeconds = p.maxFrameGapSeconds;
            maxOutputBytes = p.maxOutputBytes;
            maxStepCpu = p.maxStepCpu;
            maxStepWall = p.maxStepWall;
        }

        private ValidationPolicy build() {
            return new ValidationPolicy(
                    allowedContainers,
                    allowedVideoCodecs,
                    maxSizeBytes,
                    maxDurationSeconds,
                    maxPixels,
                    decodeCheckFrames,
                    maxFrameRate,
                    maxFrames,
                    maxFrameGapSeconds,
                    maxOutputBytes,
                    maxStepCpu,
                    maxStepWall);
        }
    }
}
