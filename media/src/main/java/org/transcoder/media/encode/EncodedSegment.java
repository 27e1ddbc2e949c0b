package org.transcoder.media.encode;

import java.nio.file.Path;

/**
 * One media segment of one rendition, from one chunk (a chunk makes one or more per rendition;
 * {@code index} numbers them across the whole video): the init segment it needs (named by content
 * hash, so identical inits of different chunks are one object), and what the playlists must say
 * about it.
 *
 * @param minSampleTicks the shortest sample (frame) duration in the segment, in {@link
 *     FfmpegChunkEncoder#TIMESCALE} ticks (always positive). FRAME-RATE of a rung is the maximum
 *     rate, {@link FrameTiming#declaredFrameRate} of the smallest of these over all the rung's
 *     segments ({@link FrameTiming#declaredFrameRates}); 0 only from the constructor without it
 *     (callers that build a segment by hand)
 */
public record EncodedSegment(
        String rendition,
        int chunkIndex,
        int index,
        Path segmentFile,
        Path initFile,
        String initName,
        double durationSeconds,
        long bytes,
        int frames,
        String codecs,
        long minSampleTicks) {

    /** A segment whose sample timing is not known (0 ticks). */
    public EncodedSegment(
            String rendition,
            int chunkIndex,
            int index,
            Path segmentFile,
            Path initFile,
            String initName,
            double durationSeconds,
            long bytes,
            int frames,
            String codecs) {
        this(
                rendition,
                chunkIndex,
                index,
                segmentFile,
                initFile,
                initName,
                durationSeconds,
                bytes,
                frames,
                codecs,
                0);
    }
}
