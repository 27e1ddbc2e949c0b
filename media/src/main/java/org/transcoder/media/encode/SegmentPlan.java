package org.transcoder.media.encode;

import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.chunk.ChunkPlanner;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.manifest.VideoTrack;

/**
 * How long a video's segments will be, known before any chunk is encoded: the encoder forces a key
 * frame on the first kept frame at or after every GOP length from the chunk's start ({@link
 * X264Options}) and {@link FfmpegChunkEncoder#segmentStarts} groups those GOPs into the chunk's
 * segments; this replays both on the planned frames. A video published while it is encoded needs
 * it: its playlists announce a TARGETDURATION that must hold for segments not encoded yet.
 */
public final class SegmentPlan {

    private SegmentPlan() {}

    /** The EXT-X-TARGETDURATION every segment of these chunks keeps (whole seconds, >= 1). */
    public static long targetDuration(
            List<Double> keptFrames, List<ChunkSpec> chunks, double gopSeconds) {
        double longest = 0;
        for (ChunkSpec c : chunks) {
            longest = Math.max(longest, longestSegmentSeconds(keptFrames, c, gopSeconds));
        }
        // As HlsManifests rounds a segment's 90 kHz ticks: a segment of exactly 4 s keeps 4.
        long ticks = Math.round(longest * VideoTrack.TIMESCALE);
        return Math.max(1, (ticks + VideoTrack.TIMESCALE - 1) / VideoTrack.TIMESCALE);
    }

    /** The longest segment the chunk will be cut into, in seconds ({@code keptFrames} sorted). */
    static double longestSegmentSeconds(List<Double> keptFrames, ChunkSpec chunk, double gop) {
        List<Double> keys = new ArrayList<>();
        int forced = 0;
        int first = ChunkPlanner.firstFrameFrom(keptFrames, chunk.startPts());
        int past = ChunkPlanner.firstFrameFrom(keptFrames, chunk.endPts());
        for (double f : keptFrames.subList(first, past)) {
            double t = f - chunk.startPts();
            if (t >= forced * gop - 0.0005) {
                keys.add(f);
                forced++;
            }
        }
        if (keys.isEmpty()) {
            return chunk.endPts() - chunk.startPts();
        }
        // Fragment durations as the encoder's 90 kHz timestamps (from the chunk start) give them.
        long[] ticks = new long[keys.size()];
        for (int i = 0; i < ticks.length; i++) {
            double end = i + 1 < ticks.length ? keys.get(i + 1) : chunk.endPts();
            ticks[i] =
                    Math.round((end - chunk.startPts()) * VideoTrack.TIMESCALE)
                            - Math.round((keys.get(i) - chunk.startPts()) * VideoTrack.TIMESCALE);
        }
        int[] starts = FfmpegChunkEncoder.segmentStarts(ticks, chunk.segmentCount());
        long longest = 0;
        for (int k = 0; k < starts.length; k++) {
            int to = k + 1 < starts.length ? starts[k + 1] : ticks.length;
            long sum = 0;
            for (int i = starts[k]; i < to; i++) {
                sum += ticks[i];
            }
            longest = Math.max(longest, sum);
        }
        return longest / (double) VideoTrack.TIMESCALE;
    }
}
