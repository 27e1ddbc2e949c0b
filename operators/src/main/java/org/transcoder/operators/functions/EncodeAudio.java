package org.transcoder.operators.functions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.audio.AudioEncoder;
import org.transcoder.media.hls.AudioStream;
import org.transcoder.media.hls.SegmentRef;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.SourceFiles;
import org.transcoder.operators.StorageLayout;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.SegmentInfo;
import org.transcoder.operators.model.TaskResult;

/** Encodes a video's one AAC rendition from the whole source track and writes its segments. */
public class EncodeAudio extends MediaTaskFunction {

    public EncodeAudio(OperatorSettings settings) {
        super(settings);
    }

    @Override
    protected String completedMetricName() {
        return "audioEncoded";
    }

    @Override
    protected TaskResult run(MediaTask task, Path scratch, int attempt) throws Exception {
        long started = System.nanoTime();
        try (SourceFiles.LocalSource source =
                SourceFiles.open(task.getInput(), settings.sourceRoots(), scratch)) {
            MediaInfo info = sourceInfo(task, source.path());
            Path out = scratch.resolve("out");
            AudioStream audio =
                    new AudioEncoder(settings.taskTimeout())
                            .encode(source.path(), info, task.getAudioBitrateKbps(), out);
            List<SegmentInfo> infos = new ArrayList<>();
            Path dir = out.resolve("audio");
            upload(
                    StorageLayout.videoFile(
                            task.getVideoId(), "audio/" + audio.segments().get(0).initUri()),
                    dir.resolve(audio.segments().get(0).initUri()));
            int i = 0;
            for (SegmentRef s : audio.segments()) {
                upload(
                        StorageLayout.videoFile(task.getVideoId(), "audio/" + s.uri()),
                        dir.resolve(s.uri()));
                infos.add(
                        new SegmentInfo(
                                "audio",
                                i++,
                                s.uri(),
                                s.initUri(),
                                s.durationSeconds(),
                                s.bytes(),
                                0,
                                audio.codecs()));
            }
            return TaskResult.success(
                    task, infos, 0, (System.nanoTime() - started) / 1_000_000, attempt);
        }
    }
}
