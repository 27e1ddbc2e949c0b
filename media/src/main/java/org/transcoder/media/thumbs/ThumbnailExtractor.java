package org.transcoder.media.thumbs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.VideoFilters;
import org.transcoder.media.ffmpeg.CpuPriority;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.ffmpeg.UntrustedInput;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.VideoStreamInfo;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * Makes the poster (one frame early in the video) and a storyboard sprite of evenly spaced tiles
 * with its WebVTT index, both from one ffmpeg process that decodes keyframes only where it can:
 * seek previews need no more, and decoding every frame would cost as much as a rendition.
 */
public final class ThumbnailExtractor {

    static final int TILE_LONG_SIDE = 160;
    static final int COLUMNS = 10;
    static final int MAX_TILES = 100;
    static final double MAX_KEYFRAME_INTERVAL = 10.0;

    private ThumbnailExtractor() {}

    public static Thumbnails extract(Path source, MediaInfo info, EncodeSpec spec, Path outDir)
            throws MediaException {
        return extract(source, info, spec, outDir, ValidationPolicy.defaults());
    }

    /** Under the policy's limits: pixels of every decoded frame, output size, CPU time. */
    public static Thumbnails extract(
            Path source, MediaInfo info, EncodeSpec spec, Path outDir, ValidationPolicy policy)
            throws MediaException {
        VideoStreamInfo video = info.video().orElseThrow();
        EncodeSpec upright = spec.withRotation(0); // ffmpeg applies the display matrix itself here
        List<String> normalize = VideoFilters.normalize(upright);
        double duration = info.videoDurationSeconds();
        Path dir = outDir.resolve(OutputLayout.THUMBNAILS_DIR);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Thumbnail dir: " + e.getMessage(), e);
        }
        int w;
        int h;
        if (video.displayWidth() >= video.displayHeight()) {
            w = TILE_LONG_SIDE;
            h = even(TILE_LONG_SIDE * video.displayHeight() / (double) video.displayWidth());
        } else {
            h = TILE_LONG_SIDE;
            w = even(TILE_LONG_SIDE * video.displayWidth() / (double) video.displayHeight());
        }
        double gop = info.maxGopSeconds();
        double interval = tileInterval(duration, gop);
        boolean keyframesOnly = gop <= interval;
        int tiles = Math.max(1, (int) Math.ceil(duration / interval));
        int rows = (tiles + COLUMNS - 1) / COLUMNS;
        int cols = Math.min(COLUMNS, tiles);
        double posterAt = Math.min(2.0, duration / 3);
        // JPEGs are BT.601 full range: convert the matrix (specs from before colours: as then).
        String toJpeg = spec.colors() == null ? "" : "," + spec.colors().toJpegFilter();

        // One decode feeds both pictures. Cloning the last frame past the end guarantees the poster
        // a frame at posterAt, fps a frame beyond its last tick and the tile filter every tile it
        // waits for, even for one-keyframe or one-second videos; the clones are few (a second or
        // one interval at the frame rate, then tiles), not the whole storyboard at the frame rate.
        String graph =
                "[0:"
                        + video.index()
                        + "]"
                        + String.join(",", normalize)
                        + (normalize.isEmpty() ? "" : ",")
                        + "split=2[p][s];"
                        + String.format(
                                Locale.ROOT,
                                "[p]tpad=stop_mode=clone:stop_duration=%s,select='gte(t,%s)',"
                                        + "scale='min(1280,iw)':-2%s,format=yuvj420p[poster];",
                                fmt(posterAt + 1),
                                fmt(posterAt),
                                toJpeg)
                        + String.format(
                                Locale.ROOT,
                                "[s]tpad=stop_mode=clone:stop_duration=%s,fps=1/%s,tpad=stop_mode=clone:stop=%d,"
                                        + "scale=%d:%d%s,format=yuvj420p,setsar=1,"
                                        + "tile=%dx%d[sprite]",
                                fmt(interval),
                                fmt(interval),
                                tiles + 1,
                                w,
                                h,
                                toJpeg,
                                cols,
                                rows);
        Path poster = dir.resolve(OutputLayout.POSTER);
        Path sprite = dir.resolve(OutputLayout.STORYBOARD);
        for (boolean sparse : keyframesOnly ? List.of(true, false) : List.of(false)) {
            List<String> args = new ArrayList<>();
            if (sparse) {
                // A fraction of a full decode: with keyframes at least every interval, they alone
                // show every tile (and a poster near posterAt). Decoder frame threads would only
                // add overhead to a decode this sparse (1.47 -> 1.34 CPU-s on 120 s of 1080p).
                args.addAll(List.of("-skip_frame", "nokey", "-threads", "1"));
            }
            args.addAll(UntrustedInput.probed(source, info.container(), policy.maxPixels()));
            args.addAll(List.of("-filter_complex", graph));
            args.addAll(image("[poster]", 3, poster, policy));
            args.addAll(image("[sprite]", 4, sprite, policy));
            run(args, policy);
            if (Files.isRegularFile(poster) && Files.isRegularFile(sprite)) {
                break;
            }
            // Open GOPs: the container marks the non-IDR I frames as keyframes, but a decoder
            // skipping every other frame outputs (almost) none of them: decode everything.
        }

