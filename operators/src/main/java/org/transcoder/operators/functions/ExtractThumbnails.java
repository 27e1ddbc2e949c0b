package org.transcoder.operators.functions;

import java.nio.file.Path;
import java.util.List;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.thumbs.Thumbnails;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.SourceFiles;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.TaskResult;

/** Makes a video's poster and storyboard (sprite + WebVTT) and writes them. */
public class ExtractThumbnails extends MediaTaskFunction {

    public ExtractThumbnails(OperatorSettings settings) {
        super(settings);
    }

    /** One video's audio (or thumbnails) never waits for another's: as many as are prepared. */
    @Override
    protected int threads() {
        return settings.prepareConcurrency();
    }

    @Override
    protected String completedMetricName() {
        return "thumbnailsExtracted";
    }

    @Override
    protected TaskResult attempt(MediaTask task, Path scratch, int attempt) throws Exception {
        if (videoEnded(task, attempt)) {
            return FirstChunkWait.notRun(task);
        }
        long started = System.nanoTime();
        try (SourceFiles.LocalSource source =
                SourceFiles.open(task.getInput(), settings.allowedSources(), scratch)) {
            MediaInfo info = sourceInfo(task, source.path(), steps());
            EncodeSpec spec = Json.read(task.getEncodeSpecJson(), EncodeSpec.class);
            Thumbnails t =
                    steps().extractThumbnails(source.path(), info, spec, scratch.resolve("out"));
            for (Path p : List.of(t.poster(), t.storyboard(), t.storyboardVtt())) {
                upload(
                        OutputLayout.videoFile(
                                task.getVideoId(),
                                OutputLayout.THUMBNAILS_DIR + "/" + p.getFileName()),
                        p);
            }
            return TaskResult.success(
                    task, List.of(), 0, (System.nanoTime() - started) / 1_000_000, attempt);
        }
    }
}
