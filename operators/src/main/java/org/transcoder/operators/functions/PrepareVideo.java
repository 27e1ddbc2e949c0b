package org.transcoder.operators.functions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.VideoPreparation;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.FrameTiming;
import org.transcoder.media.encode.SegmentPlan;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.operators.Failures;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.SourceFiles;
import org.transcoder.operators.StagingSweeper;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.Preparation;
import org.transcoder.operators.model.RenditionInfo;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.VideoPlan;

/**
 * Prepares an accepted upload off the task thread: validates and probes it, plans its chunks,
 * stages the first by stream copy, and produces the plan and its tasks (the first chunk's, the
 * audio's, the thumbnails', and STAGE tasks for StageChunks to stage the other chunks), or the
 * FAILED record with the reason. Several uploads are prepared at once ({@code
 * prepare.concurrency}), so one slow upload (a huge file, a probe that takes minutes) holds up
 * neither the others nor any checkpoint, and every step has a deadline. An unexpected exception is
 * retried like a transient failure and then ends the video FAILED with INTERNAL_ERROR; nothing here
 * can fail the job.
 */
public class PrepareVideo extends RetryingAsyncFunction<UploadEvent, Preparation> {

    private static final Logger LOG = LoggerFactory.getLogger(PrepareVideo.class);

    /**
     * A seam for tests: runs before each attempt's work (production: nothing). Lets a test make a
     * preparation slow or throw an unexpected exception, as a hostile upload could.
     */
    public interface Fault extends java.io.Serializable {
        void beforeAttempt(UploadEvent event, int attempt) throws Exception;
    }

