package org.transcoder.operators.model;

/** The kinds of task in a video's plan. */
public enum TaskKind {
    CHUNK,
    AUDIO,
    THUMBNAILS;

    /** Key of a task inside its video's plan, e.g. "CHUNK-3". */
    public String key(int index) {
        return this == CHUNK ? name() + "-" + index : name();
    }
}
