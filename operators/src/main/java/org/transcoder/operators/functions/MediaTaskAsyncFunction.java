package org.transcoder.operators.functions;

import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.MediaTask;

/**
 * What every async step over a video's {@link MediaTask}s shares, whatever it emits (a task's
 * result, or StageChunks' staged chunks): the upload's priority, scratch directories named for the
 * video and task, and the wait of a video's background work for its first chunk ({@link
 * FirstChunkWait}).
 */
public abstract class MediaTaskAsyncFunction<OUT> extends RetryingAsyncFunction<MediaTask, OUT> {

    protected MediaTaskAsyncFunction(OperatorSettings settings) {
        super(settings);
    }

    @Override
    protected int priority(MediaTask task) {
        return task.getPriority();
    }

    /** A video's background work waits for its first chunk ({@link FirstChunkWait}). */
    @Override
    protected boolean mayWaitToStart(MediaTask task) {
        return task.isAfterFirstChunk();
    }

    @Override
    protected boolean readyToStart(MediaTask task, long waitedMillis) {
        return FirstChunkWait.ready(storage, task, waitedMillis);
    }

    /**
     * Whether the first attempt of a background task finds its video ended ({@link
     * FirstChunkWait#videoEnded}): it then has nothing to do.
     */
    protected boolean videoEnded(MediaTask task, int attempt) {
        return attempt == 1 && FirstChunkWait.videoEnded(storage, task);
    }

    /**
     * {@code <videoId>-<task key>} (video ids are {@code [A-Za-z0-9_-]}), so a running encode's
     * command line ({@code .../<videoId>-CHUNK-3-<nanos>/chunk.nut}) names its video and chunk, as
     * the ClusterITs that count encodes per chunk rely on.
     */
    @Override
    protected String scratchName(MediaTask task) {
        return task.getVideoId() + "-" + task.key();
    }
}
