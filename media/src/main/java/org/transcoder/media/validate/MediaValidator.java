package org.transcoder.media.validate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.VideoStreamInfo;

/**
 * Accepts a probed file or rejects it with a reason code and a message a user can act on. The cheap
 * checks run first; the last one decodes the first frames, in a child process.
 */
public final class MediaValidator {

    private static final Duration DECODE_TIMEOUT = Duration.ofSeconds(60);

    private final ValidationPolicy policy;

    public MediaValidator(ValidationPolicy policy) {
        this.policy = policy;
    }

    /** Returns the accepted video stream, or throws the rejection. */
    public VideoStreamInfo validate(Path file, MediaInfo info) throws MediaException {
        if (info.sizeBytes() > policy.maxSizeBytes()) {
            throw reject(
                    ReasonCode.TOO_LARGE,
                    "File is %d bytes; the limit is %d",
                    info.sizeBytes(),
                    policy.maxSizeBytes());
        }
        VideoStreamInfo video =
                info.video()
                        .orElseThrow(
                                () ->
                                        reject(
                                                ReasonCode.NO_VIDEO_STREAM,
                                                "No video stream (%s with %d audio stream(s))",
                                                info.container(),
                                                info.audioStreams().size()));
        boolean containerAllowed =
                Arrays.stream(info.container().split(","))
                        .anyMatch(policy.allowedContainers()::contains);
        if (!containerAllowed) {
            throw reject(
                    ReasonCode.UNSUPPORTED_CONTAINER,
                    "Container '%s' is not supported",
                    info.container());
        }
        if (!policy.allowedVideoCodecs().contains(video.codec())) {
            throw reject(
                    ReasonCode.UNSUPPORTED_CODEC,
                    "Video codec '%s' is not supported",
                    video.codec());
        }
        if (info.framePts().isEmpty() || video.width() <= 0 || video.height() <= 0) {
            throw reject(ReasonCode.CORRUPT_INPUT, "The video stream has no readable frames");
        }
        double duration = info.videoDurationSeconds();
        if (duration > policy.maxDurationSeconds()) {
            throw reject(
                    ReasonCode.TOO_LONG,
                    "Video is %.1f s long; the limit is %.1f s",
                    duration,
                    policy.maxDurationSeconds());
        }
        long pixels = (long) video.width() * video.height();
        if (pixels > policy.maxPixels()) {
            throw reject(
                    ReasonCode.TOO_MANY_PIXELS,
                    "Video is %dx%d; the limit is %d pixels per frame",
                    video.width(),
                    video.height(),
                    policy.maxPixels());
        }
        if (info.warnings().toLowerCase(Locale.ROOT).contains("partial file")) {
            throw reject(
                    ReasonCode.CORRUPT_INPUT, "The file is truncated: its media data ends early");
        }
        checkDecodes(file, video);
        return video;
    }

    private void checkDecodes(Path file, VideoStreamInfo video) throws MediaException {
        FfmpegBinaries ff = FfmpegBinaries.get();
        List<String> cmd =
                List.of(
                        ff.ffmpeg().toString(),
                        "-nostdin",
                        "-hide_banner",
                        "-v",
                        "error",
                        "-xerror",
                        // One decoder thread: frame threads would cost more to start than the
                        // handful of frames checked here (~0.1 CPU-s a video at 1080p).
                        "-threads",
                        "1",
                        "-i",
                        file.toString(),
                        "-map",
                        "0:" + video.index(),
                        "-frames:v",
                        Integer.toString(policy.decodeCheckFrames()),
                        "-f",
                        "null",
                        "-");
        ProcessResult r;
        try {
            r = NativeProcess.run(cmd, ff.environment(), DECODE_TIMEOUT);
        } catch (NativeProcess.ProcessTimeoutException e) {
            throw new MediaException(ReasonCode.CORRUPT_INPUT, "Decoding the first frames hung", e);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Cannot run ffmpeg: " + e.getMessage(), e);
        }
        if (r.exitCode() != 0) {
            String why = r.killedBySignal() ? "the decoder crashed" : r.stderrTail();
            throw reject(
                    ReasonCode.CORRUPT_INPUT,
                    "The %s video does not decode: %s",
                    video.codec(),
                    why);
        }
    }

    private static MediaException reject(ReasonCode code, String format, Object... args) {
        return new MediaException(code, String.format(Locale.ROOT, format, args));
    }
}