        for (Path p : List.of(poster, sprite)) {
            if (!Files.isRegularFile(p)) {
                throw new MediaException(
                        ReasonCode.ENCODE_FAILED, "ffmpeg wrote no " + p.getFileName());
            }
            try {
                UntrustedInput.requireUnderCap(p, policy.maxOutputBytes());
            } catch (IOException e) {
                throw new MediaException(
                        ReasonCode.INTERNAL_ERROR, "Thumbnail I/O: " + e.getMessage(), e);
            }
        }
        StringBuilder vtt = new StringBuilder("WEBVTT\n\n");
        for (int i = 0; i < tiles; i++) {
            double from = i * interval;
            double to = Math.min(duration, (i + 1) * interval);
            vtt.append(cue(from)).append(" --> ").append(cue(to)).append('\n');
            vtt.append(OutputLayout.STORYBOARD)
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    "#xywh=%d,%d,%d,%d",
                                    (i % cols) * w,
                                    (i / cols) * h,
                                    w,
                                    h))
                    .append("\n\n");
        }
        Path vttFile = dir.resolve(OutputLayout.STORYBOARD_VTT);
        try {
            Files.writeString(vttFile, vtt);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Storyboard VTT: " + e.getMessage(), e);
        }
        return new Thumbnails(poster, sprite, vttFile);
    }

    /**
     * Seconds between storyboard tiles: at most {@link #MAX_TILES} tiles, at least one second
     * apart, and no closer than the source's keyframes where those come at most every {@link
     * #MAX_KEYFRAME_INTERVAL} seconds, so that decoding keyframes alone serves every tile. Only
     * long-GOP sources (screen captures) pay for a full decode.
     */
    static double tileInterval(double duration, double maxGop) {
        double interval = Math.max(1.0, Math.ceil(duration / MAX_TILES));
        if (maxGop > interval && maxGop <= MAX_KEYFRAME_INTERVAL) {
            interval = Math.ceil(maxGop * 10 - 1e-6) / 10; // tenths: 2.002 s GOPs stay ~2 s
        }
        return interval;
    }

    private static List<String> image(
            String label, int quality, Path file, ValidationPolicy policy) {
        List<String> out =
                new ArrayList<>(
                        List.of(
                                "-map",
                                label,
                                "-frames:v",
                                "1",
                                "-q:v",
                                Integer.toString(quality),
                                "-update",
                                "1"));
        out.addAll(UntrustedInput.outputCap(policy.maxOutputBytes()));
        out.addAll(List.of("-y", file.toString()));
        return out;
    }

    private static void run(List<String> args, ValidationPolicy policy) throws MediaException {
        FfmpegBinaries ff = FfmpegBinaries.get();
        // Nobody waits for thumbnails before the video plays: they run behind its first chunk.
        List<String> cmd = new ArrayList<>(CpuPriority.background());
        cmd.addAll(List.of(ff.ffmpeg().toString(), "-nostdin", "-hide_banner", "-v", "error"));
        cmd.addAll(args);
        try {
            ProcessResult r = NativeProcess.run(cmd, ff.environment(), policy.step());
            if (r.exitCode() != 0) {
                throw new MediaException(
                        r.killedBySignal() ? ReasonCode.ENCODER_CRASHED : ReasonCode.ENCODE_FAILED,
                        "Thumbnail extraction failed: " + r.stderrTail());
            }
        } catch (NativeProcess.ProcessTimeoutException e) {
            throw new MediaException(ReasonCode.ENCODE_TIMEOUT, e.getMessage(), e);
        } catch (NativeProcess.LimitExceededException e) {
            throw new MediaException(e.reason(), "Thumbnails: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Cannot run ffmpeg: " + e.getMessage(), e);
        }
    }

    private static String cue(double seconds) {
        long ms = Math.round(seconds * 1000);
        return String.format(
                Locale.ROOT,
                "%02d:%02d:%02d.%03d",
                ms / 3_600_000,
                ms / 60_000 % 60,
                ms / 1000 % 60,
                ms % 1000);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static int even(double v) {
        return Math.max(2, (int) Math.round(v / 2) * 2);
    }
}
