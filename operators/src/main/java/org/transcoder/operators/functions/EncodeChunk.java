package org.transcoder.operators.functions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.util.function.SerializableSupplier;
import org.transcoder.media.MediaException;
import org.transcoder.media.MediaSteps;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.encode.ChunkEncoder;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.EncodedSegment;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.SegmentInfo;
import org.transcoder.operators.model.TaskResult;

/**
 * Encodes one staged chunk into every rendition (one decode) and writes the segments to their final
 * keys; runs in every encode slot in parallel. The slots of a TaskManager share one queue of chunks
 * ({@link WorkerPool}): the next chunk due runs on whichever slot frees first.
 */
public class EncodeChunk extends MediaTaskFunction {

    private final SerializableSupplier<ChunkEncoder> encoderFactory;
    private transient ChunkEncoder encoder;
    private transient volatile double lastFps;

    public EncodeChunk(OperatorSettings settings) {
        this(settings, () -> MediaSteps.ffmpeg(settings.media()).chunkEncoder());
    }

    public EncodeChunk(
            OperatorSettings settings, SerializableSupplier<ChunkEncoder> encoderFactory) {
        super(settings);
        this.encoderFactory = encoderFactory;
    }

    @Override
    protected boolean sharesWorkers() {
        return true;
    }

    @Override
    protected String completedMetricName() {
        return "chunksEncoded";
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        super.open(ctx);
        encoder = encoderFactory.get();
        getRuntimeContext().getMetricGroup().gauge("encodeFps", () -> lastFps);
    }

    @Override
    protected TaskResult attempt(MediaTask task, Path scratch, int attempt) throws Exception {
        Path staged = scratch.resolve("chunk.nut");
        try {
            storage.download(task.getInput(), staged);
        } catch (RuntimeException e) {
            throw new MediaException(
                    ReasonCode.STORAGE_ERROR,
                    "Cannot read staged chunk " + task.getInput() + ": " + e.getMessage(),
                    e);
        }
        ChunkSpec chunk =
                new ChunkSpec(
                        task.getIndex(),
                        task.getStartPts(),
                        task.getEndPts(),
                        task.getSeekPts(),
                        task.getSeekPts() == task.getStartPts(),
                        task.getFrameCount(),
                        task.getFirstSegment(),
                        task.getSegmentCount(),
                        task.getStagingOffset());
        EncodeSpec spec = Json.read(task.getEncodeSpecJson(), EncodeSpec.class);
        long started = System.nanoTime();
        Path out = scratch.resolve("out");
        List<EncodedSegment> segments =
                encoder.encode(staged, chunk, task.getTimelineOrigin(), spec, out);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (FirstChunkWait.stagingGone(storage, task)) {
            return ended(task, attempt);
        }
        List<SegmentInfo> infos = new ArrayList<>();
        List<String> segmentKeys = new ArrayList<>();
        int frames = 0;
        for (EncodedSegment s : segments) {
            String dir = s.rendition() + "/";
            // Inits are named by content hash (the same bytes under the same key; a rendition's
            // init serves each of its segments here, so it is copied); segments carry the
            // upload's generation, and are moved.
            String segment =
                    OutputLayout.segmentPath(
                            task.getGeneration(), s.segmentFile().getFileName().toString());
            upload(OutputLayout.videoFile(task.getVideoId(), dir + s.initName()), s.initFile());
            String segmentKey = OutputLayout.videoFile(task.getVideoId(), dir + segment);
            uploadAndRemove(segmentKey, s.segmentFile());
            segmentKeys.add(segmentKey);
            infos.add(
                    SegmentInfo.of(
                            s.rendition(),
                            s.index(),
                            s.toSegment(segment, s.initName()),
                            segment,
                            s.initName(),
                            s.frames(),
                            s.minSampleTicks(),
                            s.codecs()));
            frames = Math.max(frames, s.frames());
        }
        if (FirstChunkWait.stagingGone(storage, task)) {
            // Ended while the segments were written: the end's deletion may have run before they
            // were. The segments are this upload's (their keys carry its generation); the inits are
            // named by content, and another upload of the video may list the same one.
            for (String key : segmentKeys) {
                storage.deleteRecursively(key);
            }
            return ended(task, attempt);
        }
        lastFps = millis > 0 ? frames * 1000.0 / millis : 0;
        return TaskResult.success(task, infos, frames, millis, attempt);
    }

    /**
     * The result of a chunk whose video ended (FAILED, by another chunk's failure) while it was
     * encoded ({@link FirstChunkWait#stagingGone}: the end removes the video's staging before its
     * outputs). Its encode beside the failing chunk (the second beside the first, any two later
     * ones) cannot be stopped, but it writes nothing into the video that is gone.
     */
    private static TaskResult ended(MediaTask task, int attempt) {
        return TaskResult.failure(
                task,
                ReasonCode.INTERNAL_ERROR.name(),
                "Dropped: the video ended while this chunk was encoded",
                attempt);
    }
}
