package org.transcoder.media.manifest;

import java.io.Serializable;
import java.util.List;

/** The audio rendition played with every rung; its segments live under OutputLayout.AUDIO_DIR. */
public record AudioTrack(String codecs, int channels, int sampleRate, List<Segment> segments)
        implements Serializable {

    public AudioTrack {
        segments = List.copyOf(segments);
    }
}
