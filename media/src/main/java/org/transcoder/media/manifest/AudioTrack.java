package org.transcoder.media.manifest;

import java.io.Serializable;
import java.util.List;

/** The audio rendition played with every rung; its segments live under {@link #DIRECTORY}. */
public record AudioTrack(String codecs, int channels, int sampleRate, List<Segment> segments)
        implements Serializable {

    public static final String DIRECTORY = "audio";

    public AudioTrack {
        segments = List.copyOf(segments);
    }
}
