package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkPlanner;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.chunk.ChunkingPolicy;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.testing.HostileMedia;
import org.transcoder.media.validate.MediaValidator;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.Preparation;
import org.transcoder.operators.model.RenditionInfo;
import org.transcoder.operators.model.StagedChunks;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.TaskResult;
import org.transcoder.operators.model.VideoPlan;

/**
 * The first steps of a video on real clips (this runs the bundled ffprobe/ffmpeg): AcceptUpload
 * (keyed harness), PrepareVideo (async harness) and RouteTasks fanning its result out.
 */
class PrepareVideoTest {

    /** 2.04 s of 24 fps H.264 with MP3 audio: two chunks at 1 s, short enough to stage fast. */
    private static final String GOOD_CLIP = "h264_854x480_sintel_mp3.mp4";

    /** 4.09 s of MPEG-4 ASP in AVI: a 2 s first chunk and two more at 1 s. */
    private static final String THREE_CHUNKS = "mpeg4asp_960x400_mp3.avi";

    private static final long NOW = 5_000L;
    private static final double CHUNK_SECONDS = 1.0;

    @TempDir Path root;
    @TempDir Path workDir;

    /** A second source root, for uploads the tests make. */
    @TempDir Path uploads;

    private OperatorSettings settings;
    private KeyedOneInputStreamOperatorTestHarness<String, UploadEvent, UploadEvent> accept;
    private OneInputStreamOperatorTestHarness<UploadEvent, Preparation> prepare;
    private OneInputStreamOperatorTestHarness<Preparation, MediaTask> harness;
    private PrepareVideo.Fault fault = (event, attempt) -> {};

