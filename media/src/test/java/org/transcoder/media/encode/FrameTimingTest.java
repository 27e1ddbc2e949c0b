package org.transcoder.media.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;

class FrameTimingTest {

    @Test
    void keepsEveryFrameOf60FpsWithMillisecondTimestamps() {
        // 60 fps written with millisecond timestamps: 16 and 17 ms apart.
        List<Double> pts = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            pts.add(Math.round(i * 1000 / 60.0) / 1000.0);
        }
        assertThat(FrameTiming.keptFrames(pts)).isEqualTo(pts);
    }

    @Test
    void dropsFramesCloserThanA64thOfASecondToThePreviousKeptOne() {
        // The screen recording's burst: 1.203507, +5.3 ms, then 21.9 ms after the kept one.
        List<Double> pts = List.of(1.115208, 1.156892, 1.181806, 1.203507, 1.208802, 1.225399);
        assertThat(FrameTiming.keptFrames(pts))
                .containsExactly(1.115208, 1.156892, 1.181806, 1.203507, 1.225399);
        // Against the previous KEPT frame: 10 ms steps keep every other frame.
        assertThat(FrameTiming.keptFrames(List.of(0.0, 0.01, 0.02, 0.03, 0.04)))
                .containsExactly(0.0, 0.02, 0.04);
    }

    @Test
    void declaredFrameRateIsTheMeasuredMaximumRoundedUp() {
        assertThat(FrameTiming.declaredFrameRate(90_000, 3000)).isEqualTo(30.0);
        assertThat(FrameTiming.declaredFrameRate(90_000, 3003)).isEqualTo(29.971); // 29.97003
        assertThat(FrameTiming.declaredFrameRate(90_000, 1407)).isEqualTo(63.966); // 63.9658...
        assertThat(FrameTiming.declaredFrameRate(90_000, 1500)).isEqualTo(60.0);
    }

    @Test
    void declaredFrameRatesTakeTheSmallestSampleOfEachRendition() {
        List<EncodedSegment> segs =
                List.of(
                        seg("720p", 0, "init_a.mp4", 3000),
                        seg("720p", 1, "init_a.mp4", 1500),
                        seg("360p", 0, "init_b.mp4", 3003));
        assertThat(FrameTiming.declaredFrameRates(segs))
                .containsEntry("720p", 60.0)
                .containsEntry("360p", 29.971)
                .hasSize(2);
    }

    @Test
    void oneInitPerRenditionOrAnErrorNamingTheRung() throws MediaException {
        FrameTiming.requireOneInitPerRendition(
                List.of(seg("720p", 0, "init_a.mp4", 3000), seg("720p", 1, "init_a.mp4", 3000)));
        assertThatThrownBy(
                        () ->
                                FrameTiming.requireOneInitPerRendition(
                                        List.of(
                                                seg("360p", 0, "init_b.mp4", 3000),
                                                seg("720p", 0, "init_a.mp4", 3000),
                                                seg("720p", 1, "init_c.mp4", 3000))))
                .isInstanceOf(MediaException.class)
                .hasMessageContaining("720p")
                .hasMessageContaining("init_a.mp4")
                .hasMessageContaining("init_c.mp4")
                .satisfies(
                        e ->
                                assertThat(((MediaException) e).reason())
                                        .isEqualTo(ReasonCode.ENCODE_FAILED));
    }

    @Test
    void nominalRateIsTheHigherSourceRateBoundedBy64() {
        assertThat(EncodeSpec.nominalFor(27.521, 30)).isEqualTo(30.0);
        assertThat(EncodeSpec.nominalFor(7.22, 57600)).isEqualTo(64.0);
        assertThat(EncodeSpec.nominalFor(29.97003, 0)).isEqualTo(29.97);
        assertThat(EncodeSpec.nominalFor(0, 0)).isEqualTo(30.0);
    }

    private static EncodedSegment seg(String rung, int index, String init, long minTicks) {
        return new EncodedSegment(
                rung,
                index,
                index,
                Path.of("seg_" + index + ".m4s"),
                Path.of(init),
                init,
                4.0,
                1000,
                120,
                "avc1.64001f",
                minTicks);
    }
}
