package org.transcoder.operators.model;

/** The kinds of task in a video's plan. */
public enum TaskKind {
    CHUNK,
    AUDIO,
    /**
     * The first seconds of the audio, encoded on their own so that the video plays before its whole
     * track is encoded: the same bytes as the whole track's first segments.
     */
    AUDIO_START,
    THUMBNAILS;

    /** Key of a task inside its video's plan, e.g. "CHUNK-3". */
    public String key(int index) {
        return this == CHUNK ? name() + "-" + index : name();
    }
}
