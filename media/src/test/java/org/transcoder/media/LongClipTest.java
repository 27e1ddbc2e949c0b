package org.transcoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.media.chunk.ChunkingPolicy;
import org.transcoder.media.testing.Ffprobe;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.testing.HlsLadder;
import org.transcoder.media.testing.LadderAssertions;

/**
 * Minute-long generated sources: chunking at source keyframes (2 s GOP) and chunking a source with
 * a single keyframe, where chunks must be cut by time and trimmed exactly.
 */
class LongClipTest {

    @Test
    void oneMinute1080pWithTwoSecondGops(@TempDir Path tmp) throws Exception {
        Path source = GeneratedMedia.clip60s1080p30Gop2s();
        assertThat(Ffprobe.videoPacketCount(source)).as("generated source frames").isEqualTo(1800);

        TranscodeResult result = transcode(source, tmp, TranscodeOptions.defaults());

        // Two threads: ~15 s chunks (two per thread), each cut into ~4 s segments at keyframes.
        assertThat(result.chunkCount()).as("chunks of a 60 s source").isBetween(3, 5);
        LadderAssertions.assertPlayableLadder(tmp.resolve("out"), source);
        try (HlsLadder ladder = HlsLadder.read(tmp.resolve("out"))) {
            assertThat(ladder.rungs()).extracting(HlsLadder.Rung::decodedFrames).containsOnly(1800);
            assertThat(ladder.top().stream().height()).isEqualTo(1080);
            for (HlsLadder.Rung rung : ladder.rungs()) {
                assertThat(rung.rendition().segments()).as(rung.name()).hasSizeBetween(14, 18);
                // The short first chunk's one segment, then ~4 s segments (a chunk's last one
                // shorter, never under a GOP).
                List<Double> starts = rung.segmentStarts();
                assertThat(starts.get(1) - starts.get(0))
                        .as(rung.name() + ": the first segment")
                        .isCloseTo(ChunkingPolicy.FIRST_CHUNK_SECONDS, within(0.05));
                for (int i = 2; i < starts.size(); i++) {
                    assertThat(starts.get(i) - starts.get(i - 1))
                            .as(rung.name() + ": segment " + (i - 1))
                            .isBetween(1.95, 4.05);
                }
            }
        }
    }

    @Test
    void oneMinuteWithASingleKeyframeStillSplits(@TempDir Path tmp) throws Exception {
        Path source = GeneratedMedia.clip60sSingleKeyframe();
        int frames = Ffprobe.videoPacketCount(source);
        assertThat(Ffprobe.videoPackets(source).stream().filter(Ffprobe.Packet::keyframe).count())
                .as("generated source keyframes")
                .isEqualTo(1);

        TranscodeResult result =
                transcode(source, tmp, TranscodeOptions.defaults().withChunkSeconds(4));

        assertThat(result.chunkCount())
                .as("chunks of a single-GOP 60 s source")
                .isGreaterThanOrEqualTo(10);
        LadderAssertions.assertPlayableLadder(tmp.resolve("out"), source);
        try (HlsLadder ladder = HlsLadder.read(tmp.resolve("out"))) {
            assertThat(ladder.rungs())
                    .extracting(HlsLadder.Rung::decodedFrames)
                    .containsOnly(frames);
        }
    }

    private static TranscodeResult transcode(Path source, Path tmp, TranscodeOptions options)
            throws Exception {
        Transcoder transcoder =
                new Transcoder(
                        options.withThreads(2)
                                .withWorkDir(Files.createDirectories(tmp.resolve("work"))));
        long start = System.nanoTime();
        TranscodeResult result = transcoder.transcode(source, tmp.resolve("out"));
        System.out.printf(
                "%s: transcoded in %d ms%n",
                source.getFileName(), (System.nanoTime() - start) / 1_000_000);
        return result;
    }
}
