package org.transcoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.testing.HlsLadder;
import org.transcoder.media.testing.KeptOutput;
import org.transcoder.media.testing.LadderAssertions;
import org.transcoder.media.testing.SampleTiming;
import org.transcoder.media.testing.TestTranscoder;

/**
 * Each class of odd source timing the HLS validator found on phone media, made by the bundled
 * ffmpeg ({@link GeneratedMedia}), goes through the whole transcode and must give a ladder whose
 * every rung passes {@link LadderAssertions} and its {@link SampleTiming} checks (strictly
 * increasing decode times, distinct presentation times in the source's order with the 1/64 s rule's
 * drops, no zero-duration sample, segments within the target duration, audio as long as video, one
 * init per rung):
 *
 * <ul>
 *   <li>a 5-frame HEVC Main10 clip with a display rotation and B-frames (iPhone);
 *   <li>VFR with frames 2 and 5 ms apart (near-duplicates: dropped);
 *   <li>open GOPs (non-IDR keyframes with leading B-frames);
 *   <li>an MPEG-TS that starts mid-GOP: its video before the first keyframe cannot be decoded, so
 *       the video, and the audio with it, start at the first keyframe (the audio before it has no
 *       picture to go with). This is the one case whose timestamps need repair rather than a
 *       refusal: the part that can be decoded is sane;
 *   <li>extreme VFR: bursts of frames 10 ms apart and 1 s without a frame.
 * </ul>
 *
 * <p>Where no ladder with sane timing can be made, the transcode must fail with {@link
 * ReasonCode#CORRUPT_INPUT}: {@link #refusesAStreamWithNoDecodableFrame} (a TS cut that holds no
 * keyframe at all: not one frame of it decodes).
 */
class TimestampSanityTest {

    private static final Duration DEADLINE = Duration.ofMinutes(2);

    static Stream<Arguments> clips() {
        return Stream.of(
                clip("short HEVC Main10 rotated", GeneratedMedia::shortHevc10Rotated),
                clip("VFR near-duplicate frames", GeneratedMedia::vfrNearDuplicates),
                clip("open GOP", GeneratedMedia::openGop),
                clip("MPEG-TS starting mid-GOP", GeneratedMedia::midGopTs),
                clip("extreme VFR", GeneratedMedia::extremeVfr));
    }

    private static Arguments clip(String name, Supplier<Path> source) {
        return Arguments.of(name, source);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clips")
    void givesALadderWithSaneTiming(String name, Supplier<Path> make, @TempDir Path tmp)
            throws Exception {
        Path source = make.get();
        Path out = KeptOutput.dir(tmp, source.getFileName().toString());
        long start = System.nanoTime();
        assertTimeoutPreemptively(DEADLINE, () -> TestTranscoder.in(tmp).transcode(source, out));
        long ms = (System.nanoTime() - start) / 1_000_000;
        SoftAssertions softly = new SoftAssertions();
        LadderAssertions.Source src = LadderAssertions.Source.of(source);
        try (HlsLadder ladder = HlsLadder.read(out)) {
            LadderAssertions.check(softly, ladder, src);
            specific(softly, name, ladder, src);
        }
        System.out.printf("%s: transcoded in %d ms%n", name, ms);
        softly.assertAll();
    }

    /** What each generated class must show beyond the generic checks, from the source itself. */
    private static void specific(
            SoftAssertions softly, String name, HlsLadder ladder, LadderAssertions.Source src) {
        List<Double> kept = SampleTiming.keptFrames(src.frameTimes());
        switch (name) {
            case "VFR near-duplicate frames" ->
                    softly.assertThat(src.frames() - kept.size())
                            .as("frames 31, 32 and 61 (2, 5 and 5 ms after a kept frame) dropped")
                            .isEqualTo(3);
            case "extreme VFR" ->
                    softly.assertThat(src.frames() - kept.size())
                            .as("every other frame of each 10 ms burst dropped")
                            .isEqualTo(src.frames() / 2);
            case "MPEG-TS starting mid-GOP" -> {
                // The source's packets start 1.5 s before its first decodable frame.
                double firstPacket =
                        src.packets().stream().mapToDouble(p -> p.ptsTime()).min().orElseThrow();
                softly.assertThat(src.frameTimes().get(0) - firstPacket)
                        .as("the generated TS really starts with undecodable frames")
                        .isGreaterThan(1.0);
            }
            case "short HEVC Main10 rotated" -> {
                softly.assertThat(src.frames()).as("5 source frames").isEqualTo(5);
                softly.assertThat(ladder.top().stream().height())
                        .as("rotated 90: portrait")
                        .isGreaterThan(ladder.top().stream().width());
            }
            default -> {}
        }
    }

    @org.junit.jupiter.api.Test
    void refusesAStreamWithNoDecodableFrame(@TempDir Path tmp) throws Exception {
        // 0.5 s cut from inside a 2 s GOP: packets, but no keyframe and no parameter sets.
        Path whole = GeneratedMedia.midGopTs();
        Path source =
                GeneratedMedia.generate(
                        "0.5s_h264_no_keyframe_aac.ts",
                        GeneratedMedia.args(
                                "-i " + whole, "-ss 0.2 -t 0.5 -c copy -copyinkf -map 0"));
        assertThat(LadderAssertions.Source.of(source).frames())
                .as("nothing in it decodes")
                .isZero();
        assertTimeoutPreemptively(
                DEADLINE,
                () ->
                        assertThatThrownBy(
                                        () ->
                                                TestTranscoder.in(tmp)
                                                        .transcode(source, tmp.resolve("out")))
                                .isInstanceOf(MediaException.class)
                                .satisfies(
                                        e ->
                                                assertThat(((MediaException) e).reason())
                                                        .as("reason: %s", e.getMessage())
                                                        .isEqualTo(ReasonCode.CORRUPT_INPUT)));
    }
}
