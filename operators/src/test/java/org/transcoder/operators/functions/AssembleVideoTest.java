package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.lindstrom.m3u8.model.MasterPlaylist;
import io.lindstrom.m3u8.model.MediaPlaylist;
import io.lindstrom.m3u8.model.MediaSegment;
import io.lindstrom.m3u8.model.Variant;
import io.lindstrom.m3u8.parser.MasterPlaylistParser;
import io.lindstrom.m3u8.parser.MediaPlaylistParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.Publication;
import org.transcoder.operators.model.RenditionInfo;
import org.transcoder.operators.model.SegmentInfo;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.TaskResult;
import org.transcoder.operators.model.VideoPlan;

/**
 * The assembler through Flink's keyed two-input harness; its publications are carried out by
 * PublishVideo's own code into a temp dir.
 */
class AssembleVideoTest {

    private static final long START = 1_000L;
    private static final long DEADLINE_MILLIS = 60_000L;
    private static final String VIDEO_CODECS = "avc1.64001f";
    private static final String AUDIO_CODECS = "mp4a.40.2";

    /** Two chunks of 4 s and 2.5 s; bytes per rendition and chunk. */
    private static final double[] CHUNK_SECONDS = {4.0, 2.5};

    private static final Map<String, long[]> VIDEO_BYTES =
            Map.of("360p", new long[] {200_000, 150_000}, "720p", new long[] {800_000, 700_000});
    private static final long[] AUDIO_BYTES = {64_000, 30_000};

    @TempDir Path root;

    private OperatorSettings settings;
    private KeyedTwoInputStreamOperatorTestHarness<String, VideoPlan, TaskResult, VideoRecord>
            harness;

    @BeforeEach
    void open() throws Exception {
        open(OperatorSettings.defaults("file://" + root, List.of()));
    }

