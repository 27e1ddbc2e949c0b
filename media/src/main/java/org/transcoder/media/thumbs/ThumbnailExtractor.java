package org.transcoder.media.thumbs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.VideoFilters;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.VideoStreamInfo;

/**
 * Makes the poster (one frame early in the video) and a storyboard sprite of evenly spaced tiles
 * with its WebVTT index. The storyboard decodes keyframes only: seek previews need no more, and
 * decoding every frame would cost as much as a rendition.
 */
public final class ThumbnailExtractor {

    static final int TILE_LONG_SIDE = 160;
    static final int COLUMNS = 10;
    static final int MAX_TILES = 100;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private ThumbnailExtractor() {}

    public static Thumbnails extract(Path source, MediaInfo info, EncodeSpec spec, Path outDir)
            throws MediaException {
        VideoStreamInfo video = info.video().orElseThrow();
        EncodeSpec upright = spec.withRotation(0); // ffmpeg applies the display matrix itself here
        List<String> normalize = VideoFilters.normalize(upright);
        double duration = info.videoDurationSeconds();
        Path dir = outDir.resolve("thumbnails");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Thumbnail dir: " + e.getMessage(), e);
        }
        Path poster = dir.resolve(Thumbnails.POSTER);
        double at = Math.min(2.0, duration / 3);
        List<String> posterFilters = new ArrayList<>(normalize);
        posterFilters.add("scale='min(1280,iw)':-2,format=yuvj420p");
        run(
                List.of(
                        "-ss",
                        fmt(Math.max(0, at)),
                        "-i",
                        source.toString(),
                        "-map",
                        "0:" + video.index(),
                        "-vf",
                        String.join(",", posterFilters),
                        "-frames:v",
                        "1",
                        "-q:v",
                        "3",
                        "-update",
                        "1",
                        "-y",
                        poster.toString()));

        int w;
        int h;
        if (video.displayWidth() >= video.displayHeight()) {
            w = TILE_LONG_SIDE;
            h = even(TILE_LONG_SIDE * video.displayHeight() / (double) video.displayWidth());
        } else {
            h = TILE_LONG_SIDE;
            w = even(TILE_LONG_SIDE * video.displayWidth() / (double) video.displayHeight());
        }
        double interval = Math.max(1.0, Math.ceil(duration / MAX_TILES));
        int tiles = Math.max(1, (int) Math.ceil(duration / interval));
        int rows = (tiles + COLUMNS - 1) / COLUMNS;
        int cols = Math.min(COLUMNS, tiles);
        Path sprite = dir.resolve(Thumbnails.STORYBOARD);
        List<String> spriteFilters = new ArrayList<>(normalize);
        // Keyframes only arrive every GOP; cloning the last one past the end guarantees the tile
        // filter gets every tile it waits for, even for one-keyframe or one-second videos.
        spriteFilters.add("tpad=stop_mode=clone:stop_duration=" + fmt(interval * (tiles + 1)));
        spriteFilters.add(String.format(Locale.ROOT, "fps=1/%s", fmt(interval)));
        spriteFilters.add("scale=" + w + ":" + h + ",setsar=1");
        spriteFilters.add("tile=" + cols + "x" + rows);
        spriteFilters.add("format=yuvj420p");
        // Keyframes alone show every interval when the GOP is no longer than the interval, at a
        // fraction of a full decode; long-GOP sources (screen captures) need every frame.
        List<String> spriteArgs = new ArrayList<>();
        if (info.maxGopSeconds() <= interval) {
            spriteArgs.addAll(List.of("-skip_frame", "nokey"));
        }
        spriteArgs.addAll(
                List.of(
                        "-i",
                        source.toString(),
                        "-map",
                        "0:" + video.index(),
                        "-vf",
                        String.join(",", spriteFilters),
                        "-frames:v",
                        "1",
                        "-q:v",
                        "4",
                        "-update",
                        "1",
                        "-y",
                        sprite.toString()));
        run(spriteArgs);

        for (Path p : List.of(poster, sprite)) {
            if (!Files.isRegularFile(p)) {
                throw new MediaException(
                        ReasonCode.ENCODE_FAILED, "ffmpeg wrote no " + p.getFileName());
            }
        }
        StringBuilder vtt = new StringBuilder("WEBVTT\n\n");
        for (int i = 0; i < tiles; i++) {
            double from = i * interval;
            double to = Math.min(duration, (i + 1) * interval);
            vtt.append(cue(from)).append(" --> ").append(cue(to)).append('\n');
            vtt.append(Thumbnails.STORYBOARD)
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
        Path vttFile = dir.resolve(Thumbnails.STORYBOARD_VTT);
        try {
            Files.writeString(vttFile, vtt);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Storyboard VTT: " + e.getMessage(), e);
        }
        return new Thumbnails(poster, sprite, vttFile);
    }

    private static void run(List<String> args) throws MediaException {
        FfmpegBinaries ff = FfmpegBinaries.get();
        List<String> cmd =
                new ArrayList<>(
                        List.of(ff.ffmpeg().toString(), "-nostdin", "-hide_banner", "-v", "error"));
        cmd.addAll(args);
        try {
            ProcessResult r = NativeProcess.run(cmd, ff.environment(), TIMEOUT);
            if (r.exitCode() != 0) {
                throw new MediaException(
                        r.killedBySignal() ? ReasonCode.ENCODER_CRASHED : ReasonCode.ENCODE_FAILED,
                        "Thumbnail extraction failed: " + r.stderrTail());
            }
        } catch (NativeProcess.ProcessTimeoutException e) {
            throw new MediaException(ReasonCode.ENCODE_TIMEOUT, e.getMessage(), e);
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
