package org.transcoder.media.chunk;

import java.io.Serializable;

/**
 * How a video is cut into independently encoded chunks, and each chunk into HLS segments. A chunk
 * is the unit of parallel work (one ffmpeg process, ~0.35 CPU-s of fixed cost each); a segment is
 * the unit of delivery (what a player fetches). Long videos on few slots get long chunks of several
 * segments; short videos and many slots get one-segment chunks.
 *
 * @param targetSeconds preferred chunk length; cuts go to the source keyframe nearest to it
 * @param minSeconds a keyframe earlier than this after the last cut is not used
 * @param maxSeconds no chunk is longer: without a keyframe in range the cut is a time range
 * @param segmentSeconds preferred HLS segment length inside a chunk
 * @param firstSeconds length of a short first chunk of one segment (0: none): a video published
 *     while it is encoded is playable once its first chunk is, so that one is made short
 */
public record ChunkingPolicy(
        double targetSeconds,
        double minSeconds,
        double maxSeconds,
        double segmentSeconds,
        double firstSeconds)
        implements Serializable {

    public static final double DEFAULT_SEGMENT_SECONDS = 4.0;

    /**
     * The first chunk's length: one short segment, encoded in about two seconds on two cores at
     * 1080p so that the video is playable within a few seconds of its upload.
     */
    public static final double FIRST_CHUNK_SECONDS = 2.0;

    /** The longest chunk the automatic choice makes: bounds the work a retry repeats. */
    public static final double MAX_AUTO_CHUNK_SECONDS = 16.0;

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
        if (!(segmentSeconds > 0)) {
            throw new IllegalArgumentException("Need segment seconds > 0, got " + segmentSeconds);
        }
        if (!(firstSeconds >= 0)) {
            throw new IllegalArgumentException(
                    "Need first chunk seconds >= 0, got " + firstSeconds);
        }
    }

    /** Without a short first chunk. */
    public ChunkingPolicy(
            double targetSeconds, double minSeconds, double maxSeconds, double segmentSeconds) {
        this(targetSeconds, minSeconds, maxSeconds, segmentSeconds, 0);
    }

    /** The same, with (or, at 0, without) a short first chunk of this length. */
    public ChunkingPolicy withFirstChunk(double seconds) {
        return new ChunkingPolicy(targetSeconds, minSeconds, maxSeconds, segmentSeconds, seconds);
    }

    /** One-segment chunks of ~4 s. */
    public static ChunkingPolicy defaults() {
        return ofTarget(DEFAULT_SEGMENT_SECONDS);
    }

    public static ChunkingPolicy ofTarget(double targetSeconds) {
        return new ChunkingPolicy(
                targetSeconds,
                targetSeconds / 2,
                targetSeconds * 1.5,
                DEFAULT_SEGMENT_SECONDS,
                FIRST_CHUNK_SECONDS);
    }

    /**
     * Chunks for a video of this length on this many encode slots: as few as keep every slot busy,
     * in whole rounds over the slots, each chunk at most {@link #MAX_AUTO_CHUNK_SECONDS} and never
     * shorter than a segment. Each chunk is a process with a fixed cost, and an odd chunk left over
     * for a last round runs alone while the other slots idle (measured: 7 chunks of 17 s on 2 slots
     * ran one encode alone for the last 17-23 s).
     */
    public static ChunkingPolicy forSlots(double durationSeconds, int slots) {
        int n = Math.max(1, slots);
        int rounds = Math.max(1, (int) Math.ceil(durationSeconds / (MAX_AUTO_CHUNK_SECONDS * n)));
        double target = durationSeconds / (rounds * n);
        return ofTarget(
                Math.max(DEFAULT_SEGMENT_SECONDS, Math.min(MAX_AUTO_CHUNK_SECONDS, target)));
    }

    /**
     * How many segments a chunk of this length is cut into: one per full segmentSeconds, plus the
     * rest when it is at least half a segment (a shorter rest stays with the last segment).
     */
    public int segmentCount(double chunkSeconds) {
        return (int) Math.max(1, Math.round(chunkSeconds / segmentSeconds));
    }
}