    private void open(OperatorSettings settings) throws Exception {
        if (harness != null) {
            harness.close();
        }
        this.settings = settings;
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new AssembleVideo(settings)),
                        VideoPlan::getVideoId,
                        TaskResult::getVideoId,
                        Types.STRING);
        harness.open();
        harness.setProcessingTime(START);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void allTasksDonePublishesPlaylistsAndReady() throws Exception {
        String id = "vid-a";
        Path staged = touch(OutputLayout.stagedChunk(id, START, 0));

        harness.processElement1(plan(id), START);
        for (TaskResult r : allResults(id)) {
            harness.processElement2(r, START);
        }

        List<VideoRecord> out = records();
        VideoRecord ready = out.get(out.size() - 1);
        assertThat(ready.getStatus()).isEqualTo(VideoStatus.READY);
        assertThat(ready.getVideoId()).isEqualTo(id);
        assertThat(ready.getProgressPercent()).isEqualTo(100);
        assertThat(ready.getManifestUri())
                .isEqualTo("file://" + root + "/videos/" + id + "/master.m3u8");
        assertThat(ready.getPosterUri())
                .isEqualTo("file://" + root + "/videos/" + id + "/thumbnails/poster.jpg");
        assertThat(ready.getDurationSeconds()).isEqualTo(6.5);
        assertThat(ready.getLabels()).containsEntry("tenant", "t1");

        // PROCESSING before READY, with rising progress below 100.
        List<VideoRecord> progress = out.subList(0, out.size() - 1);
        assertThat(progress)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(VideoStatus.PROCESSING));
        List<Integer> percents = progress.stream().map(VideoRecord::getProgressPercent).toList();
        assertThat(percents).isSorted().doesNotHaveDuplicates().allMatch(p -> p < 100);
        assertThat(percents).containsExactly(0, 24, 49, 74);
        // ... and in chunks: of all the plan's chunks, never going back.
        long chunks = allResults(id).stream().filter(r -> r.key().startsWith("CHUNK")).count();
        assertThat(progress).allSatisfy(r -> assertThat(r.getChunksTotal()).isEqualTo(chunks));
        List<Integer> chunksDone = progress.stream().map(VideoRecord::getChunksDone).toList();
        assertThat(chunksDone).isSorted().allMatch(d -> d <= chunks);

        // Master playlist: one variant per rendition, BANDWIDTH = video peak + audio peak.
        Path master = root.resolve("videos/" + id + "/master.m3u8");
        assertThat(master).isRegularFile();
        MasterPlaylist mp = new MasterPlaylistParser().readPlaylist(Files.readString(master));
        assertThat(mp.alternativeRenditions()).hasSize(1);
        assertThat(mp.alternativeRenditions().get(0).uri()).contains("audio/index.m3u8");
        assertThat(mp.variants())
                .extracting(Variant::uri)
                .containsExactly("360p/index.m3u8", "720p/index.m3u8");
        long audioPeak = peak(AUDIO_BYTES);
        long audioAverage = average(AUDIO_BYTES);
        for (Variant v : mp.variants()) {
            String name = v.uri().substring(0, v.uri().indexOf('/'));
            assertThat(v.bandwidth())
                    .as("BANDWIDTH of %s includes the audio", name)
                    .isEqualTo(peak(VIDEO_BYTES.get(name)) + audioPeak);
            assertThat(v.averageBandwidth())
                    .contains(average(VIDEO_BYTES.get(name)) + audioAverage);
            assertThat(v.codecs()).containsExactly(VIDEO_CODECS, AUDIO_CODECS);
            assertThat(v.audio()).contains("aud");
        }
        assertThat(mp.variants().get(1).resolution().orElseThrow().width()).isEqualTo(1280);

        // The READY record's renditions say the same as the master playlist.
        assertThat(ready.getRenditions())
                .extracting(RenditionRecord::getName, RenditionRecord::getBandwidth)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "360p", peak(VIDEO_BYTES.get("360p")) + audioPeak),
                        org.assertj.core.groups.Tuple.tuple(
                                "720p", peak(VIDEO_BYTES.get("720p")) + audioPeak));
        assertThat(ready.getRenditions().get(1).getPlaylistUri())
                .isEqualTo("file://" + root + "/videos/" + id + "/720p/index.m3u8");

        // Media playlists: every segment in order, with its duration and init.
        for (String rendition : List.of("360p", "720p", "audio")) {
            Path playlist = root.resolve("videos/" + id + "/" + rendition + "/index.m3u8");
            assertThat(playlist).isRegularFile();
            MediaPlaylist media =
                    new MediaPlaylistParser().readPlaylist(Files.readString(playlist));
            assertThat(media.ongoing()).isFalse();
            assertThat(media.targetDuration()).isEqualTo(4);
            assertThat(media.mediaSegments())
                    .extracting(MediaSegment::uri)
                    .containsExactly("seg_00000.m4s", "seg_00001.m4s");
            assertThat(media.mediaSegments())
                    .extracting(MediaSegment::duration)
                    .containsExactly(4.0, 2.5);
            assertThat(media.mediaSegments().get(0).segmentMap().orElseThrow().uri())
                    .isEqualTo("init_" + rendition + ".mp4");
        }

        // Staging removed, nothing left in state or timers.
        assertThat(staged).doesNotExist();
        assertThat(root.resolve(OutputLayout.stagingPrefix(id))).doesNotExist();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    /**
     * The variants' FRAME-RATE: a shortest sample within a tick of the plan's nominal frame (a
     * 24000/1001 fps frame at 90 kHz lasts 3753.75 ticks) declares the nominal rate; a plan from
     * before the nominal rate was kept (0) declares the measured 90000 / 3753, rounded up.
     */
    @Test
    void theNominalFrameRateIsDeclaredWhereTheShortestSampleIsItRoundedToTicks() throws Exception {
        assertThat(frameRates("vid-film", 23.976)).containsOnly(23.976);
        assertThat(frameRates("vid-old-plan", 0)).containsOnly(23.981);
    }

    private List<Double> frameRates(String id, double nominal) throws Exception {
        touch(OutputLayout.stagedChunk(id, START, 0));
        VideoPlan p = plan(id);
        p.setFrameRate(23.97);
        p.setNominalFrameRate(nominal);
        harness.processElement1(p, START);
        for (TaskResult r : allResults(id)) {
            r.getSegments().stream()
                    .filter(s -> !s.getRendition().equals("audio"))
                    .forEach(s -> s.setMinSampleTicks(3753 + s.getIndex() % 2));
            harness.processElement2(r, START);
        }
        assertThat(records())
                .last()
                .extracting(VideoRecord::getStatus)
                .isEqualTo(VideoStatus.READY);
        Path master = root.resolve("videos/" + id + "/master.m3u8");
        return new MasterPlaylistParser()
                .readPlaylist(Files.readString(master)).variants().stream()
                        .map(v -> v.frameRate().orElseThrow())
                        .toList();
    }

    @Test
    void failedTaskFailsTheVideoAndRemovesPartialOutputs() throws Exception {
        String id = "vid-b";
        Path partial = touch(OutputLayout.videoFile(id, "720p/seg_00000.m4s"));
        Path staged = touch(OutputLayout.stagedChunk(id, START, 1));

        harness.processElement1(plan(id), START);
        harness.processElement2(chunk(id, 0), START);
        harness.processElement2(
                TaskResult.failure(task(id, TaskKind.CHUNK, 1), "ENCODE_FAILED", "x264 said no", 1),
                START);

        List<VideoRecord> out = records();
        VideoRecord last = out.get(out.size() - 1);
        assertThat(last.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(last.getReasonCode()).isEqualTo(ReasonCode.ENCODE_FAILED.name());
        assertThat(last.getMessage()).contains("CHUNK-1").contains("x264 said no");
        assertThat(last.getLabels()).containsEntry("tenant", "t1");
        assertThat(out).filteredOn(r -> r.getStatus() == VideoStatus.READY).isEmpty();

        assertThat(partial).doesNotExist();
        assertThat(root.resolve(OutputLayout.videoPrefix(id))).doesNotExist();
        assertThat(staged).doesNotExist();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    /**
     * Chunk 0 brings 1.0 MB of segments, chunk 1 another 0.85 MB: over a 1.5 MB cap, the video
     * fails as the result that passes it arrives, before the rest of its tasks.
     */
    @Test
    void outputsOverTheCapFailTheVideo() throws Exception {
        open(settings.withValidation(settings.validation().withMaxOutputBytes(1_500_000)));
        String id = "vid-big";
        harness.processElement1(plan(id), START);
        harness.processElement2(chunk(id, 0), START);
        assertThat(records().get(records().size() - 1).getStatus())
                .isEqualTo(VideoStatus.PROCESSING);
        harness.processElement2(chunk(id, 1), START);

        VideoRecord last = records().get(records().size() - 1);
        assertThat(last.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(last.getReasonCode()).isEqualTo(ReasonCode.OUTPUT_TOO_LARGE.name());
        assertThat(last.getMessage()).contains("1500000");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void deadlinePassedFailsTheVideo() throws Exception {
        String id = "vid-c";
        harness.processElement1(plan(id), START);
        harness.processElement2(chunk(id, 0), START);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(START + DEADLINE_MILLIS - 1);
        assertThat(records()).noneMatch(r -> r.getStatus().isTerminal());

        harness.setProcessingTime(START + DEADLINE_MILLIS + 1);
        List<VideoRecord> out = records();
        VideoRecord last = out.get(out.size() - 1);
        assertThat(last.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(last.getReasonCode()).isEqualTo(ReasonCode.DEADLINE_EXCEEDED.name());
        assertThat(out).filteredOn(r -> r.getStatus().isTerminal()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // A result that arrives after the video ended is an orphan, dropped after the TTL.
        harness.processElement2(chunk(id, 1), START);
        harness.setProcessingTime(
                START + DEADLINE_MILLIS + 2 + AssembleVideo.ORPHAN_RESULT_TTL_MILLIS);
        assertThat(records()).filteredOn(r -> r.getStatus().isTerminal()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void resultsBeforeThePlanAreKeptAndUsed() throws Exception {
        String id = "vid-d";
        for (TaskResult r : allResults(id)) {
            harness.processElement2(r, START);
        }
        assertThat(records()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isPositive();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(START + 1_000);
        harness.processElement1(plan(id), START + 1_000);

        List<VideoRecord> out = records();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getStatus()).isEqualTo(VideoStatus.READY);
        assertThat(root.resolve("videos/" + id + "/master.m3u8")).isRegularFile();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void resultWithoutPlanIsDroppedAfterTheOrphanTtl() throws Exception {
        String id = "vid-orphan";
        harness.processElement2(chunk(id, 0), START);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(START + AssembleVideo.ORPHAN_RESULT_TTL_MILLIS - 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.setProcessingTime(START + AssembleVideo.ORPHAN_RESULT_TTL_MILLIS);
        assertThat(records()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void videosAreIndependentByKey() throws Exception {
        harness.processElement1(plan("vid-x"), START);
        harness.processElement1(plan("vid-y"), START);
        for (TaskResult r : allResults("vid-y")) {
            harness.processElement2(r, START);
        }
        assertThat(records())
                .filteredOn(r -> r.getStatus() == VideoStatus.READY)
                .extracting(VideoRecord::getVideoId)
                .containsExactly("vid-y");
        // vid-x still waits, with its plan and deadline timer.
        assertThat(harness.numKeyedStateEntries()).isPositive();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void resultsOfAnEarlierUploadAreIgnored() throws Exception {
        String id = "vid-re";
        harness.processElement1(plan(id), START);
        VideoPlan second = plan(id);
        second.setReceivedAtMillis(START + 500);
        harness.processElement1(second, START + 500);
        for (TaskResult r : allResults(id)) {
            harness.processElement2(r, START + 600); // generation START: the first upload's
        }
        assertThat(records()).noneMatch(r -> r.getStatus().isTerminal());
    }

    @Test
    void aChunkOfSeveralSegmentsIsPublishedInOrder() throws Exception {
        String id = "vid-multi";
        harness.processElement1(plan(id), START);
        // Chunk 0 was cut into segments 0 and 1 (2 s each), chunk 1 is segment 2.
        List<SegmentInfo> first = new ArrayList<>();
        for (String r : List.of("720p", "360p")) {
            for (int k : new int[] {1, 0}) {
                first.add(
                        new SegmentInfo(
                                r,
                                k,
                                String.format("seg_%05d.m4s", k),
                                "init_" + r + ".mp4",
                                2.0,
                                1000,
                                60,
                                VIDEO_CODECS));
            }
        }
        List<SegmentInfo> second = new ArrayList<>();
        for (String r : List.of("720p", "360p")) {
            second.add(
                    new SegmentInfo(
                            r,
                            2,
                            "seg_00002.m4s",
                            "init_" + r + ".mp4",
                            2.5,
                            1000,
                            75,
                            VIDEO_CODECS));
        }
        harness.processElement2(
                TaskResult.success(task(id, TaskKind.CHUNK, 0), first, 120, 100, 1), START);
        harness.processElement2(
                TaskResult.success(task(id, TaskKind.CHUNK, 1), second, 75, 100, 1), START);
        for (TaskResult r : allResults(id).subList(2, 4)) {
            harness.processElement2(r, START);
        }
        assertThat(records())
                .last()
                .extracting(VideoRecord::getStatus)
                .isEqualTo(VideoStatus.READY);
        MediaPlaylist media =
                new MediaPlaylistParser()
                        .readPlaylist(
                                Files.readString(
                                        root.resolve("videos/" + id + "/720p/index.m3u8")));
        assertThat(media.mediaSegments())
                .extracting(MediaSegment::uri)
                .containsExactly("seg_00000.m4s", "seg_00001.m4s", "seg_00002.m4s");
    }

    @Test
    void renditionsCutDifferentlyFailTheVideo() throws Exception {
        String id = "vid-misaligned";
        harness.processElement1(plan(id), START);
        List<SegmentInfo> segs = new ArrayList<>();
        segs.add(segment("720p", 0, 1000, VIDEO_CODECS));
        segs.add(segment("360p", 0, 1000, VIDEO_CODECS));
        segs.add(
                new SegmentInfo(
                        "360p", 1, "seg_00001.m4s", "init_360p.mp4", 2.0, 1000, 60, VIDEO_CODECS));
        harness.processElement2(
                TaskResult.success(task(id, TaskKind.CHUNK, 0), segs, 120, 100, 1), START);
        for (TaskResult r : allResults(id).subList(1, 4)) {
            harness.processElement2(r, START);
        }
        VideoRecord last = records().get(records().size() - 1);
        assertThat(last.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(last.getReasonCode()).isEqualTo(ReasonCode.INTERNAL_ERROR.name());
        assertThat(last.getMessage())
                .contains("The ladder cannot be published")
                .containsPattern("(720p|360p) has [23] segments, (720p|360p) [23]");
    }

    /** A progressive plan: a short first chunk, then two; growing playlists under 4 s. */
    private static final double[] GROWING_SECONDS = {2.0, 4.0, 2.5};

    @Test
    void theVideoIsPlayableOnceItsFirstChunkAndAudioAreDoneAndItsPlaylistsOnlyGrow()
            throws Exception {
        String id = "vid-grow";
        harness.processElement1(growingPlan(id), START);
        Map<String, List<String>> seen = new HashMap<>();

        // The first chunk alone is not enough: the audio is not done.
        harness.processElement2(growingChunk(id, 0), START);
        assertThat(records()).noneMatch(r -> r.getStatus() == VideoStatus.PLAYABLE);
        assertThat(root.resolve("videos/" + id + "/master.m3u8")).doesNotExist();

        // Audio done: PLAYABLE, with the master and one segment in every rung.
        harness.processElement2(growingAudio(id), START);
        VideoRecord playable = only(records(), VideoStatus.PLAYABLE);
        assertThat(playable.getManifestUri())
                .isEqualTo("file://" + root + "/videos/" + id + "/master.m3u8");
        assertThat(playable.getDashManifestUri()).isNull();
        // The thumbnails are not done yet: no poster named before it exists (READY names it).
        assertThat(playable.getPosterUri()).isNull();
        String masterText = Files.readString(root.resolve("videos/" + id + "/master.m3u8"));
        MasterPlaylist master = new MasterPlaylistParser().readPlaylist(masterText);
        assertThat(master.variants())
                .extracting(Variant::uri)
                .containsExactly("360p/index.m3u8", "720p/index.m3u8");
        assertThat(master.alternativeRenditions()).hasSize(1);
        assertThat(masterText).doesNotContain("#EXT-X-I-FRAME-STREAM-INF");
        assertThat(root.resolve("videos/" + id + "/manifest.mpd")).doesNotExist();
        snapshot(id, seen, 1);

        // Chunk 2 before chunk 1: nothing to append (the finished run from the start is one).
        harness.processElement2(growingChunk(id, 2), START);
        snapshot(id, seen, 1);
        // Chunk 1 completes the video's chunks, the thumbnails its tasks: READY, with ENDLIST.
        harness.processElement2(growingChunk(id, 1), START);
        harness.processElement2(
                TaskResult.success(task(id, TaskKind.THUMBNAILS, 0), List.of(), 0, 10, 1), START);
        List<VideoRecord> out = records();
        assertThat(out.get(out.size() - 1).getStatus()).isEqualTo(VideoStatus.READY);
        assertThat(out).filteredOn(r -> r.getStatus() == VideoStatus.PLAYABLE).hasSize(1);
        snapshot(id, seen, 3);
        for (String rendition : List.of("360p", "720p", "audio")) {
            MediaPlaylist last =
                    new MediaPlaylistParser()
                            .readPlaylist(
                                    Files.readString(
                                            root.resolve(
                                                    "videos/"
                                                            + id
                                                            + "/"
                                                            + rendition
                                                            + "/index.m3u8")));
            assertThat(last.ongoing()).as("ENDLIST").isFalse();
            assertThat(last.mediaSegments())
                    .extracting(MediaSegment::duration)
                    .containsExactly(2.0, 4.0, 2.5);
        }
        assertThat(root.resolve("videos/" + id + "/manifest.mpd")).isRegularFile();
        assertThat(Files.readString(root.resolve("videos/" + id + "/master.m3u8")))
                .containsOnlyOnce("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=0,RESOLUTION=640x360");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void theStartOfTheAudioMakesTheVideoPlayableAndTheWholeTrackExtendsIt() throws Exception {
        String id = "vid-audio-start";
        VideoPlan plan = growingPlan(id);
        plan.setAudioStart(true);
        harness.processElement1(plan, START);
        Map<String, List<String>> seen = new HashMap<>();

        // The first chunk and the audio's first segment: PLAYABLE before the whole track is done.
        harness.processElement2(growingChunk(id, 0), START);
        assertThat(records()).noneMatch(r -> r.getStatus() == VideoStatus.PLAYABLE);
        harness.processElement2(growingAudio(id, TaskKind.AUDIO_START, 1), START);
        only(records(), VideoStatus.PLAYABLE);
        snapshot(id, seen, 1);

        // The whole track (its first segment the start's, same uri) is listed from the next
        // publication on, appended to what the start listed.
        harness.processElement2(growingAudio(id, TaskKind.AUDIO, GROWING_SECONDS.length), START);
        harness.processElement2(growingChunk(id, 1), START);
        assertThat(records()).noneMatch(r -> r.getStatus() == VideoStatus.READY);
        // The audio as far as the video's first part: its first two segments of the whole three.
        snapshot(id, seen, 2);
        harness.processElement2(growingChunk(id, 2), START);
        assertThat(records()).noneMatch(r -> r.getStatus() == VideoStatus.READY);
        harness.processElement2(
                TaskResult.success(task(id, TaskKind.THUMBNAILS, 0), List.of(), 0, 10, 1), START);
        List<VideoRecord> out = records();
        assertThat(out.get(out.size() - 1).getStatus()).isEqualTo(VideoStatus.READY);
        snapshot(id, seen, 3);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aChunkThatFailsAfterPlayableUnpublishesTheVideo() throws Exception {
        String id = "vid-unpublish";
        harness.processElement1(growingPlan(id), START);
        harness.processElement2(growingAudio(id), START);
        harness.processElement2(growingChunk(id, 0), START);
        only(records(), VideoStatus.PLAYABLE);
        assertThat(root.resolve("videos/" + id + "/master.m3u8")).isRegularFile();

        harness.processElement2(
                TaskResult.failure(task(id, TaskKind.CHUNK, 1), "ENCODE_FAILED", "x264 said no", 3),
                START);
        List<VideoRecord> out = records();
        VideoRecord last = out.get(out.size() - 1);
        assertThat(last.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(last.getReasonCode()).isEqualTo("ENCODE_FAILED");
        assertThat(last.getMessage()).contains("CHUNK-1");
        // The entry points are deleted first, then everything the video wrote.
        Publication end =
                harness.getSideOutput(Outputs.PUBLICATIONS).stream()
                        .map(StreamRecord::getValue)
                        .reduce((a, b) -> b)
                        .orElseThrow();
        assertThat(end.getDeleteKeys()).startsWith(OutputLayout.videoFile(id, OutputLayout.MASTER));
        // The staging before the outputs: a chunk still encoding sees it gone and writes nothing
        // after the outputs are deleted (EncodeChunk).
        assertThat(end.getDeletePrefixes())
                .containsExactly(OutputLayout.stagingPrefix(id), OutputLayout.videoPrefix(id));
        assertThat(root.resolve("videos/" + id)).doesNotExist();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /**
     * Reads every growing playlist and checks it against what was read of it before: the same lines
     * and more (or the same), EVENT, the target fixed, and {@code segments} segments.
     */
    private void snapshot(String id, Map<String, List<String>> seen, int segments)
            throws Exception {
        for (String rendition : List.of("360p", "720p", "audio")) {
            Path path = root.resolve("videos/" + id + "/" + rendition + "/index.m3u8");
            String text = Files.readString(path);
            List<String> lines = List.of(text.split("\n"));
            List<String> before = seen.getOrDefault(rendition, List.of());
            assertThat(lines.subList(0, Math.min(before.size(), lines.size())))
                    .as("%s only grows", rendition)
                    .isEqualTo(before);
            seen.put(rendition, lines);
            assertThat(lines)
                    .contains(
                            "#EXT-X-PLAYLIST-TYPE:EVENT",
                            "#EXT-X-START:TIME-OFFSET=0",
                            "#EXT-X-TARGETDURATION:4");
            MediaPlaylist media = new MediaPlaylistParser().readPlaylist(text);
            assertThat(media.mediaSegments()).as(rendition).hasSize(segments);
        }
    }

    private static VideoRecord only(List<VideoRecord> records, VideoStatus status) {
        List<VideoRecord> of = records.stream().filter(r -> r.getStatus() == status).toList();
        assertThat(of).hasSize(1);
        return of.get(0);
    }

    private VideoPlan growingPlan(String id) {
        VideoPlan p = plan(id);
        p.setChunkCount(GROWING_SECONDS.length);
        p.setDurationSeconds(8.5);
        p.setTargetDurationSeconds(4);
        return p;
    }

    private static TaskResult growingChunk(String id, int index) {
        List<SegmentInfo> segs = new ArrayList<>();
        for (String r : List.of("720p", "360p")) {
            segs.add(growingSegment(r, index, VIDEO_CODECS));
        }
        return TaskResult.success(task(id, TaskKind.CHUNK, index), segs, 60, 100, 1);
    }

    private static TaskResult growingAudio(String id) {
        return growingAudio(id, TaskKind.AUDIO, GROWING_SECONDS.length);
    }

    /** The whole track (AUDIO) or its start (AUDIO_START): its first {@code segments}. */
    private static TaskResult growingAudio(String id, TaskKind kind, int segments) {
        List<SegmentInfo> audio = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            audio.add(growingSegment("audio", i, AUDIO_CODECS));
        }
        return TaskResult.success(task(id, kind, 0), audio, 0, 10, 1);
    }

    private static SegmentInfo growingSegment(String rendition, int index, String codecs) {
        return new SegmentInfo(
                rendition,
                index,
                String.format("seg_%05d.m4s", index),
                "init_" + rendition + ".mp4",
                GROWING_SECONDS[index],
                100_000,
                (int) (GROWING_SECONDS[index] * 30),
                codecs);
    }

    // ---------------------------------------------------------------------------------------

    private VideoPlan plan(String id) {
        VideoPlan p = new VideoPlan();
        p.setVideoId(id);
        p.setSourceUri("s3://uploads/" + id + ".mp4");
        p.setReceivedAtMillis(START);
        p.setDeadlineAtMillis(START + DEADLINE_MILLIS);
        p.setDurationSeconds(6.5);
        p.setFrameRate(30);
        p.setChunkCount(2);
        p.setHasAudio(true);
        p.setRenditions(
                new ArrayList<>(
                        List.of(
                                new RenditionInfo("360p", 640, 360),
                                new RenditionInfo("720p", 1280, 720))));
        p.setLabels(new HashMap<>(Map.of("tenant", "t1")));
        return p;
    }

    private static List<TaskResult> allResults(String id) {
        List<SegmentInfo> audio = new ArrayList<>();
        for (int i = 0; i < CHUNK_SECONDS.length; i++) {
            audio.add(segment("audio", i, AUDIO_BYTES[i], AUDIO_CODECS));
        }
        return List.of(
                chunk(id, 0),
                chunk(id, 1),
                TaskResult.success(task(id, TaskKind.AUDIO, 0), audio, 0, 10, 1),
                TaskResult.success(task(id, TaskKind.THUMBNAILS, 0), List.of(), 0, 10, 1));
    }

    private static TaskResult chunk(String id, int index) {
        // Renditions in reverse order: the assembler must not rely on arrival order.
        List<SegmentInfo> segs = new ArrayList<>();
        for (String r : List.of("720p", "360p")) {
            segs.add(segment(r, index, VIDEO_BYTES.get(r)[index], VIDEO_CODECS));
        }
        return TaskResult.success(task(id, TaskKind.CHUNK, index), segs, 120, 100, 1);
    }

    private static SegmentInfo segment(String rendition, int index, long bytes, String codecs) {
        return new SegmentInfo(
                rendition,
                index,
                String.format("seg_%05d.m4s", index),
                "init_" + rendition + ".mp4",
                CHUNK_SECONDS[index],
                bytes,
                (int) (CHUNK_SECONDS[index] * 30),
                codecs);
    }

    private static MediaTask task(String id, TaskKind kind, int index) {
        MediaTask t = new MediaTask();
        t.setVideoId(id);
        t.setKind(kind);
        t.setIndex(index);
        t.setGeneration(START); // tasks carry the upload (plan) they belong to
        return t;
    }

    private static long peak(long[] bytes) {
        double max = 0;
        for (int i = 0; i < bytes.length; i++) {
            max = Math.max(max, bytes[i] * 8 / CHUNK_SECONDS[i]);
        }
        return Math.round(max);
    }

    private static long average(long[] bytes) {
        long total = 0;
        double seconds = 0;
        for (int i = 0; i < bytes.length; i++) {
            total += bytes[i];
            seconds += CHUNK_SECONDS[i];
        }
        return Math.round(total * 8 / seconds);
    }

    private Path touch(String key) throws Exception {
        Path p = root.resolve(key);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1, 2, 3});
        return p;
    }

    private final List<VideoRecord> published = new ArrayList<>();
    private int carriedOut;

    /**
     * Progress records, then the terminal record of each video's end once PublishVideo has carried
     * it out (written its playlists, deleted its staging).
     */
    private List<VideoRecord> records() throws Exception {
        var side = harness.getSideOutput(Outputs.PUBLICATIONS);
        List<Publication> pubs =
                side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
        ObjectStorage storage = ObjectStorage.of(settings.outputRoot());
        for (; carriedOut < pubs.size(); carriedOut++) {
            published.add(PublishVideo.carryOut(storage, pubs.get(carriedOut)));
        }
        List<VideoRecord> all = new ArrayList<>(harness.extractOutputValues());
        all.addAll(published);
        return all;
    }
}
