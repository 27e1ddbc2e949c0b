package org.transcoder.media.hls;

import java.io.Serializable;

/**
 * A media segment as a playlist lists it: URI relative to the playlist, its init, duration, size.
 */
public record SegmentRef(String uri, String initUri, double durationSeconds, long bytes)
        implements Serializable {}
