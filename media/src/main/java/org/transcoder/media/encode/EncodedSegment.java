package org.transcoder.media.encode;

import java.nio.file.Path;
import java.util.List;
import org.transcoder.media.manifest.Segment;

/**
 * One media segment of one rendition, from one chunk (a chunk makes one or more per rendition;
 * {@code index} numbers them across the whole video): the init segment it needs (named by content
 * hash, so identical inits of different chunks are one object), and what the manifests must say
 * about it: where it sits on the video's timeline (in {@link FfmpegChunkEncoder#TIMESCALE} ticks)
 * and where its key frames are; {@code minSampleTicks} is its shortest frame duration (the rung's
 * FRAME-RATE is the highest rate of any of its frames).
 */
public record EncodedSegment(
        String rendition,
        int chunkIndex,
        int index,
        Path segmentFile,
        Path initFile,
        String initName,
        long startTicks,
        long durationTicks,
        List<Segment.KeyFrame> keyFrames,
        long bytes,
        int frames,
        long minSampleTicks,
        String codecs) {

    public EncodedSegment {
        keyFrames = List.copyOf(keyFrames);
    }

    public double durationSeconds() {
        return durationTicks / (double) FfmpegChunkEncoder.TIMESCALE;
    }

    /** The segment as the manifests describe it, its files named relative to its rung. */
    public Segment toSegment(String uri, String initUri) {
        return new Segment(
                uri,
                initUri,
                startTicks,
                durationTicks,
                FfmpegChunkEncoder.TIMESCALE,
                bytes,
                keyFrames);
    }
}
