package org.transcoder.operators.functions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.SourceFiles;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.SegmentInfo;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.TaskResult;

/**
 * Encodes a video's one AAC rendition from the whole source track and writes its segments; or
 * (AUDIO_START) only the track's first segments, the same bytes under the same keys, covering the
 * video's first chunk.
 */
public class EncodeAudio extends MediaTaskFunction {

    public EncodeAudio(OperatorSettings settings) {
        super(settings);
    }

    private static String audioKey(MediaTask task, String relative) {
        return OutputLayout.videoFile(task.getVideoId(), OutputLayout.AUDIO_DIR + "/" + relative);
    }

    /** One video's audio (or thumbnails) never waits for another's: as many as are prepared. */
    @Override
    protected int threads() {
        return settings.prepareConcurrency();
    }

    @Override
    protected String completedMetricName() {
        return "audioEncoded";
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
            Path out = scratch.resolve("out");
            AudioTrack audio =
                    task.getKind() == TaskKind.AUDIO_START
                            ? steps().encodeAudioStart(
                                            source.path(),
                                            info,
                                            task.getAudioBitrateKbps(),
                                            out,
                                            task.getEndPts() - task.getTimelineOrigin())
                            : steps().encodeAudio(
                                            source.path(), info, task.getAudioBitrateKbps(), out);
            List<SegmentInfo> infos = new ArrayList<>();
            Path dir = out.resolve(OutputLayout.AUDIO_DIR);
            // Keys carry the upload's generation: a late task of an earlier upload of this video
            // never overwrites what this one's playlist lists.
            String init =
                    OutputLayout.segmentPath(
                            task.getGeneration(), audio.segments().get(0).initUri());
            upload(audioKey(task, init), dir.resolve(audio.segments().get(0).initUri()));
            int i = 0;
            for (Segment s : audio.segments()) {
                String segment = OutputLayout.segmentPath(task.getGeneration(), s.uri());
                upload(audioKey(task, segment), dir.resolve(s.uri()));
                infos.add(
                        SegmentInfo.of(
                                OutputLayout.AUDIO_DIR,
                                i++,
                                s,
                                segment,
                                init,
                                0,
                                0,
                                audio.codecs()));
            }
            return TaskResult.success(
                    task, infos, 0, (System.nanoTime() - started) / 1_000_000, attempt);
        }
    }
}
