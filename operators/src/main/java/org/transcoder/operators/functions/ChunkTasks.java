package org.transcoder.operators.functions;

import java.nio.file.Files;
import java.nio.file.Path;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.MediaException;
import org.transcoder.media.MediaSteps;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.TaskKind;

/**
 * A chunk's staging and its encode task, the same whether PrepareVideo stages it (a video's first
 * chunk) or StageChunks does (the rest, while the first is encoded).
 */
final class ChunkTasks {

    private ChunkTasks() {}

    /**
     * Stages {@code chunk} of {@code source} to its key in storage (under the upload's generation)
     * and returns its encode task, which takes the video, priority, generation, timeline origin and
     * encode spec from {@code video} (any task of the same upload).
     */
    static MediaTask stage(
            MediaSteps steps,
            ObjectStorage storage,
            Path source,
            MediaInfo info,
            ChunkSpec chunk,
            MediaTask video,
            Path scratch)
            throws Exception {
        String key =
                OutputLayout.stagedChunk(video.getVideoId(), video.getGeneration(), chunk.index());
        Path staged = steps.stageChunk(source, info, chunk, scratch);
        try {
            storage.moveIn(key, staged);
        } catch (RuntimeException e) {
            throw new MediaException(
                    ReasonCode.STORAGE_ERROR, "Cannot stage chunk: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(staged);
        }
        MediaTask t = video.sibling(TaskKind.CHUNK, chunk.index());
        t.setInput(key);
        t.setStartPts(chunk.startPts());
        t.setEndPts(chunk.endPts());
        t.setSeekPts(chunk.seekPts());
        t.setStagingOffset(chunk.stagingOffsetSeconds());
        t.setFrameCount(chunk.frameCount());
        t.setFirstSegment(chunk.firstSegment());
        t.setSegmentCount(chunk.segmentCount());
        return t;
    }
}
