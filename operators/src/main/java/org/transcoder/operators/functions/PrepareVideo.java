package org.transcoder.operators.functions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.LocalFiles;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkPlanner;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.chunk.ChunkSplitter;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.probe.VideoStreamInfo;
import org.transcoder.media.validate.MediaValidator;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.SourceFiles;
import org.transcoder.operators.StorageLayout;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.RenditionInfo;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.VideoPlan;

/**
 * First step of a video, keyed by video id: ignores a repeated event for a video already accepted
 * with the same source, then validates and probes the upload, plans its chunks, stages them by
 * stream copy, and emits the plan (to the assembler) and its tasks (to the encoders). A rejected
 * upload ends here as FAILED with its reason.
 */
public class PrepareVideo extends KeyedProcessFunction<String, UploadEvent, MediaTask> {

    private static final Logger LOG = LoggerFactory.getLogger(PrepareVideo.class);

    static final Duration ACCEPTED_TTL = Duration.ofDays(30);

    private final OperatorSettings settings;
    private transient ValueState<String> acceptedSource;
    private transient ObjectStorage storage;
    private transient Counter videosAccepted;
    private transient Counter videosRejected;
    private transient Counter duplicatesIgnored;

    public PrepareVideo(OperatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext ctx) {
        acceptedSource =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "prepare-accepted-source", String.class));
        storage = ObjectStorage.of(settings.outputRoot());
        var metrics = getRuntimeContext().getMetricGroup();
        videosAccepted = metrics.counter("videosAccepted");
        videosRejected = metrics.counter("videosRejected");
        duplicatesIgnored = metrics.counter("duplicatesIgnored");
    }

    @Override
    public void processElement(UploadEvent event, Context ctx, Collector<MediaTask> out)
            throws Exception {
        if (Objects.equals(acceptedSource.value(), event.getSourceUri())) {
            duplicatesIgnored.inc();
            LOG.info(
                    "Ignoring duplicate upload event for {} ({})",
                    event.getVideoId(),
                    event.getSourceUri());
            return;
        }
        acceptedSource.update(event.getSourceUri());
        ctx.output(
                Outputs.STATUS,
                VideoRecord.received(event.getVideoId(), event.getSourceUri(), event.getLabels()));
        Path scratch =
                Path.of(
                        settings.localWorkDir(),
                        "prepare-" + event.getVideoId() + "-" + System.nanoTime());
        try {
            prepare(event, scratch, ctx, out);
            videosAccepted.inc();
        } catch (MediaException e) {
            videosRejected.inc();
            LOG.info("Upload {} rejected: {}", event.getVideoId(), e.toString());
            storage.deleteRecursively(StorageLayout.stagingPrefix(event.getVideoId()));
            VideoRecord failed =
                    VideoRecord.failed(
                            event.getVideoId(),
                            event.getSourceUri(),
                            e.reason().name(),
                            e.getMessage());
            failed.setLabels(event.getLabels());
            ctx.output(Outputs.STATUS, failed);
        } finally {
            LocalFiles.deleteQuietly(scratch);
        }
    }

    private void reject(UploadEvent event, ReasonCode reason, String message, Context ctx)
            throws IOException {
        videosRejected.inc();
        LOG.info("Upload {} rejected: {} {}", event.getVideoId(), reason, message);
        if (reason.isTransient()
                || reason == ReasonCode.SOURCE_MISSING
                || reason == ReasonCode.INTERNAL_ERROR) {
            // The same event may succeed later (object uploaded late, storage back): let it in.
            acceptedSource.clear();
        }
        try {
            storage.deleteRecursively(StorageLayout.stagingPrefix(event.getVideoId()));
        } catch (RuntimeException e) {
            LOG.warn("Cannot delete staging of {}: {}", event.getVideoId(), e.toString());
        }
        VideoRecord failed =
                VideoRecord.failed(
                        event.getVideoId(), event.getSourceUri(), reason.name(), message);
        failed.setLabels(event.getLabels());
        ctx.output(Outputs.STATUS, failed);
    }

    private void prepare(UploadEvent event, Path scratch, Context ctx, Collector<MediaTask> out)
            throws MediaException, IOException {
        Ladder ladder;
        try {
            ladder =
                    LadderProfiles.byName(
                            event.getProfile() == null
                                    ? settings.defaultProfile()
                                    : event.getProfile());
        } catch (IllegalArgumentException e) {
            throw new MediaException(ReasonCode.INVALID_EVENT, e.getMessage());
        }
        Files.createDirectories(scratch);
        try (SourceFiles.LocalSource source =
                SourceFiles.open(event.getSourceUri(), settings.sourceRoots(), scratch)) {
            MediaInfo info = MediaProbe.probe(source.path());
            VideoStreamInfo video =
                    new MediaValidator(settings.validation()).validate(source.path(), info);
            List<ChunkSpec> chunks =
                    ChunkPlanner.plan(info, settings.chunkingFor(info.videoDurationSeconds()));
            EncodeSpec spec =
                    EncodeSpec.forSource(video, ladder)
                            .withThreadsPerEncode(settings.threadsPerEncode());
            String specJson = Json.write(spec);
            String videoId = event.getVideoId();
            for (ChunkSpec chunk : chunks) {
                Path staged = ChunkSplitter.stage(source.path(), info, chunk, scratch);
                try {
                    storage.put(StorageLayout.stagedChunk(videoId, chunk.index()), staged);
                } catch (RuntimeException e) {
                    throw new MediaException(
                            ReasonCode.STORAGE_ERROR, "Cannot stage chunk: " + e.getMessage(), e);
                } finally {
                    Files.deleteIfExists(staged);
                }
            }
            long now = ctx.timerService().currentProcessingTime();
            VideoPlan plan = new VideoPlan();
            plan.setVideoId(videoId);
            plan.setSourceUri(event.getSourceUri());
            plan.setPriority(event.getPriority());
            plan.setReceivedAtMillis(now);
            plan.setDeadlineAtMillis(now + settings.videoDeadline().toMillis());
            plan.setDurationSeconds(info.videoDurationSeconds());
            plan.setFrameRate(spec.frameRate());
            plan.setChunkCount(chunks.size());
            plan.setHasAudio(info.primaryAudio().isPresent());
            List<RenditionInfo> renditions = new ArrayList<>();
            for (Rendition r : spec.renditions()) {
                renditions.add(new RenditionInfo(r.name(), r.width(), r.height()));
            }
            plan.setRenditions(renditions);
            plan.setLabels(
                    event.getLabels() == null ? new HashMap<>() : new HashMap<>(event.getLabels()));
            ctx.output(Outputs.PLANS, plan);

            for (ChunkSpec chunk : chunks) {
                MediaTask t = task(event, TaskKind.CHUNK, chunk.index(), specJson, info, now);
                t.setInput(StorageLayout.stagedChunk(videoId, chunk.index()));
                t.setStartPts(chunk.startPts());
                t.setEndPts(chunk.endPts());
                t.setSeekPts(chunk.seekPts());
                t.setFrameCount(chunk.frameCount());
                t.setFirstSegment(chunk.firstSegment());
                t.setSegmentCount(chunk.segmentCount());
                out.collect(t);
            }
            // The audio and thumbnail tasks read the whole source again, but need not probe it.
            String sourceInfoJson = Json.write(info.withoutFrameList());
            if (plan.isHasAudio()) {
                MediaTask audio = task(event, TaskKind.AUDIO, 0, specJson, info, now);
                audio.setAudioBitrateKbps(ladder.audioBitrateKbps());
                audio.setSourceInfoJson(sourceInfoJson);
                ctx.output(Outputs.AUDIO_TASKS, audio);
            }
            MediaTask thumbnails = task(event, TaskKind.THUMBNAILS, 0, specJson, info, now);
            thumbnails.setSourceInfoJson(sourceInfoJson);
            ctx.output(Outputs.THUMBNAIL_TASKS, thumbnails);
            ctx.output(Outputs.STATUS, VideoRecord.processing(videoId, event.getSourceUri(), 0));
        }
    }

    private static MediaTask task(
            UploadEvent event,
            TaskKind kind,
            int index,
            String specJson,
            MediaInfo info,
            long generation) {
        MediaTask t = new MediaTask();
        t.setVideoId(event.getVideoId());
        t.setKind(kind);
        t.setIndex(index);
        t.setPriority(event.getPriority());
        t.setInput(event.getSourceUri());
        t.setTimelineOrigin(info.videoStartPts());
        t.setEncodeSpecJson(specJson);
        t.setGeneration(generation);
        return t;
    }
}
