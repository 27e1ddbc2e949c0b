package org.transcoder.media.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.transcoder.media.probe.MediaInfo;

class ChunkPlannerTest {

    /** A CFR video: {@code seconds} at {@code fps}, a keyframe every {@code gop} seconds. */
    private static MediaInfo video(double seconds, double fps, double gop) {
        List<Double> frames = new ArrayList<>();
        List<Double> keys = new ArrayList<>();
        int n = (int) Math.round(seconds * fps);
        int gopFrames = gop <= 0 ? Integer.MAX_VALUE : (int) Math.round(gop * fps);
        for (int i = 0; i < n; i++) {
            frames.add(i / fps);
            if (i % gopFrames == 0) {
                keys.add(i / fps);
            }
        }
        return new MediaInfo(
                "mp4", 1, seconds, 0, 0, Optional.empty(), List.of(), frames, keys, seconds, "");
    }

    private static void assertCoversEveryFrameOnce(MediaInfo info, List<ChunkSpec> chunks) {
        assertThat(chunks.stream().mapToInt(ChunkSpec::frameCount).sum())
                .isEqualTo(info.framePts().size());
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).startPts()).isEqualTo(chunks.get(i - 1).endPts());
        }
        assertThat(chunks.get(0).startPts()).isEqualTo(info.framePts().get(0));
        assertThat(chunks.get(chunks.size() - 1).endPts()).isEqualTo(info.videoEndPts());
    }

    @Test
    void cutsAtKeyframesNearTheTarget() {
        MediaInfo info = video(60, 30, 2);
        // The short first chunk aside (its own test): every cut at a keyframe.
        List<ChunkSpec> chunks =
                ChunkPlanner.plan(info, ChunkingPolicy.defaults().withFirstChunk(0));
        assertThat(chunks).hasSizeBetween(10, 15).allMatch(ChunkSpec::keyframeAligned);
        assertThat(chunks).allSatisfy(c -> assertThat(c.durationSeconds()).isBetween(2.0, 6.0));
        assertCoversEveryFrameOnce(info, chunks);
    }

    @Test
    void aSingleKeyframeSourceStillSplitsIntoTimeRangeChunks() {
        MediaInfo info = video(60, 30, 0);
        List<ChunkSpec> chunks = ChunkPlanner.plan(info, ChunkingPolicy.defaults());
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(10);
        assertThat(chunks.subList(1, chunks.size())).noneMatch(ChunkSpec::keyframeAligned);
        assertThat(chunks).allSatisfy(c -> assertThat(c.seekPts()).isZero());
        assertCoversEveryFrameOnce(info, chunks);
    }

    @Test
    void noTinyTailChunk() {
        MediaInfo info = video(8.5, 30, 1);
        List<ChunkSpec> chunks =
                ChunkPlanner.plan(info, ChunkingPolicy.defaults().withFirstChunk(0));
        assertThat(chunks)
                .allSatisfy(c -> assertThat(c.durationSeconds()).isGreaterThanOrEqualTo(2.0));
        assertCoversEveryFrameOnce(info, chunks);
    }

    @Test
    void theFirstChunkIsOneShortSegmentAndTheRestAsBefore() {
        MediaInfo info = video(60, 30, 2);
        List<ChunkSpec> chunks = ChunkPlanner.plan(info, ChunkingPolicy.forSlots(60, 2));
        assertThat(chunks.get(0).durationSeconds()).isEqualTo(ChunkingPolicy.FIRST_CHUNK_SECONDS);
        assertThat(chunks.get(0).segmentCount()).isEqualTo(1);
        assertThat(chunks.get(1).firstSegment()).isEqualTo(1);
        // The other 58 s as forSlots cuts them: 4 chunks of ~14-16 s, 4 s segments.
        assertThat(chunks.subList(1, chunks.size()))
                .hasSize(4)
                .allSatisfy(c -> assertThat(c.durationSeconds()).isBetween(12.0, 18.0));
        assertCoversEveryFrameOnce(info, chunks);

        List<ChunkSpec> without =
                ChunkPlanner.plan(info, ChunkingPolicy.forSlots(60, 2).withFirstChunk(0));
        assertThat(without.get(0).durationSeconds()).isGreaterThan(10.0);
    }

    @Test
    void shortVideosAreOneChunk() {
        MediaInfo info = video(1, 30, 1);
        assertThat(ChunkPlanner.plan(info, ChunkingPolicy.defaults())).hasSize(1);
    }

    @Test
    void longVideosOnFewSlotsGetLongChunksOfSeveralSegments() {
        MediaInfo info = video(120, 30, 2);
        // (Without the short first chunk: theFirstChunkIsOneShortSegmentAndTheRestAsBefore.)
        ChunkingPolicy twoSlots = ChunkingPolicy.forSlots(120, 2).withFirstChunk(0);
        // Whole rounds of at most 16 s chunks over the 2 slots: 8 chunks of about 15 s.
        assertThat(twoSlots.targetSeconds()).isEqualTo(15.0);
        List<ChunkSpec> chunks = ChunkPlanner.plan(info, twoSlots);
        assertThat(chunks)
                .hasSize(8)
                .allSatisfy(c -> assertThat(c.durationSeconds()).isBetween(14.0, 16.0));
        assertCoversEveryFrameOnce(info, chunks);
        // Segments are numbered across the video without gaps, ~4 s each.
        int next = 0;
        for (ChunkSpec c : chunks) {
            assertThat(c.firstSegment()).isEqualTo(next);
            assertThat(c.durationSeconds() / c.segmentCount()).isBetween(3.0, 5.0);
            next += c.segmentCount();
        }
        assertThat(next).isBetween(28, 32);

        // Sixteen slots: a chunk for (nearly) every slot, two segments each.
        assertThat(ChunkPlanner.plan(info, ChunkingPolicy.forSlots(120, 16).withFirstChunk(0)))
                .hasSizeBetween(15, 16)
                .allMatch(c -> c.segmentCount() == 2);
        // Short videos: chunks of at least a segment, at most as many as slots.
        assertThat(ChunkingPolicy.forSlots(10, 2).targetSeconds()).isEqualTo(5.0);
        assertThat(ChunkingPolicy.forSlots(10, 16).targetSeconds()).isEqualTo(4.0);
    }
}
