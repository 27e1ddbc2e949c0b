package org.transcoder.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.Transcoder;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.validate.ValidationPolicy;

/** The limits of one native step: CPU time, measured usage, bounded stderr, output size. */
class StepLimitsTest {

    @TempDir Path tmp;

    private static List<String> ffmpeg(String... groups) {
        List<String> cmd = new ArrayList<>(List.of(FfmpegBinaries.get().ffmpeg().toString()));
        cmd.addAll(GeneratedMedia.args(groups));
        return cmd;
    }

    /** Ten minutes of 1080p x264 "medium" would take many CPU-minutes: stopped at one second. */
    @Test
    void aStepOverItsCpuLimitIsStopped() {
        List<String> cmd =
                ffmpeg(
                        "-nostdin -v error -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=600",
                        "-c:v libx264 -preset medium -f null -");
        long start = System.nanoTime();
        NativeProcess.LimitExceededException e =
                catchThrowableOfType(
                        NativeProcess.LimitExceededException.class,
                        () ->
                                NativeProcess.run(
                                        cmd,
                                        FfmpegBinaries.get().environment(),
                                        new StepLimits(
                                                Duration.ofSeconds(60), Duration.ofSeconds(1))));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(ReasonCode.CPU_LIMIT_EXCEEDED);
        assertThat(e.cpuMillis()).isBetween(500L, 3_000L);
        // x264 runs several threads: a CPU-second is less than a second of wall.
        assertThat(millis).isLessThan(10_000);
    }

    @Test
    void aFinishedStepReportsItsCpuTimeAndPeakMemory() throws Exception {
        ProcessResult r =
                NativeProcess.run(
                        ffmpeg(
                                "-nostdin -v error -f lavfi -i testsrc2=size=1280x720:rate=30:duration=5",
                                "-c:v libx264 -preset veryfast -threads 1 -f null -"),
                        FfmpegBinaries.get().environment(),
                        new StepLimits(Duration.ofSeconds(60), Duration.ofSeconds(60)));
        assertThat(r.exitCode()).isZero();
        assertThat(r.cpuMillis()).isPositive();
        assertThat(r.peakRssKb()).isGreaterThan(10_000);
    }

    /** A child that logs 20 MB keeps 64 KiB of it in the JVM: its beginning and its end. */
    @Test
    void stderrIsBounded() throws Exception {
        ProcessResult r =
                NativeProcess.run(
                        List.of(
                                "/bin/sh",
                                "-c",
                                "echo first >&2; yes 'a line a hostile file makes ffmpeg print'"
                                        + " | head -c 20000000 >&2; echo last >&2"),
                        java.util.Map.of(),
                        StepLimits.wallOnly(Duration.ofSeconds(60)));
        assertThat(r.stderr().length()).isLessThan(2 * NativeProcess.STDERR_KEEP_CHARS + 1000);
        assertThat(r.stderr()).startsWith("first\n").endsWith("last\n").contains("...");
    }

    /** Every output file is capped (ffmpeg -fs) and a capped one fails the video. */
    @Test
    void anOutputOverTheCapFailsTheVideo() throws Exception {
        Transcoder transcoder =
                new Transcoder(
                        TranscodeOptions.defaults()
                                .withThreads(2)
                                .withWorkDir(Files.createDirectories(tmp.resolve("work")))
                                .withValidation(
                                        ValidationPolicy.defaults().withMaxOutputBytes(20_000)));
        MediaException e =
                catchThrowableOfType(
                        MediaException.class,
                        () ->
                                transcoder.transcode(
                                        Fixtures.clip("h264_854x480_sintel_mp3.mp4"),
                                        tmp.resolve("out")));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(ReasonCode.OUTPUT_TOO_LARGE);
    }
}
