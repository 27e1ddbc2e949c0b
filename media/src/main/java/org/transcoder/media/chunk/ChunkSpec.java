package org.transcoder.media.chunk;

import java.io.Serializable;

/**
 * One chunk of the source timeline: frames with presentation time in [startPts, endPts) belong to
 * it and to no other chunk.
 *
 * @param seekPts keyframe at or before startPts where decoding must begin
 * @param keyframeAligned true when startPts is itself a keyframe (a plain stream-copy cut)
 * @param frameCount source frames inside the chunk
 * @param firstSegment index of the chunk's first HLS segment in the whole video
 * @param segmentCount HLS segments the chunk is cut into
 */
public record ChunkSpec(
        int index,
        double startPts,
        double endPts,
        double seekPts,
        boolean keyframeAligned,
        int frameCount,
        int firstSegment,
        int segmentCount)
        implements Serializable {

    public ChunkSpec {
        if (segmentCount < 1) {
            throw new IllegalArgumentException("A chunk has at least one segment");
        }
    }

    public double durationSeconds() {
        return endPts - startPts;
    }
}
