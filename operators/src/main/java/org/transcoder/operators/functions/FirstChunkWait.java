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
 * A video's background work (staging its later chunks, its whole audio track, its thumbnails)
 * starts once its first chunk is encoded: the first chunk is what makes the video playable, and
 * beside its encode, even at background CPU priority, that work slowed it by a tenth on 2 cores
 * (shared caches and memory bandwidth, and staging's reads and writes of the whole upload). A
 * 10-minute upload's first play was 0.5 s later than a 60 s one's for it.
 */
final class FirstChunkWait {

    /**
     * The longest a task waits. A first chunk that takes longer (queued behind other uploads' first
     * chunks, or a huge frame size) has the background work of its video started anyway.
     */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private static final long POLL_MILLIS = 100;

    private FirstChunkWait() {}

    /**
     * Waits, for a task marked {@link MediaTask#isAfterFirstChunk()}, until the first chunk's
     * encode is in storage (the video's first segment of its first rung, under this upload's
     * generation), or after {@link #MAX_WAIT}; returns false, at once, when the video has ended
     * meanwhile (its FAILED end removed its staging: a first chunk that failed): the task then has
     * nothing to do, and must not write into a video that is gone.
     */
    static boolean await(ObjectStorage storage, MediaTask task) throws InterruptedException {
        if (!task.isAfterFirstChunk()) {
            return true;
        }
        String firstSegment = firstSegmentKey(task);
        String firstChunk = OutputLayout.stagedChunk(task.getVideoId(), task.getGeneration(), 0);
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (storage.exists(firstSegment)) {
                    return true;
                }
                if (!storage.exists(firstChunk)) {
                    return false;
                }
            } catch (RuntimeException e) {
                return true; // Storage trouble shows (and is retried) in the work itself.
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    /** The result of a task {@link #await} found with nothing to do (the assembler drops it). */
    static TaskResult videoEnded(MediaTask task) {
        return TaskResult.failure(
                task,
                ReasonCode.INTERNAL_ERROR.name(),
                "Not run: the video had ended before the task started",
                1);
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
