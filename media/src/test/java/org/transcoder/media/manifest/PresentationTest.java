package org.transcoder.media.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.hls.HlsManifests;

/** The rules every format relies on, checked before any manifest is written. */
class PresentationTest {

    private static final int TS = VideoTrack.TIMESCALE;

    @Test
    void aContiguousAlignedLadderWithOneInitPerRungPasses() throws MediaException {
        Presentation p =
                new Presentation(
                        List.of(
                                rung("720p", "init_a.mp4", 4, 4, 2),
                                rung("360p", "init_b.mp4", 4, 4, 2)),
                        Optional.of(audio(10.0)));
        assertThat(p.verify()).isSameAs(p);
        assertThat(p.durationSeconds()).isEqualTo(10.0);
    }

    @Test
    void twoInitsInOneRungAreRefusedNamingTheRung() {
        VideoTrack good = rung("720p", "init_a.mp4", 4, 4, 2);
        List<Segment> segs = new ArrayList<>(good.segments());
        Segment last = segs.remove(2);
        segs.add(
                new Segment(
                        last.uri(),
                        "init_c.mp4",
                        last.startTicks(),
                        last.durationTicks(),
                        TS,
                        last.bytes(),
                        List.of()));
        assertRefused(
                new Presentation(List.of(withSegments(good, segs)), Optional.empty()),
                ReasonCode.INTERNAL_ERROR,
                "720p has 2 init segments");
    }

    @Test
    void rungsCutDifferentlyAreRefused() {
        assertRefused(
                new Presentation(
                        List.of(rung("720p", "a.mp4", 4, 4, 2), rung("360p", "b.mp4", 4, 3, 3)),
                        Optional.empty()),
                ReasonCode.INTERNAL_ERROR,
                "segment 1 of 360p");
    }

    @Test
    void aGapOrOverlapInTheTimelineIsRefused() {
        VideoTrack good = rung("720p", "a.mp4", 4, 4, 2);
        List<Segment> segs = new ArrayList<>(good.segments());
        Segment second = segs.get(1);
        segs.set(
                1,
                new Segment(
                        second.uri(),
                        second.initUri(),
                        second.startTicks() - 1170, // 13 ms overlap, as the VP8 clip once had
                        second.durationTicks(),
                        TS,
                        second.bytes(),
                        List.of()));
        assertRefused(
                new Presentation(List.of(withSegments(good, segs)), Optional.empty()),
                ReasonCode.INTERNAL_ERROR,
                "segment 1 starts at 358830 (expected 360000)");
    }

    @Test
    void audioMuchShorterThanTheVideoIsCorruptInput() {
        assertRefused(
                new Presentation(List.of(rung("720p", "a.mp4", 4, 4, 2)), Optional.of(audio(2.7))),
                ReasonCode.CORRUPT_INPUT,
                "Audio lasts 2.700 s but video 10.000 s");
    }

    @Test
    void frameRateIsTheHighestOfTheRungDeclaredRoundedUp() {
        assertThat(VideoTrack.maxFrameRate(3000, TS, 0, 0)).isEqualTo(30.0);
        assertThat(VideoTrack.maxFrameRate(0, TS, 30, 27.5)).isEqualTo(27.5); // unknown: fallback
        assertThat(HlsManifests.frameRate(VideoTrack.maxFrameRate(3003, TS, 0, 0)))
                .isEqualTo("29.971"); // 29.97003, no nominal rate known
        assertThat(HlsManifests.frameRate(VideoTrack.maxFrameRate(1407, TS, 0, 0)))
                .isEqualTo("63.966"); // 63.9658
        // A phone's burst of fast frames in a 30 fps video: the fast frame counts.
        assertThat(HlsManifests.frameRate(VideoTrack.maxFrameRate(2250, TS, 30, 30)))
                .isEqualTo("40.000");
    }

    @Test
    void aShortestFrameThatIsTheNominalOneRoundedToTicksDeclaresTheNominalRate() {
        // 24000/1001 fps at 90 kHz: 3753.75 ticks a frame, samples of 3753 and 3754.
        assertThat(HlsManifests.frameRate(VideoTrack.maxFrameRate(3753, TS, 23.976, 23.97)))
                .isEqualTo("23.976");
        assertThat(HlsManifests.frameRate(VideoTrack.maxFrameRate(1501, TS, 59.94, 59.9)))
                .isEqualTo("59.940");
        assertThat(HlsManifests.frameRate(VideoTrack.maxFrameRate(3003, TS, 29.97, 29.97)))
                .isEqualTo("29.970");
        // A nominal rate at the cap (a VFR phone's r_frame_rate of 90000) is no frame to snap to.
        assertThat(HlsManifests.frameRate(VideoTrack.maxFrameRate(1407, TS, 64, 29.5)))
                .isEqualTo("63.966");
        // Two ticks short is a faster frame, not rounding.
        assertThat(HlsManifests.frameRate(VideoTrack.maxFrameRate(3752, TS, 23.976, 23.97)))
                .isEqualTo("23.988");
    }

    private static void assertRefused(Presentation p, ReasonCode reason, String message) {
        assertThatThrownBy(p::verify)
                .isInstanceOf(MediaException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((MediaException) e).reason()).isEqualTo(reason));
    }

    /** A rung of segments of the given lengths in seconds, end to end from 0. */
    private static VideoTrack rung(String name, String init, double... seconds) {
        List<Segment> segs = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < seconds.length; i++) {
            long d = Math.round(seconds[i] * TS);
            segs.add(
                    new Segment(
                            "seg_" + i + ".m4s",
                            init,
                            t,
                            d,
                            TS,
                            100_000,
                            List.of(new Segment.KeyFrame(0, 5000, d))));
            t += d;
        }
        return new VideoTrack(name, 1280, 720, "avc1.64001f", 30, VideoTrack.SDR, segs);
    }

    private static VideoTrack withSegments(VideoTrack v, List<Segment> segs) {
        return new VideoTrack(
                v.name(), v.width(), v.height(), v.codecs(), v.frameRate(), v.videoRange(), segs);
    }

    private static AudioTrack audio(double seconds) {
        long d = Math.round(seconds * 48_000);
        return new AudioTrack(
                "mp4a.40.2",
                2,
                48_000,
                List.of(new Segment("seg_0.m4s", "init.mp4", 0, d, 48_000, 1000, List.of())));
    }
}
