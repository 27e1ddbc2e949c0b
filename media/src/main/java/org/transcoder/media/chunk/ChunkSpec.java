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
 * @param stagingOffsetSeconds how far the staged chunk's timestamps are moved up from the source's:
 *     0, but in a video with a keyframe before time 0 (a file trimmed by stream copy, whose edit
 *     list hides the frames its first shown frame depends on; a transport stream whose clock
 *     wrapped) whole seconds past that keyframe. The staging container (NUT) takes no negative
 *     presentation time, and a demuxer may seek to that keyframe for any chunk (MP4 with an edit
 *     list lands that much early); the encoder moves the chunk back.
 */
public record ChunkSpec(
        int index,
        double startPts,
        double endPts,
        double seekPts,
        boolean keyframeAligned,
        int frameCount,
        int firstSegment,
        int segmentCount,
        double stagingOffsetSeconds)
        implements Serializable {

    public ChunkSpec {
        if (segmentCount < 1) {
            throw new IllegalArgumentException("A chunk has at least one segment");
        }
    }

    /** The staging offset of a video whose first keyframe is at {@code firstKeyframePts}. */
    public static double stagingOffsetFor(double firstKeyframePts) {
        return firstKeyframePts < 0 ? Math.ceil(-firstKeyframePts) + 1 : 0;
    }

    public double durationSeconds() {
        return endPts - startPts;
    }
}
