package org.transcoder.media.manifest;

import java.io.Serializable;
import java.util.List;

/**
 * One fMP4 media segment of a track, as every manifest format must describe it: where it is
 * (relative to its track's directory), the init segment it needs, where it sits on the track's
 * timeline (its first sample's decode time, tfdt) and for how long, its size, and its key frames.
 *
 * @param timescale ticks per second of startTicks and durationTicks (the track's mdhd timescale)
 * @param keyFrames each key frame's byte range in the file and the time to the next one (I-frame
 *     playlists); empty for audio
 */
public record Segment(
        String uri,
        String initUri,
        long startTicks,
        long durationTicks,
        long timescale,
        long bytes,
        List<KeyFrame> keyFrames)
        implements Serializable {

    public Segment {
        keyFrames = List.copyOf(keyFrames);
    }

    public double startSeconds() {
        return startTicks / (double) timescale;
    }

    public double durationSeconds() {
        return durationTicks / (double) timescale;
    }

    public long endTicks() {
        return startTicks + durationTicks;
    }

    /**
     * A key frame inside a segment: {@code length} bytes from {@code offset} hold its fragment's
     * moof, the mdat header and the frame itself, so a player can fetch and decode it alone.
     */
    public record KeyFrame(long offset, long length, long durationTicks) implements Serializable {}
}