    /** How often the first instance sweeps orphaned staging data. */
    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);

    private final Fault fault;
    private transient Counter videosAccepted;
    private transient Counter videosRejected;
    private transient ScheduledExecutorService sweeper;

    public PrepareVideo(OperatorSettings settings) {
        this(settings, (event, attempt) -> {});
    }

    public PrepareVideo(OperatorSettings settings, Fault fault) {
        super(settings);
        this.fault = fault;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        super.open(ctx);
        var metrics = getRuntimeContext().getMetricGroup();
        videosAccepted = metrics.counter("videosAccepted");
        videosRejected = metrics.counter("videosRejected");
        Counter swept = metrics.counter("stagingOrphansSwept");
        // One instance sweeps for the whole job; the sweep only deletes what no video can use.
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                && !settings.stagingOrphanAge().isZero()) {
            sweeper =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "staging-sweeper");
                                t.setDaemon(true);
                                return t;
                            });
            sweeper.scheduleWithFixedDelay(
                    () -> sweep(swept), 1, SWEEP_INTERVAL.toMinutes(), TimeUnit.MINUTES);
        }
    }

    private void sweep(Counter swept) {
        try {
            swept.inc(
                    StagingSweeper.sweep(
                                    storage,
                                    System.currentTimeMillis(),
                                    settings.stagingOrphanAge())
                            .size());
        } catch (RuntimeException e) {
            LOG.warn("Staging sweep failed, trying again in {}: {}", SWEEP_INTERVAL, e.toString());
        }
    }

    @Override
    public void close() throws Exception {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        super.close();
    }

    @Override
    protected String completedMetricName() {
        return "videosPrepared";
    }

    @Override
    protected int priority(UploadEvent event) {
        return event.getPriority();
    }

    @Override
    protected int threads() {
        return settings.prepareConcurrency();
    }

    @Override
    protected Preparation failure(
            UploadEvent event, ReasonCode reason, String message, int attempts) {
        videosRejected.inc();
        try {
            storage.deleteRecursively(OutputLayout.stagingPrefix(event.getVideoId()));
        } catch (RuntimeException e) {
            // The orphan sweep removes it later.
            LOG.warn("Cannot delete staging of {}: {}", event.getVideoId(), e.toString());
        }
        return Preparation.failed(
                Failures.record(
                        event.getVideoId(),
                        event.getSourceUri(),
                        reason,
                        message,
                        event.getLabels()));
    }

    @Override
    protected Preparation attempt(UploadEvent event, Path scratch, int attempt) throws Exception {
        fault.beforeAttempt(event, attempt);
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
        // The upload's generation: keys of its staged chunks and segments carry it, so a late
        // task of an earlier upload of the same video never overwrites this one's objects.
        long generation = System.currentTimeMillis();
        String videoId = event.getVideoId();
        try (SourceFiles.LocalSource source =
                SourceFiles.open(event.getSourceUri(), settings.allowedSources(), scratch)) {
            VideoPreparation.PreparedVideo prepared = steps().prepare(source.path(), ladder);
            MediaInfo info = prepared.info();
            List<ChunkSpec> chunks = prepared.chunks();
            EncodeSpec spec = prepared.spec();
            VideoPlan plan = plan(event, info, spec, chunks.size(), generation);
            plan.setTargetDurationSeconds(
                    SegmentPlan.targetDuration(
                            FrameTiming.keptFrames(info.framePts()), chunks, spec.gopSeconds()));
            List<MediaTask> tasks = new ArrayList<>();
            String specJson = Json.write(spec);
            // The other tasks read the whole source again, but need not probe it.
            String sourceInfoJson = Json.write(info.withoutFrameList());
            // The first chunk is staged here and encoded at once; StageChunks stages the rest, so
            // a long upload is playable as soon as a short one.
            MediaTask video = task(event, TaskKind.STAGE, 0, specJson, info, generation);
            tasks.add(
                    ChunkTasks.stage(
                            steps(), storage, source.path(), info, chunks.get(0), video, scratch));
            // Background work waits for the first chunk, which makes a video of several chunks
            // playable; a video of one chunk is done with it, and needs the rest beside it. Only
            // the second chunk is staged at once (one chunk's copy, as long for a long upload as
            // for a short one): the slot beside the first chunk encodes it, at background
            // priority, on the CPU the first chunk leaves idle, instead of idling until it ends.
            boolean background = chunks.size() > 1;
            video.setSourceInfoJson(sourceInfoJson);
            if (background) {
                tasks.add(stageTask(video, chunks.subList(1, 2), false));
            }
            if (chunks.size() > 2) {
                tasks.add(stageTask(video, chunks.subList(2, chunks.size()), true));
            }
            if (plan.isHasAudio()) {
                // A video of several chunks plays once its first chunk and the start of its audio
                // are done: the start goes first, the whole track (in the background) after it.
                plan.setAudioStart(background);
                if (plan.isAudioStart()) {
                    MediaTask start =
                            task(event, TaskKind.AUDIO_START, 0, specJson, info, generation);
                    start.setAudioBitrateKbps(ladder.audioBitrateKbps());
                    start.setSourceInfoJson(sourceInfoJson);
                    start.setEndPts(chunks.get(0).endPts());
                    tasks.add(start);
                }
                MediaTask audio = task(event, TaskKind.AUDIO, 0, specJson, info, generation);
                audio.setAudioBitrateKbps(ladder.audioBitrateKbps());
                audio.setSourceInfoJson(sourceInfoJson);
                audio.setAfterFirstChunk(background);
                tasks.add(audio);
            }
            MediaTask thumbnails = task(event, TaskKind.THUMBNAILS, 0, specJson, info, generation);
            thumbnails.setSourceInfoJson(sourceInfoJson);
            thumbnails.setAfterFirstChunk(background);
            tasks.add(thumbnails);
            videosAccepted.inc();
            return Preparation.planned(plan, tasks);
        }
    }

    /**
     * A STAGE task for StageChunks: {@code chunks} of the video of {@code video} (a STAGE task of
     * the upload, whose fields it copies), indexed by the first of them; started at once or ({@code
     * afterFirstChunk}) once the first chunk is encoded.
     */
    private static MediaTask stageTask(
            MediaTask video, List<ChunkSpec> chunks, boolean afterFirstChunk) {
        MediaTask t = video.sibling(TaskKind.STAGE, chunks.get(0).index());
        t.setInput(video.getInput());
        t.setSourceInfoJson(video.getSourceInfoJson());
        t.setAfterFirstChunk(afterFirstChunk);
        t.setChunksJson(Json.write(chunks));
        return t;
    }

    private VideoPlan plan(
            UploadEvent event, MediaInfo info, EncodeSpec spec, int chunkCount, long generation) {
        VideoPlan plan = new VideoPlan();
        plan.setVideoId(event.getVideoId());
        plan.setSourceUri(event.getSourceUri());
        plan.setPriority(event.getPriority());
        plan.setReceivedAtMillis(generation);
        plan.setDeadlineAtMillis(
                generation + settings.deadlineFor(info.videoDurationSeconds()).toMillis());
        plan.setDurationSeconds(info.videoDurationSeconds());
        plan.setFrameRate(spec.frameRate());
        plan.setNominalFrameRate(spec.nominalFrameRate());
        plan.setChunkCount(chunkCount);
        plan.setHasAudio(info.primaryAudio().isPresent());
        List<RenditionInfo> renditions = new ArrayList<>();
        for (Rendition r : spec.renditions()) {
            renditions.add(new RenditionInfo(r.name(), r.width(), r.height()));
        }
        plan.setRenditions(renditions);
        plan.setLabels(new HashMap<>(event.getLabels()));
        return plan;
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
