package org.transcoder.media.hls;

import java.io.Serializable;
import java.util.List;

/** The audio rendition played with every variant. */
public record AudioStream(String codecs, int channels, List<SegmentRef> segments)
        implements Serializable {}
