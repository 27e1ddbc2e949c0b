package org.transcoder.media.validate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.ffmpeg.StepLimits;
import org.transcoder.media.ffmpeg.UntrustedInput;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.probe.VideoStreamInfo;

/**
 * Accepts a probed file or rejects it with a reason code and a message a user can act on. The cheap
 * checks run first; the last one decodes the first frames, in a child process.
 */
public final class MediaValidator {

    /** One decoder thread, a handful of frames: its CPU time is bounded by its wall time. */
    private static final StepLimits DECODE_LIMITS =
            new StepLimits(Duration.ofSeconds(60), Duration.ofSeconds(60));

    private final ValidationPolicy policy;

    public MediaValidator(ValidationPolicy policy) {
        this.policy = policy;
    }

    /** Returns the accepted video stream, or throws the rejection. */
    public VideoStreamInfo validate(Path file, MediaInfo info) throws MediaException {
        try (EarlyDecode none = new EarlyDecode(file)) {
            return validate(file, info, none);
        }
    }

    /**
     * The same, with the decode check's result taken from {@code early} where it started at the
     * header. The checks and their order are the same: the first failing one is the reason.
     */
    public VideoStreamInfo validate(Path file, MediaInfo info, EarlyDecode early)
            throws MediaException {
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
        if (!containerAllowed(info.container())) {
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
        checkTimeline(info, video);
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
        checkDecodes(early, info, video);
        return video;
    }

    /**
     * Frame rate and gaps from the packet timestamps, not the header: a header can claim 25 fps
     * over 1000 fps packets, and 60 frames can span hours of timeline, which the encodes would fill
     * with a held frame and padded audio.
     */
    private void checkTimeline(MediaInfo info, VideoStreamInfo video) throws MediaException {
        List<Double> pts = info.framePts();
        double maxGap = 0;
        double gapAt = 0;
        int peak = 0;
        int from = 0;
        for (int i = 0; i < pts.size(); i++) {
            if (i > 0 && pts.get(i) - pts.get(i - 1) > maxGap) {
                maxGap = pts.get(i) - pts.get(i - 1);
                gapAt = pts.get(i - 1) - info.videoStartPts();
            }
            while (pts.get(i) - pts.get(from) >= 1.0) {
                from++;
            }
            peak = Math.max(peak, i - from + 1);
        }
        if (maxGap > policy.maxFrameGapSeconds()) {
            throw reject(
                    ReasonCode.CORRUPT_INPUT,
                    "The video's timestamps jump by %.1f s after %.1f s; at most %.1f s between"
                            + " two frames is accepted",
                    maxGap,
                    gapAt,
                    policy.maxFrameGapSeconds());
        }
        double duration = info.videoDurationSeconds();
        double measured = duration > 0 ? pts.size() / duration : 0;
        // A rate sampled over one second can be one frame over at its edges.
        double worst = Math.max(video.avgFrameRate(), Math.max(measured, peak - 1));
        if (worst > policy.maxFrameRate() + 0.01) {
            throw reject(
                    ReasonCode.TOO_HIGH_FRAME_RATE,
                    "Video has %.1f frames per second; the limit is %.1f",
                    worst,
                    policy.maxFrameRate());
        }
    }

    /**
     * The decode check of {@code file}, started when the probe has read the header ({@link
     * MediaProbe#probe(Path, ValidationPolicy, MediaProbe.HeaderListener)}): it decodes while the
     * probe lists every packet. It starts only for a header that passes every check that can be
     * made on a header (size, container, codec, frame size), so no decoder sees a stream the
     * validator would refuse before decoding; a file that then fails a timeline check has cost at
     * most its handful of decoded frames. Closing it stops a check still running.
     */
    public final class EarlyDecode implements AutoCloseable {
        private final Path file;
        private MediaProbe.Header header;
        private Future<ProcessResult> running;

        private EarlyDecode(Path file) {
            this.file = file;
        }

        /** Starts the decode check if {@code header} passes the checks before it. */
        public void start(MediaProbe.Header header) {
            if (running == null && acceptable(header)) {
                this.header = header;
                running =
                        NativeProcess.start(
                                decodeCommand(file, header.container(), header.videoIndex()),
                                FfmpegBinaries.get().environment(),
                                DECODE_LIMITS);
            }
        }

        /** Whether the check started at the header. */
        boolean started() {
            return running != null;
        }

        /**
         * The decode check's result: the early one's where it started for this stream, else run
         * now.
         */
        ProcessResult result(String container, int videoIndex) throws IOException {
            if (running == null
                    || !header.container().equals(container)
                    || header.videoIndex() != videoIndex) {
                return NativeProcess.run(
                        decodeCommand(file, container, videoIndex),
                        FfmpegBinaries.get().environment(),
                        DECODE_LIMITS);
            }
            try {
                return running.get();
            } catch (ExecutionException e) {
                // As if the check had run on this thread.
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException unexpected) {
                    throw unexpected;
                }
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while decoding", e);
            }
        }

        @Override
        public void close() {
            if (running != null) {
                running.cancel(true);
            }
        }
    }

    /** A decode check for {@code file}, to start at its header. */
    public EarlyDecode earlyDecode(Path file) {
        return new EarlyDecode(file);
    }

    /** The checks of {@link #validate} that the header alone can decide all pass. */
    private boolean acceptable(MediaProbe.Header h) {
        long pixels = (long) h.width() * h.height();
        return h.sizeBytes() <= policy.maxSizeBytes()
                && h.videoIndex() >= 0
                && containerAllowed(h.container())
                && policy.allowedVideoCodecs().contains(h.videoCodec())
                && h.width() > 0
                && h.height() > 0
                && pixels <= policy.maxPixels();
    }

    /** One of the probed container's names ("mov,mp4,m4a,...") is an allowed one. */
    private boolean containerAllowed(String container) {
        return Arrays.stream(container.split(",")).anyMatch(policy.allowedContainers()::contains);
    }

    private List<String> decodeCommand(Path file, String container, int videoIndex) {
        FfmpegBinaries ff = FfmpegBinaries.get();
        List<String> cmd = new ArrayList<>();
        cmd.addAll(
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
                        "1"));
        cmd.addAll(UntrustedInput.probed(file, container, policy.maxPixels()));
        cmd.addAll(
                List.of(
                        "-map",
                        "0:" + videoIndex,
                        "-frames:v",
                        Integer.toString(policy.decodeCheckFrames()),
                        "-f",
                        "null",
                        "-"));
        return cmd;
    }

    private static void checkDecodes(EarlyDecode early, MediaInfo info, VideoStreamInfo video)
            throws MediaException {
        ProcessResult r;
        try {
            r = early.result(info.container(), video.index());
        } catch (NativeProcess.ProcessTimeoutException e) {
            throw new MediaException(ReasonCode.CORRUPT_INPUT, "Decoding the first frames hung", e);
        } catch (NativeProcess.LimitExceededException e) {
            throw new MediaException(e.reason(), e.getMessage(), e);
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
