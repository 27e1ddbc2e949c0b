package org.transcoder.operators.functions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.SourceFiles;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.StagedChunks;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.TaskResult;

/**
 * Stages a video's chunks after its first (STAGE tasks), off the task thread: the second at once,
 * so that the slot beside the first chunk has it to encode, the rest once the first is encoded
 * ({@link FirstChunkWait}), so a long upload is playable as soon as a short one, instead of after
 * every chunk of it is copied out. Emits the chunks' encode tasks once all are staged; a failure
 * after the retries is the failed result of the first chunk not staged, so the assembler ends the
 * video with the reason.
 */
public class StageChunks extends MediaTaskAsyncFunction<StagedChunks> {

    public StageChunks(OperatorSettings settings) {
        super(settings);
    }

    @Override
    protected int threads() {
        return settings.prepareConcurrency();
    }

    @Override
    protected String completedMetricName() {
        return "videosStaged";
    }

    @Override
    protected StagedChunks failure(
            MediaTask task, ReasonCode reason, String message, int attempts) {
        ChunkSpec first = chunks(task).get(0);
        MediaTask chunk = new MediaTask();
        chunk.setVideoId(task.getVideoId());
        chunk.setKind(TaskKind.CHUNK);
        chunk.setIndex(first.index());
        chunk.setPriority(task.getPriority());
        chunk.setGeneration(task.getGeneration());
        return StagedChunks.failed(TaskResult.failure(chunk, reason.name(), message, attempts));
    }

    @Override
    protected StagedChunks attempt(MediaTask task, Path scratch, int attempt) throws Exception {
        if (videoEnded(task, attempt)) {
            return StagedChunks.staged(task.getVideoId(), List.of()); // nothing to stage
        }
        try (SourceFiles.LocalSource source =
                SourceFiles.open(task.getInput(), settings.allowedSources(), scratch)) {
            MediaInfo info = Json.read(task.getSourceInfoJson(), MediaInfo.class);
            List<MediaTask> tasks = new ArrayList<>();
            for (ChunkSpec chunk : chunks(task)) {
                tasks.add(
                        ChunkTasks.stage(
                                steps(), storage, source.path(), info, chunk, task, scratch));
            }
            if (FirstChunkWait.stagingGone(storage, task)) {
                // The video ended (its first chunk failed) while these were staged, perhaps after
                // the end removed its staging: they are nobody's, and must not be encoded.
                for (MediaTask t : tasks) {
                    storage.deleteRecursively(t.getInput());
                }
                return StagedChunks.staged(task.getVideoId(), List.of());
            }
            return StagedChunks.staged(task.getVideoId(), tasks);
        }
    }

    private static List<ChunkSpec> chunks(MediaTask task) {
        return List.of(Json.read(task.getChunksJson(), ChunkSpec[].class));
    }
}
