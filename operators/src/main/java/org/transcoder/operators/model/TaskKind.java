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
    THUMBNAILS,
    /**
     * Staging some of a video's chunks after its first (StageChunks): the second at once, the rest
     * once the first is encoded. It produces those chunks' tasks and is indexed by the first of
     * them. Not a task the assembler waits for; its failure is reported as the failure of the first
     * chunk it did not stage.
     */
    STAGE;

    /** Key of a task inside its video's plan, e.g. "CHUNK-3" (or of a STAGE task, "STAGE-2"). */
    public String key(int index) {
        return this == CHUNK || this == STAGE ? name() + "-" + index : name();
    }
}
