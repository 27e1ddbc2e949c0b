package org.transcoder.media.encode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.transcoder.media.chunk.ChunkingPolicy;

/** How a chunk's fragments (one per forced keyframe) are grouped into its planned segments. */
class SegmentStartsTest {

    private static final long GOP = 180_000; // 2 s at 90 kHz

    @Test
    void oneSegmentTakesEveryFragment() {
        assertThat(FfmpegChunkEncoder.segmentStarts(new long[] {GOP, GOP, 3_000}, 1))
                .containsExactly(0);
    }

    @Test
    void fullSegmentsFirstTheRestLast() {
        // A 16 s chunk with 2 s GOPs in 4 segments: 4 s each.
        long[] eight = {GOP, GOP, GOP, GOP, GOP, GOP, GOP, GOP};
        assertThat(FfmpegChunkEncoder.segmentStarts(eight, 4)).containsExactly(0, 2, 4, 6);
        // 14 s in 4: 4, 4, 4, 2.
        long[] seven = {GOP, GOP, GOP, GOP, GOP, GOP, GOP};
        assertThat(FfmpegChunkEncoder.segmentStarts(seven, 4)).containsExactly(0, 2, 4, 6);
        // 6.03 s (a one-frame last fragment) in 1 and 10 s in 3: 4, 4, 2.
        assertThat(FfmpegChunkEncoder.segmentStarts(new long[] {GOP, GOP, GOP, 3_000}, 1))
                .containsExactly(0);
        assertThat(FfmpegChunkEncoder.segmentStarts(new long[] {GOP, GOP, GOP, GOP, GOP}, 3))
                .containsExactly(0, 2, 4);
    }

    @Test
    void segmentCountsOfThePlan() {
        ChunkingPolicy p = ChunkingPolicy.defaults();
        assertThat(p.segmentCount(1.0)).isEqualTo(1);
        assertThat(p.segmentCount(4.03)).isEqualTo(1);
        assertThat(p.segmentCount(5.9)).isEqualTo(1);
        assertThat(p.segmentCount(6.0)).isEqualTo(2);
        assertThat(p.segmentCount(10.0)).isEqualTo(3);
        assertThat(p.segmentCount(14.0)).isEqualTo(4);
        assertThat(p.segmentCount(16.0)).isEqualTo(4);
    }

    @Test
    void neverMoreSegmentsThanFragments() {
        assertThat(FfmpegChunkEncoder.segmentStarts(new long[] {GOP, GOP}, 3))
                .containsExactly(0, 1);
    }
}