    @BeforeEach
    void open() throws Exception {
        OperatorSettings d =
                OperatorSettings.defaults(
                        "file://" + root,
                        List.of(Fixtures.dir().toUri().toString(), uploads.toUri().toString()));
        settings =
                new OperatorSettings(
                        d.outputRoot(),
                        d.sourceRoots(),
                        "",
                        d.media()
                                .withWorkDir(workDir)
                                .withChunkSeconds(CHUNK_SECONDS)
                                .withThreadsPerEncode(0)
                                .withStepTimeout(Duration.ofMinutes(2)),
                        Duration.ofHours(2),
                        3,
                        1,
                        2,
                        Duration.ZERO);
        accept =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new AcceptUpload(), UploadEvent::getVideoId, Types.STRING);
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new RouteTasks());
    }

    private void openPrepare() throws Exception {
        prepare =
                new OneInputStreamOperatorTestHarness<>(
                        new AsyncWaitOperatorFactory<>(
                                new PrepareVideo(settings, fault),
                                120_000,
                                10,
                                AsyncDataStream.OutputMode.UNORDERED),
                        TypeInformation.of(UploadEvent.class)
                                .createSerializer(new SerializerConfigImpl()));
        prepare.open();
    }

    @AfterEach
    void close() throws Exception {
        accept.close();
        if (prepare != null) {
            prepare.close();
        }
        harness.close();
    }

    /** Accepts, prepares (waiting for the async work) and routes one event, like the job does. */
    private void process(UploadEvent event) throws Exception {
        accept.processElement(event, NOW);
        List<UploadEvent> accepted = accept.extractOutputValues();
        if (prepare == null) {
            openPrepare();
        }
        int before = prepare.extractOutputValues().size();
        if (accepted.size() > preparedEvents) {
            synchronized (prepare.getCheckpointLock()) {
                prepare.processElement(accepted.get(accepted.size() - 1), NOW);
                prepare.endInput();
            }
            preparedEvents = accepted.size();
        }
        List<Preparation> prepared = prepare.extractOutputValues();
        for (Preparation p : prepared.subList(before, prepared.size())) {
            harness.processElement(p, NOW);
        }
    }

    private int preparedEvents;

    @Test
    void chunksThatCannotBeStagedFailTheVideoAsTheirFirstChunk() throws Exception {
        Path upload = uploads.resolve("gone.mp4");
        Files.copy(Fixtures.clip(GOOD_CLIP), upload);
        process(UploadEvent.of("vid-gone", upload.toUri().toString()));
        assertThat(harness.extractOutputValues()).extracting(MediaTask::key).contains("CHUNK-0");
        MediaTask stage = side(Outputs.STAGE_TASKS).get(0);

        // The upload disappears while its first chunk is encoded.
        Files.delete(upload);
        Routed staged = stageChunks(stage);
        assertThat(staged.tasks()).isEmpty();
        assertThat(staged.failures()).hasSize(1);
        TaskResult failed = staged.failures().get(0);
        assertThat(failed.isSuccess()).isFalse();
        assertThat(failed.key()).isEqualTo("CHUNK-1");
        assertThat(failed.getVideoId()).isEqualTo("vid-gone");
        assertThat(failed.getGeneration()).isEqualTo(stage.getGeneration());
        assertThat(failed.getReasonCode()).isEqualTo(ReasonCode.SOURCE_MISSING.name());
        assertThat(workDir).isEmptyDirectory();
    }

    /** What RouteStagedChunks sends on: chunk tasks to the encoders, failures to the assembler. */
    private record Routed(List<MediaTask> tasks, List<TaskResult> failures) {}

    /** Runs a STAGE task through StageChunks and RouteStagedChunks; its first chunk is encoded. */
    private Routed stageChunks(MediaTask stage) throws Exception {
        return stageChunks(stage, () -> firstChunkEncoded(stage));
    }

    /** The first chunk's segment appears in storage, as EncodeChunk writes it. */
    private void firstChunkEncoded(MediaTask stage) {
        ObjectStorage.of("file://" + root)
                .putString(FirstChunkWait.firstSegmentKey(stage), "the first chunk's segment");
    }

    /** A step of a test that may throw. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Runs a STAGE task through StageChunks (async harness) and RouteStagedChunks: {@code
     * meanwhile} runs once the task is handed over (StageChunks waits for the first chunk).
     */
    private Routed stageChunks(MediaTask stage, Step meanwhile) throws Exception {
        try (OneInputStreamOperatorTestHarness<MediaTask, StagedChunks> staging =
                        new OneInputStreamOperatorTestHarness<>(
                                new AsyncWaitOperatorFactory<>(
                                        new StageChunks(settings),
                                        120_000,
                                        10,
                                        AsyncDataStream.OutputMode.UNORDERED),
                                TypeInformation.of(MediaTask.class)
                                        .createSerializer(new SerializerConfigImpl()));
                OneInputStreamOperatorTestHarness<StagedChunks, MediaTask> route =
                        ProcessFunctionTestHarnesses.forProcessFunction(new RouteStagedChunks())) {
            staging.open();
            synchronized (staging.getCheckpointLock()) {
                staging.processElement(stage, NOW);
            }
            meanwhile.run();
            synchronized (staging.getCheckpointLock()) {
                staging.endInput();
            }
            for (StagedChunks s : staging.extractOutputValues()) {
                route.processElement(s, NOW);
            }
            return new Routed(route.extractOutputValues(), side(route, Outputs.STAGING_FAILURES));
        }
    }

    /**
     * The STAGE tasks of {@link #THREE_CHUNKS} (the second chunk's, then the rest's), after
     * checking that PrepareVideo planned them so.
     */
    private List<MediaTask> stageTasksOfThreeChunks(String videoId) throws Exception {
        process(UploadEvent.of(videoId, Fixtures.clip(THREE_CHUNKS).toUri().toString()));
        List<MediaTask> stage = side(Outputs.STAGE_TASKS);
        assertThat(side(Outputs.PLANS).get(0).getChunkCount()).isEqualTo(3);
        assertThat(stage).extracting(MediaTask::key).containsExactly("STAGE-1", "STAGE-2");
        assertThat(stage).extracting(MediaTask::isAfterFirstChunk).containsExactly(false, true);
        return stage;
    }

    @Test
    void theSecondChunkIsStagedAtOnceTheRestOnceTheFirstIsEncoded() throws Exception {
        List<MediaTask> stage = stageTasksOfThreeChunks("vid-wait");
        long generation = stage.get(0).getGeneration();
        Path chunk1 = root.resolve(OutputLayout.stagedChunk("vid-wait", generation, 1));
        Path chunk2 = root.resolve(OutputLayout.stagedChunk("vid-wait", generation, 2));

        // The second chunk is staged while the first chunk's segment does not exist (a task
        // that waited for it would wait FirstChunkWait.MAX_WAIT, 60 s, here).
        Routed second =
                stageChunks(
                        stage.get(0),
                        () -> {
                            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                            while (!Files.exists(chunk1) && System.nanoTime() < until) {
                                Thread.sleep(20);
                            }
                            assertThat(chunk1).isNotEmptyFile();
                        });
        assertThat(second.failures()).isEmpty();
        assertThat(second.tasks()).extracting(MediaTask::key).containsExactly("CHUNK-1");
        assertThat(root.resolve(FirstChunkWait.firstSegmentKey(stage.get(0)))).doesNotExist();

        Routed rest =
                stageChunks(
                        stage.get(1),
                        () -> {
                            // Staging would take a fraction of this: it waits for the first chunk.
                            Thread.sleep(1500);
                            assertThat(chunk2).doesNotExist();
                            firstChunkEncoded(stage.get(1));
                        });

        assertThat(rest.failures()).isEmpty();
        assertThat(rest.tasks()).extracting(MediaTask::key).containsExactly("CHUNK-2");
        assertThat(chunk2).isNotEmptyFile();
    }

    /**
     * The second chunk is staged without waiting, so its video can end (a first chunk that fails at
     * once) before it is: what it staged is removed again and nothing is encoded.
     */
    @Test
    void aSecondChunkStagedAfterItsVideoEndedIsRemoved() throws Exception {
        MediaTask stage = stageTasksOfThreeChunks("vid-ended-early").get(0);
        ObjectStorage.of("file://" + root)
                .deleteRecursively(OutputLayout.stagingPrefix("vid-ended-early"));

        Routed second = stageChunks(stage, () -> {});

        assertThat(second.tasks()).isEmpty();
        assertThat(second.failures()).isEmpty();
        assertThat(root.resolve(OutputLayout.stagingPrefix("vid-ended-early")))
                .satisfiesAnyOf(
                        d -> assertThat(d).doesNotExist(),
                        d -> assertThat(Files.walk(d).filter(Files::isRegularFile)).isEmpty());
    }

    @Test
    void aVideoThatEndsBeforeItsFirstChunkIsEncodedIsNotStaged() throws Exception {
        MediaTask stage = stageTasksOfThreeChunks("vid-ended").get(1);

        // Its first chunk fails: the FAILED end removes the video's staging.
        Routed rest =
                stageChunks(
                        stage,
                        () ->
                                ObjectStorage.of("file://" + root)
                                        .deleteRecursively(
                                                OutputLayout.stagingPrefix("vid-ended")));

        assertThat(rest.tasks()).isEmpty();
        assertThat(rest.failures()).isEmpty();
        assertThat(root.resolve(OutputLayout.stagingPrefix("vid-ended"))).doesNotExist();
    }

    @Test
    void goodClipIsPlannedStagedAndSplitIntoTasks() throws Exception {
        Path clip = Fixtures.clip(GOOD_CLIP);
        String source = clip.toUri().toString();
        UploadEvent event = UploadEvent.of("vid-good", source);
        event.setPriority(7);
        event.setLabels(Map.of("tenant", "t1"));

        process(event);

        // What the plan should say, from the media module directly.
        MediaInfo info = MediaProbe.probe(clip);
        List<ChunkSpec> chunks = ChunkPlanner.plan(info, ChunkingPolicy.ofTarget(CHUNK_SECONDS));
        EncodeSpec spec =
                EncodeSpec.forSource(
                        new MediaValidator(settings.validation()).validate(clip, info),
                        LadderProfiles.defaultLadder());
        // 2 s at 1 s chunks: the second chunk starts between keyframes (a seek is planned).
        assertThat(chunks).hasSize(2);

        List<VideoPlan> plans = side(Outputs.PLANS);
        assertThat(plans).hasSize(1);
        VideoPlan plan = plans.get(0);
        assertThat(plan.getVideoId()).isEqualTo("vid-good");
        assertThat(plan.getSourceUri()).isEqualTo(source);
        assertThat(plan.getPriority()).isEqualTo(7);
        assertThat(plan.getChunkCount()).isEqualTo(chunks.size());
        assertThat(plan.isHasAudio()).isTrue();
        // The generation is the time of preparation; the deadline grows with the duration.
        assertThat(plan.getReceivedAtMillis())
                .isCloseTo(System.currentTimeMillis(), within(60_000L));
        assertThat(plan.getDeadlineAtMillis() - plan.getReceivedAtMillis())
                .isEqualTo(settings.deadlineFor(plan.getDurationSeconds()).toMillis())
                .isGreaterThan(Duration.ofHours(2).toMillis());
        assertThat(plan.getDurationSeconds()).isCloseTo(2.0, within(0.1));
        assertThat(plan.getFrameRate()).isCloseTo(24.0, within(0.01));
        assertThat(plan.getLabels()).containsEntry("tenant", "t1");
        assertThat(plan.getRenditions())
                .isNotEmpty()
                .containsExactlyElementsOf(
                        spec.renditions().stream()
                                .map(r -> new RenditionInfo(r.name(), r.width(), r.height()))
                                .toList());
        assertThat(plan.getRenditions())
                .allSatisfy(r -> assertThat(r.getHeight()).isLessThanOrEqualTo(480));

        // PrepareVideo stages the first chunk and hands the second to StageChunks (a STAGE task).
        List<MediaTask> first = harness.extractOutputValues();
        assertThat(first).extracting(MediaTask::key).containsExactly("CHUNK-0");
        List<MediaTask> stage = side(Outputs.STAGE_TASKS);
        assertThat(stage).extracting(MediaTask::key).containsExactly("STAGE-1");
        assertThat(stage.get(0).getInput()).isEqualTo(source);
        assertThat(List.of(Json.read(stage.get(0).getChunksJson(), ChunkSpec[].class)))
                .isEqualTo(chunks.subList(1, chunks.size()));
        assertThat(plan.taskKeys()).doesNotContain(TaskKind.STAGE.key(1));
        assertThat(
                        root.resolve(
                                OutputLayout.stagedChunk(
                                        "vid-good", plan.getReceivedAtMillis(), 1)))
                .doesNotExist();

        // One chunk task per planned chunk, each with its staged chunk in storage.
        List<MediaTask> tasks = new java.util.ArrayList<>(first);
        Routed rest = stageChunks(stage.get(0));
        assertThat(rest.failures()).isEmpty();
        tasks.addAll(rest.tasks());
        assertThat(tasks).extracting(MediaTask::getKind).containsOnly(TaskKind.CHUNK);
        assertThat(tasks)
                .extracting(MediaTask::getIndex)
                .containsExactlyElementsOf(IntStream.range(0, chunks.size()).boxed().toList());
        for (MediaTask t : tasks) {
            ChunkSpec c = chunks.get(t.getIndex());
            assertThat(t.getVideoId()).isEqualTo("vid-good");
            assertThat(t.getPriority()).isEqualTo(7);
            assertThat(t.getGeneration()).isEqualTo(plan.getReceivedAtMillis());
            assertThat(t.getInput())
                    .isEqualTo(
                            OutputLayout.stagedChunk(
                                    "vid-good", plan.getReceivedAtMillis(), t.getIndex()));
            assertThat(t.getStartPts()).isEqualTo(c.startPts());
            assertThat(t.getEndPts()).isEqualTo(c.endPts());
            assertThat(t.getSeekPts()).isEqualTo(c.seekPts());
            assertThat(t.getFrameCount()).isEqualTo(c.frameCount());
            assertThat(t.getTimelineOrigin()).isEqualTo(info.videoStartPts());
            assertThat(Json.read(t.getEncodeSpecJson(), EncodeSpec.class).renditions())
                    .isEqualTo(spec.renditions());
            Path staged = root.resolve(t.getInput());
            assertThat(staged).isRegularFile();
            assertThat(Files.size(staged)).isPositive();
        }
        assertThat(root.resolve(tasks.get(0).getInput()).getParent())
                .isDirectoryContaining(p -> p.getFileName().toString().endsWith(".nut"));

        // A video of several chunks: the start of its audio (covering the first chunk) first.
        List<MediaTask> audio = side(Outputs.AUDIO_TASKS);
        boolean several = chunks.size() > 1;
        assertThat(plan.isAudioStart()).isEqualTo(several);
        assertThat(audio)
                .extracting(MediaTask::getKind)
                .containsExactlyElementsOf(
                        several
                                ? List.of(TaskKind.AUDIO_START, TaskKind.AUDIO)
                                : List.of(TaskKind.AUDIO));
        if (several) {
            assertThat(audio.get(0).getEndPts()).isEqualTo(chunks.get(0).endPts());
            assertThat(plan.taskKeys()).contains(TaskKind.AUDIO_START.key(0));
        }
        assertThat(audio)
                .allSatisfy(
                        a -> {
                            assertThat(a.getInput()).isEqualTo(source);
                            assertThat(a.getAudioBitrateKbps())
                                    .isEqualTo(LadderProfiles.defaultLadder().audioBitrateKbps());
                        });
        List<MediaTask> thumbs = side(Outputs.THUMBNAIL_TASKS);
        assertThat(thumbs).hasSize(1);
        assertThat(thumbs.get(0).getKind()).isEqualTo(TaskKind.THUMBNAILS);
        assertThat(thumbs.get(0).getInput()).isEqualTo(source);
        // What makes the video playable starts at once, and the staging of the second chunk
        // (the slot beside the first chunk encodes it); the rest of its background work after
        // the first chunk.
        assertThat(first.get(0).isAfterFirstChunk()).isFalse();
        assertThat(stage.get(0).isAfterFirstChunk()).isFalse();
        assertThat(audio)
                .extracting(MediaTask::isAfterFirstChunk)
                .containsExactlyElementsOf(several ? List.of(false, true) : List.of(false));
        assertThat(thumbs.get(0).isAfterFirstChunk()).isEqualTo(several);
        // Both carry the probe, so neither runs ffprobe on the source again.
        MediaInfo probed = MediaProbe.probe(clip);
        for (MediaTask t : List.of(audio.get(audio.size() - 1), thumbs.get(0))) {
            MediaInfo carried = Json.read(t.getSourceInfoJson(), MediaInfo.class);
            assertThat(carried).isEqualTo(probed.withoutFrameList());
            assertThat(carried.framePts()).hasSize(2);
            assertThat(carried.videoDurationSeconds()).isEqualTo(probed.videoDurationSeconds());
            assertThat(carried.maxGopSeconds()).isEqualTo(probed.maxGopSeconds());
            assertThat(carried.primaryAudio()).isEqualTo(probed.primaryAudio());
        }

        List<VideoRecord> status = statuses();
        assertThat(status)
                .extracting(VideoRecord::getStatus)
                .containsExactly(VideoStatus.RECEIVED, VideoStatus.PROCESSING);
        assertThat(status.get(0).getLabels()).containsEntry("tenant", "t1");
        assertThat(status).allMatch(r -> r.getVideoId().equals("vid-good"));

        // Scratch space is cleaned up.
        assertThat(workDir).isEmptyDirectory();

        // The same event again (a redelivery) produces nothing new.
        process(UploadEvent.of("vid-good", source));
        assertThat(harness.extractOutputValues()).hasSize(first.size());
        assertThat(side(Outputs.STAGE_TASKS)).hasSize(1);
        assertThat(side(Outputs.PLANS)).hasSize(1);
        assertThat(side(Outputs.AUDIO_TASKS)).hasSize(audio.size());
        assertThat(side(Outputs.THUMBNAIL_TASKS)).hasSize(1);
        assertThat(statuses()).hasSize(2);
        // Only the accepted source is kept per video.
        assertThat(accept.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void audioOnlyClipFailsWithNoVideoStream() throws Exception {
        String source = Fixtures.clip("audio_only_2x_aac51.mp4").toUri().toString();
        process(UploadEvent.of("vid-audio", source));

        assertFailedOnly("vid-audio", ReasonCode.NO_VIDEO_STREAM);
    }

    @Test
    void sourceOutsideTheAllowedRootsIsAnInvalidEvent() throws Exception {
        // Normalized, this leaves the fixtures directory.
        String source = Fixtures.dir().toUri() + "../../../../pom.xml";
        process(UploadEvent.of("vid-escape", source));
        assertFailedOnly("vid-escape", ReasonCode.INVALID_EVENT);
    }

    @Test
    void missingSourceFailsWithSourceMissing() throws Exception {
        String source = Fixtures.dir().resolve("no_such_clip.mp4").toUri().toString();
        process(UploadEvent.of("vid-missing", source));
        assertFailedOnly("vid-missing", ReasonCode.SOURCE_MISSING);
    }

    @Test
    void unknownLadderProfileIsAnInvalidEvent() throws Exception {
        UploadEvent event =
                UploadEvent.of("vid-profile", Fixtures.clip(GOOD_CLIP).toUri().toString());
        event.setProfile("no-such-ladder");
        process(event);
        assertFailedOnly("vid-profile", ReasonCode.INVALID_EVENT);
    }

    /**
     * An HLS playlist of /etc/passwd named as a playlist. Under its own name FFmpeg's hls demuxer
     * would take it (and the allowlist refuse it: UNSUPPORTED_CONTAINER, see HostileInputTest);
     * FFmpeg sees the neutral name instead, so no demuxer recognises it at all.
     */
    @Test
    void aPlaylistUploadIsOpenedUnderANeutralNameAndReadsNothingItNames() throws Exception {
        Path playlist =
                Files.writeString(
                        uploads.resolve("evil.m3u8"),
                        "#EXTM3U\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n");
        process(UploadEvent.of("vid-playlist", playlist.toUri().toString()));
        assertFailedOnly("vid-playlist", ReasonCode.CORRUPT_INPUT);
        assertThat(statuses().get(1).getMessage()).doesNotContain("root:");
    }

    /** 10 minutes of 16x16 frames at 1000 fps: refused from its packet timestamps, in seconds. */
    @Test
    void aThousandFramesPerSecondIsTooHighAFrameRate() throws Exception {
        Path upload = Files.copy(HostileMedia.thousandFps10Minutes(), uploads.resolve("fast.mkv"));
        long start = System.nanoTime();
        process(UploadEvent.of("vid-1000fps", upload.toUri().toString()));
        assertFailedOnly("vid-1000fps", ReasonCode.TOO_HIGH_FRAME_RATE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    private void assertFailedOnly(String videoId, ReasonCode reason) throws Exception {
        List<VideoRecord> status = statuses();
        assertThat(status)
                .extracting(VideoRecord::getStatus)
                .containsExactly(VideoStatus.RECEIVED, VideoStatus.FAILED);
        VideoRecord failed = status.get(1);
        assertThat(failed.getVideoId()).isEqualTo(videoId);
        assertThat(failed.getReasonCode()).isEqualTo(reason.name());
        assertThat(failed.getMessage()).isNotBlank();
        assertThat(side(Outputs.PLANS)).isEmpty();
        assertThat(side(Outputs.AUDIO_TASKS)).isEmpty();
        assertThat(side(Outputs.THUMBNAIL_TASKS)).isEmpty();
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(root.resolve(OutputLayout.stagingPrefix(videoId))).doesNotExist();
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void anUnexpectedExceptionIsRetriedThenEndsTheVideoFailedWithInternalError() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        fault =
                (event, attempt) -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("boom in " + event.getVideoId());
                };
        process(UploadEvent.of("vid-boom", Fixtures.clip(GOOD_CLIP).toUri().toString()));
        assertFailedOnly("vid-boom", ReasonCode.INTERNAL_ERROR);
        assertThat(attempts).hasValue(settings.maxAttempts());
        assertThat(statuses().get(1).getMessage()).contains("boom in vid-boom");
    }

    @Test
    void aSlowPreparationHoldsUpNeitherTheStreamNorOtherUploads() throws Exception {
        fault =
                (event, attempt) -> {
                    if (event.getVideoId().equals("vid-slow")) {
                        Thread.sleep(3_000);
                    }
                };
        openPrepare();
        String source = Fixtures.clip(GOOD_CLIP).toUri().toString();
        long t0 = System.nanoTime();
        synchronized (prepare.getCheckpointLock()) {
            prepare.processElement(UploadEvent.of("vid-slow", source), NOW);
            prepare.processElement(UploadEvent.of("vid-fast", source), NOW);
            // The task thread is free: a checkpoint can be taken while both are in flight.
            prepare.snapshot(1, NOW);
        }
        assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);
        synchronized (prepare.getCheckpointLock()) {
            prepare.endInput();
        }
        assertThat(prepare.extractOutputValues())
                .extracting(Preparation::getVideoId)
                .containsExactly("vid-fast", "vid-slow");
    }

    private List<VideoRecord> statuses() {
        List<VideoRecord> all = new java.util.ArrayList<>(side(accept, Outputs.STATUS));
        all.addAll(side(harness, Outputs.STATUS));
        return all;
    }

    private <T> List<T> side(OutputTag<T> tag) {
        return side(harness, tag);
    }

    private static <T> List<T> side(
            org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness<?> h,
            OutputTag<T> tag) {
        var out = h.getSideOutput(tag);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }
}
