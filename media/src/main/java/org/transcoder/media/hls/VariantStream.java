package org.transcoder.media.hls;

import java.io.Serializable;
import java.util.List;

/** One video rendition for the master playlist, with the segments its numbers are measured from. */
public record VariantStream(
        String name,
        int width,
        int height,
        String codecs,
        double frameRate,
        List<SegmentRef> segments)
        implements Serializable {}
