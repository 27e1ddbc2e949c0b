package org.transcoder.media.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
    void nominalRateIsTheHigherSourceRateBoundedBy64() {
        assertThat(EncodeSpec.nominalFor(27.521, 30)).isEqualTo(30.0);
        assertThat(EncodeSpec.nominalFor(7.22, 57600)).isEqualTo(64.0);
        assertThat(EncodeSpec.nominalFor(29.97003, 0)).isEqualTo(29.97);
        assertThat(EncodeSpec.nominalFor(0, 0)).isEqualTo(30.0);
    }
}
