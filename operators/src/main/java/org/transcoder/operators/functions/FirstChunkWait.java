package org.transcoder.operators.functions;

import java.time.Duration;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.operators.Json;
import org.transcoder.operators.model.MediaTask;

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
     * Returns at once for a task not marked {@link MediaTask#isAfterFirstChunk()}; else once the
     * first chunk's encode is in storage (the video's first segment of its first rung, under this
     * upload's generation), once the video has ended (its staging removed: a failed first chunk
     * must not hold the rest up), or after {@link #MAX_WAIT}.
     */
    static void await(ObjectStorage storage, MediaTask task) throws InterruptedException {
        if (!task.isAfterFirstChunk()) {
            return;
        }
        String firstSegment = firstSegmentKey(task);
        String firstChunk = OutputLayout.stagedChunk(task.getVideoId(), task.getGeneration(), 0);
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (storage.exists(firstSegment) || !storage.exists(firstChunk)) {
                    return;
                }
            } catch (RuntimeException e) {
                return; // Storage trouble shows (and is retried) in the work itself.
            }
            Thread.sleep(POLL_MILLIS);
        }
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
