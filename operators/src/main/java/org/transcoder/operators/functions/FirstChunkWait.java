package org.transcoder.operators.functions;

import java.time.Duration;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.operators.Json;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.TaskResult;

/**
 * A video's background work (staging its chunks after the second, its whole audio track, its
 * thumbnails) starts once its first chunk is encoded: the first chunk is what makes the video
 * playable, and beside its encode, even at background CPU priority, that work slowed it by a tenth
 * on 2 cores (shared caches and memory bandwidth, and staging's reads and writes of the whole
 * upload). A 10-minute upload's first play was 0.5 s later than a 60 s one's for it. (The second
 * chunk is staged at once and encoded beside the first: the ladder needs that encode, the first
 * chunk leaves a sixth of two cores idle, and it costs first play ~0.25 s, as much for a long
 * upload as for a short one.) A task that may not start yet waits outside its operator's queue
 * ({@link RetryingAsyncFunction#mayWaitToStart}), so it holds no worker from the tasks behind it
 * (another video's audio start).
 */
final class FirstChunkWait {

    /**
     * The longest a task waits. A first chunk that takes longer (queued behind other uploads' first
     * chunks, or a huge frame size) has the background work of its video started anyway.
     */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private FirstChunkWait() {}

    /**
     * Whether {@code task} may start, {@code waitedMillis} after it arrived: at once where it is
     * not marked {@link MediaTask#isAfterFirstChunk()}; else once the first chunk's encode is in
     * storage (the video's first segment of its first rung, under this upload's generation), once
     * the video has ended ({@link #videoEnded}), or after {@link #MAX_WAIT}.
     */
    static boolean ready(ObjectStorage storage, MediaTask task, long waitedMillis) {
        if (!task.isAfterFirstChunk() || waitedMillis >= MAX_WAIT.toMillis()) {
            return true;
        }
        try {
            return storage.exists(firstSegmentKey(task)) || !storage.exists(firstChunkKey(task));
        } catch (RuntimeException e) {
            return true; // Storage trouble shows (and is retried) in the work itself.
        }
    }

    /**
     * Whether the video of a marked task has ended: its FAILED end removed the staging (a first
     * chunk that failed). The task then has nothing to do, and must not write into a video that is
     * gone.
     */
    static boolean videoEnded(ObjectStorage storage, MediaTask task) {
        return task.isAfterFirstChunk() && stagingGone(storage, task);
    }

    /**
     * Whether the video of {@code task} has ended: its first chunk's staging, there from its
     * preparation on, is gone (the end removes the video's staging first).
     */
    static boolean stagingGone(ObjectStorage storage, MediaTask task) {
        try {
            return !storage.exists(firstChunkKey(task));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The result of an AUDIO or THUMBNAILS task whose video ended (the assembler drops it). */
    static TaskResult notRun(MediaTask task) {
        return TaskResult.failure(
                task,
                ReasonCode.INTERNAL_ERROR.name(),
                "Not run: the video had ended before the task started",
                1);
    }

    private static String firstChunkKey(MediaTask task) {
        return OutputLayout.stagedChunk(task.getVideoId(), task.getGeneration(), 0);
    }

    /** Where EncodeChunk writes the video's first segment of its first rung. */
    static String firstSegmentKey(MediaTask task) {
        EncodeSpec spec = Json.read(task.getEncodeSpecJson(), EncodeSpec.class);
        return OutputLayout.videoFile(
                task.getVideoId(),
                spec.renditions().get(0).name()
                        + "/"
                        + OutputLayout.segmentPath(
                                task.getGeneration(), OutputLayout.segmentName(0)));
    }
}
