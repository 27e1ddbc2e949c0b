package org.transcoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transcoder.media.testing.DashAssertions;
import org.transcoder.media.testing.Ffprobe;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.testing.HlsLadder;
import org.transcoder.media.testing.KeptOutput;
import org.transcoder.media.testing.LadderAssertions;
import org.transcoder.media.testing.TestTranscoder;

/**
 * Every real clip in the fixtures goes through the whole transcode: either a playable ladder of it,
 * or a {@link MediaException} with the reason a failure record would show. One test per file, so
 * that a new fixture is picked up without touching this class.
 */
class RealMediaTest {

    /** Files that must be refused, with the reason. Every other fixture must give a ladder. */
    private static final Map<String, ReasonCode> REFUSED =
            Map.of(
                    "audio_crunching.mp3", ReasonCode.NO_VIDEO_STREAM,
                    "audio_only_2x_aac51.mp4", ReasonCode.NO_VIDEO_STREAM,
                    "corrupt_vp9_invalid_bitstream.webm", ReasonCode.CORRUPT_INPUT,
                    "truncated_phone_first1MB.mp4", ReasonCode.CORRUPT_INPUT);

    private static final Duration REFUSAL_DEADLINE = Duration.ofSeconds(120);
    private static final Duration LADDER_DEADLINE = Duration.ofMinutes(8);

