package org.transcoder.local;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.media.OutputLayout;

/**
 * What local mode shows of one video: while it is transcoded, a live progress bar (tasks done of
 * the video's chunks, audio and thumbnails, as the metadata store's progress says; chunks encoded
 * of all; frames per second and the speed as a multiple of real time, from the source's length and
 * frame rate; ETA), then a summary: status or reason, the rungs with resolution and measured bit
 * rate, output size, wall time, speed, where the files are and the watch page.
 *
 * <p>The bar is me.tongfei:progressbar on a terminal; where stdout is not one (CI, a pipe), a plain
 * line every 10 %, so logs stay readable.
 */
final class VideoProgress implements AutoCloseable {

    /** What is known of the source before it is transcoded (nothing for a resumed video). */
    record Source(double durationSeconds, double frameRate) {
        static final Source UNKNOWN = new Source(0, 0);
    }

    private final String videoId;
    private final Source source;
    private final long startNanos;
    private final PrintStream out;
    private final ProgressBar bar;
    private int lastLinePercent = -10;

    VideoProgress(String videoId, Source source, long startNanos, PrintStream out) {
        this.videoId = videoId;
        this.source = source;
        this.startNanos = startNanos;
        this.out = out;
        this.bar =
                System.console() == null
                        ? null
                        : new ProgressBarBuilder()
                                .setTaskName(videoId)
                                .setInitialMax(100)
                                .setUnit("%", 1)
                                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                                .setUpdateIntervalMillis(250)
                                .showSpeed()
                                .setMaxRenderedLength(120)
                                .build();
    }

    /** A record of the video seen while it is in flight (RECEIVED, PROCESSING). */
    void update(VideoRecord r) {
        int percent = r.getProgressPercent();
        String extra =
                (r.getChunksTotal() > 0
                                ? r.getChunksDone() + "/" + r.getChunksTotal() + " chunks "
                                : "")
                        + rate(percent);
        if (bar != null) {
            bar.stepTo(percent);
            bar.setExtraMessage(r.getStatus() + (extra.isEmpty() ? "" : " " + extra));
        } else if (percent >= lastLinePercent + 10) {
            lastLinePercent = percent;
            out.printf(Locale.ROOT, "  %s: %s %d%% %s%n", videoId, r.getStatus(), percent, extra);
        }
    }

    /** Frames per second and speed so far, from the share done of the source's length. */
    private String rate(int percent) {
        double elapsed = elapsedSeconds();
        if (source.durationSeconds() <= 0 || elapsed < 1 || percent <= 0) {
            return "";
        }
        double videoSeconds = source.durationSeconds() * percent / 100.0;
        return String.format(
                Locale.ROOT,
                "%.0f fps %.2fx",
                videoSeconds * source.frameRate() / elapsed,
                videoSeconds / elapsed);
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /**
     * The summary of a video that ended; {@code files} is its output directory on disk. A negative
     * {@code startNanos} marks a video an earlier run finished: no wall time or speed.
     */
    void summary(VideoRecord r, Path files, String watchUrl) {
        close();
        double wall = elapsedSeconds();
        out.printf(Locale.ROOT, "%n%s: %s", r.getVideoId(), r.getStatus());
        if (r.getStatus() == VideoStatus.FAILED) {
            out.printf(Locale.ROOT, " %s%n  %s%n", r.getReasonCode(), r.getMessage());
            return;
        }
        double duration =
                r.getDurationSeconds() > 0 ? r.getDurationSeconds() : source.durationSeconds();
        if (startNanos < 0) { // done in an earlier run: this run did not time it
            out.printf(Locale.ROOT, " — %.1f s of video, %s%n", duration, bytes(sizeOf(files)));
        } else {
            out.printf(
                    Locale.ROOT,
                    " — %.1f s of video in %s (%.2fx real time), %s%n",
                    duration,
                    format(Duration.ofMillis((long) (wall * 1000))),
                    duration / Math.max(wall, 0.001),
                    bytes(sizeOf(files)));
        }
        for (RenditionRecord rung : r.getRenditions()) {
            out.printf(
                    Locale.ROOT,
                    "  %-6s %5dx%-5d %9s  %s%n",
                    rung.getName(),
                    rung.getWidth(),
                    rung.getHeight(),
                    bitRate(rung.getAverageBandwidth()),
                    rung.getCodecs());
        }
        out.printf(Locale.ROOT, "  files:  %s%n", files.resolve(OutputLayout.MASTER));
        if (watchUrl != null) {
            out.printf(Locale.ROOT, "  watch:  %s%n", watchUrl);
        }
    }

    static String bitRate(long bitsPerSecond) {
        return bitsPerSecond >= 1_000_000
                ? String.format(Locale.ROOT, "%.2f Mb/s", bitsPerSecond / 1e6)
                : String.format(Locale.ROOT, "%d kb/s", Math.round(bitsPerSecond / 1e3));
    }

    static String bytes(long n) {
        return n >= 1 << 20
                ? String.format(Locale.ROOT, "%.1f MiB", n / (double) (1 << 20))
                : String.format(Locale.ROOT, "%d KiB", Math.round(n / 1024.0));
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 60
                ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
                : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static long sizeOf(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
