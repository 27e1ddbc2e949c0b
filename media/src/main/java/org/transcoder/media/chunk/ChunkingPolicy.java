package org.transcoder.media.chunk;

import java.io.Serializable;

/**
 * How a video is cut into independently encoded chunks (one HLS segment each).
 *
 * @param targetSeconds preferred chunk length; cuts go to the source keyframe nearest to it
 * @param minSeconds a keyframe earlier than this after the last cut is not used
 * @param maxSeconds no chunk is longer: without a keyframe in range the cut is a time range
 */
public record ChunkingPolicy(double targetSeconds, double minSeconds, double maxSeconds)
        implements Serializable {

    public ChunkingPolicy {
        if (!(minSeconds > 0 && minSeconds <= targetSeconds && targetSeconds <= maxSeconds)) {
            throw new IllegalArgumentException(
                    "Need 0 < min <= target <= max chunk seconds, got "
                            + minSeconds
                            + ", "
                            + targetSeconds
                            + ", "
                            + maxSeconds);
        }
    }

    public static ChunkingPolicy defaults() {
        return ofTarget(4.0);
    }

    public static ChunkingPolicy ofTarget(double targetSeconds) {
        return new ChunkingPolicy(targetSeconds, targetSeconds / 2, targetSeconds * 1.5);
    }
}