    static Stream<String> clips() {
        return Fixtures.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clips")
    void transcodes(String name, @TempDir Path tmp) throws Exception {
        Path source = Fixtures.clip(name);
        Path out = KeptOutput.dir(tmp, name);
        Transcoder transcoder = TestTranscoder.in(tmp);
        long start = System.nanoTime();
        ReasonCode refusal = REFUSED.get(name);
        if (refusal != null) {
            assertTimeoutPreemptively(
                    REFUSAL_DEADLINE,
                    () ->
                            assertThatThrownBy(() -> transcoder.transcode(source, out))
                                    .as("%s must be refused with %s", name, refusal)
                                    .isInstanceOf(MediaException.class)
                                    .satisfies(
                                            e ->
                                                    assertThat(((MediaException) e).reason())
                                                            .as(
                                                                    "reason for %s: %s",
                                                                    name, e.getMessage())
                                                            .isEqualTo(refusal)));
            System.out.printf(
                    "%s: refused in %d ms%n", name, (System.nanoTime() - start) / 1_000_000);
            return;
        }
        TranscodeResult result =
                assertTimeoutPreemptively(LADDER_DEADLINE, () -> transcoder.transcode(source, out));
        long transcodeMs = (System.nanoTime() - start) / 1_000_000;

        SoftAssertions softly = new SoftAssertions();
        LadderAssertions.Source src = LadderAssertions.Source.of(source);
        try (HlsLadder ladder = HlsLadder.read(out)) {
            LadderAssertions.check(softly, ladder, src);
            DashAssertions.check(softly, out);
            LadderAssertions.checkDefaultRungs(softly, ladder, src);
            softly.assertThat(result.masterPlaylist())
                    .as("result's master playlist")
                    .isEqualTo(out.resolve("master.m3u8"));
            softly.assertThat(result.hasAudio()).as("result.hasAudio()").isEqualTo(src.hasAudio());
            // A chunk is one or more segments (long chunks for long videos on few threads).
            softly.assertThat(result.chunkCount())
                    .as("result.chunkCount() vs segments per rung")
                    .isPositive()
                    .isLessThanOrEqualTo(ladder.top().rendition().segments().size());
            fileSpecific(softly, name, ladder, src, result);
        }
        System.out.printf(
                "%s: transcoded in %d ms, checked in %d ms%n",
                name, transcodeMs, (System.nanoTime() - start) / 1_000_000 - transcodeMs);
        softly.assertAll();
    }

    private static void fileSpecific(
            SoftAssertions softly,
            String name,
            HlsLadder ladder,
            LadderAssertions.Source src,
            TranscodeResult result) {
        Ffprobe.VideoStream top = ladder.top().stream();
        String topSize = top.width() + "x" + top.height();
        switch (name) {
            case "vp9_bear_odd_161x121.webm" -> {
                softly.assertThat(ladder.rungs()).as("161x121 gives exactly one rung").hasSize(1);
                softly.assertThat(topSize)
                        .as("its rung is its own size rounded down to even")
                        .isEqualTo("160x120");
            }
            case "h264_pixel7_videoonly_rot180.mp4" -> {
                softly.assertThat(ladder.audio())
                        .as("video-only source: no audio rendition")
                        .isEmpty();
                softly.assertThat(result.hasAudio()).as("result.hasAudio()").isFalse();
                softly.assertThat(ladder.dir().resolve("audio"))
                        .as("no audio/ directory")
                        .doesNotExist();
            }
            case "hevc_android_1080p_rot90_metatrack.mp4" -> {
                softly.assertThat(topSize)
                        .as("rot90 1920x1080 source: portrait top rung")
                        .isEqualTo("1080x1920");
                // The phone declares BT.601 colours at 1080p: every rung keeps saying so (an
                // undeclared 1080p rung is shown as BT.709).
                for (HlsLadder.Rung r : ladder.rungs()) {
                    softly.assertThat(
                                    r.stream().colorSpace()
                                            + "/"
                                            + r.stream().colorPrimaries()
                                            + "/"
                                            + r.stream().colorTransfer())
                            .as("rung %s of a BT.601 phone video", r.name())
                            .isEqualTo("smpte170m/bt470bg/bt709");
                }
            }
            case "mpeg2_1080p_mp2_bbb.ts" -> {
                // Undeclared HD: BT.709, also on the SD rungs (players take those as BT.601).
                for (HlsLadder.Rung r : ladder.rungs()) {
                    softly.assertThat(r.stream().colorSpace() + "/" + r.stream().colorPrimaries())
                            .as("rung %s of an undeclared 1080p source", r.name())
                            .isEqualTo("bt709/bt709");
                }
            }
            case "hevc10_hdr10_1080p.mp4", "vp9p2_10bit_roadtrip_426x240.webm" -> {
                for (HlsLadder.Rung r : ladder.rungs()) {
                    String at = "rung " + r.name() + " of a 10-bit source: ";
                    softly.assertThat(r.stream().pixFmt())
                            .as(at + "8-bit yuv420p")
                            .isEqualTo("yuv420p");
                    softly.assertThat(r.stream().colorTransfer())
                            .as(at + "SDR transfer, not PQ/HLG")
                            .isNotIn("smpte2084", "arib-std-b67");
                    softly.assertThat(r.stream().colorPrimaries())
                            .as(at + "not BT.2020 primaries")
                            .isNotEqualTo("bt2020");
                }
            }
            case "dv_ntsc_interlaced_bff_2x_pcm.dv" -> {
                for (HlsLadder.Rung r : ladder.rungs()) {
                    softly.assertThat(r.stream().fieldOrder())
                            .as("rung %s of an interlaced source is progressive", r.name())
                            .isIn("progressive", "unknown");
                }
                int height = src.video().height();
                long width =
                        Math.round(
                                        height
                                                * src.video().displayWidth()
                                                / src.video().displayHeight()
                                                / 2)
                                * 2;
                softly.assertThat(topSize)
                        .as(
                                "top rung of 720x480 SAR %s: square pixels",
                                src.video().sampleAspectRatio())
                        .isEqualTo(width + "x" + height)
                        .isEqualTo("640x480");
            }
            case "h264_vfr_screenrec_3026x1386.mp4" ->
                    softly.assertThat(result.chunkCount())
                            .as("8.7 s source at a 4 s chunk target")
                            .isGreaterThanOrEqualTo(2);
            default -> {
                // The generic ladder checks above are all a file without quirks needs.
            }
        }
    }
}
