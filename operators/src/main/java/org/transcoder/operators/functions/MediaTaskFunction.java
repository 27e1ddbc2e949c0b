package org.transcoder.operators.functions;

import org.transcoder.media.MediaException;
import org.transcoder.media.MediaSteps;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.TaskResult;

/**
 * A media task of a video's plan (a chunk encode, the audio, the thumbnails), run off the task
 * thread with retries; a task that keeps failing becomes a failed result with its reason, which the
 * assembler turns into the video's FAILED record.
 */
public abstract class MediaTaskFunction extends MediaTaskAsyncFunction<TaskResult> {

    protected MediaTaskFunction(OperatorSettings settings) {
        super(settings);
    }

    @Override
    protected TaskResult failure(MediaTask task, ReasonCode reason, String message, int attempts) {
        return TaskResult.failure(task, reason.name(), message, attempts);
    }

    /**
     * When a viewer who started the video at its upload would reach the task's part of it: chunks
     * run in timeline order within a video, and a new video's first chunk goes ahead of another
     * video's later chunks that nobody can be watching yet (an old video's chunks come due as time
     * passes, so none waits for ever). Audio and thumbnails are due at the upload.
     */
    @Override
    protected long dueAtMillis(MediaTask task) {
        double offset =
                task.getKind() == TaskKind.CHUNK
                        ? Math.max(0, task.getStartPts() - task.getTimelineOrigin())
                        : 0;
        return task.getGeneration() + (long) (offset * 1000);
    }

    @Override
    protected int threads() {
        return settings.encodeConcurrency();
    }

    /** The probe PrepareVideo sent along with the task, else (older tasks) a fresh one. */
    protected static MediaInfo sourceInfo(
            MediaTask task, java.nio.file.Path source, MediaSteps steps) throws MediaException {
        return task.getSourceInfoJson() != null
                ? Json.read(task.getSourceInfoJson(), MediaInfo.class)
                : steps.probe(source);
    }
}
