package org.transcoder.media.chunk;

import java.io.Serializable;

/**
 * One chunk of the source timeline: frames with presentation time in [startPts, endPts) belong to
 * it and to no other chunk.
 *
 * @param seekPts keyframe at or before startPts where decoding must begin
 * @param keyframeAligned true when startPts is itself a keyframe (a plain stream-copy cut)
 * @param frameCount source frames inside the chunk
 */
public record ChunkSpec(
        int index,
        double startPts,
        double endPts,
        double seekPts,
        boolean keyframeAligned,
        int frameCount)
        implements Serializable {

    public double durationSeconds() {
        return endPts - startPts;
    }
}
