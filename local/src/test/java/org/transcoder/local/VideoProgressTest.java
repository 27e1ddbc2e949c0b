package org.transcoder.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;

/** The summary local mode prints for a video, timed by this run or finished by an earlier one. */
class VideoProgressTest {

    @TempDir Path files;

    private static final VideoRecord READY =
            VideoRecord.ready(
                    "v",
                    "file:///u/v.mp4",
                    "s3://t/videos/v/master.m3u8",
                    null,
                    30,
                    List.of(
                            new RenditionRecord(
                                    "720p", 1280, 720, 2_000_000, 1_500_000, "avc1", "p")));

    @Test
    void aVideoOfThisRunShowsItsWallTimeAndSpeed() {
        String out = summary(System.nanoTime() - TimeUnit.SECONDS.toNanos(10), "http://w/watch/v");
        assertThat(out)
                .containsPattern(
                        "v: READY — 30\\.0 s of video in 1\\d\\.\\d s \\(\\d\\.\\d\\dx real time\\)")
                .containsPattern("720p\\s+1280x720\\s+1\\.50 Mb/s\\s+avc1")
                .contains("watch:  http://w/watch/v");
    }

    @Test
    void aVideoAnEarlierRunFinishedShowsNoTimeOfThisRun() {
        String out = summary(-1, null);
        assertThat(out).contains("v: READY — 30.0 s of video, ").doesNotContain("real time");
        assertThat(out).doesNotContain("watch:");
    }

    private String summary(long startNanos, String watchUrl) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new VideoProgress("v", VideoProgress.Source.UNKNOWN, startNanos, out)
                .summary(READY, files, watchUrl);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
