package org.transcoder.media.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transcoder.media.chunk.ChunkSpec;

/** The growing playlists' target duration, known before the chunks are encoded. */
class SegmentPlanTest {

    private static List<Double> frames(double seconds, double fps) {
        List<Double> f = new ArrayList<>();
        for (int i = 0; i < Math.round(seconds * fps); i++) {
            f.add(i / fps);
        }
        return f;
    }

    private static ChunkSpec chunk(int index, double start, double end, int segments) {
        return new ChunkSpec(index, start, end, start, true, 0, 0, segments, 0);
    }

    @Test
    void segmentsOfTwoSecondGopsGroupedByFourGiveAFourSecondTarget() {
        List<Double> f = frames(16, 30);
        List<ChunkSpec> chunks = List.of(chunk(0, 0, 2, 1), chunk(1, 2, 16, 4));
        // 14 s of 2 s GOPs in 4 segments: 4, 4, 4, 2.
        assertThat(SegmentPlan.longestSegmentSeconds(f, chunks.get(1), 2.0)).isEqualTo(4.0);
        assertThat(SegmentPlan.targetDuration(f, chunks, 2.0)).isEqualTo(4);
    }

    @Test
    void keyFramesLateOnTheGridMakeSegmentsLonger() {
        // 29.97 fps: the frame at or after every 2 s comes a little late, 4.004 s segments.
        List<Double> f = frames(12, 30000.0 / 1001);
        ChunkSpec c = chunk(0, 0, f.get(f.size() - 1) + 1001 / 30000.0, 3);
        assertThat(SegmentPlan.longestSegmentSeconds(f, c, 2.0)).isGreaterThan(4.0);
        assertThat(SegmentPlan.targetDuration(f, List.of(c), 2.0)).isEqualTo(5);
    }

    @Test
    void aChunkWithoutAKeyFrameGridIsOneSegment() {
        List<Double> f = frames(3, 30);
        assertThat(SegmentPlan.longestSegmentSeconds(f, chunk(0, 0, 3, 1), 2.0)).isEqualTo(3.0);
    }
}
