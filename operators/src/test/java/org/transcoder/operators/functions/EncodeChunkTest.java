package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.function.SerializableSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.encode.ChunkEncoder;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.EncodedSegment;
import org.transcoder.media.encode.FfmpegChunkEncoder;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.media.manifest.Segment;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.SegmentInfo;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.TaskResult;

/**
 * EncodeChunk inside Flink's async wait operator, with a fake {@link ChunkEncoder} behind the seam:
 * no native code runs. The fake's behaviour is chosen per video id.
 */
class EncodeChunkTest {

    /** Two rungs, 360p first; FirstChunkWaitTest uses it too. */
    static final EncodeSpec SPEC =
            new EncodeSpec(
                    List.of(
                            new Rendition("360p", 640, 360, 23, 800, 1600),
                            new Rendition("720p", 1280, 720, 23, 3000, 6000)),
                    "veryfast",
                    "high",
                    2.0,
                    30.0,
                    0,
                    false,
                    null,
                    0,
                    30.0,
                    null);

    @TempDir Path root;
    @TempDir Path workDir;

    private OneInputStreamOperatorTestHarness<MediaTask, TaskResult> harness;

    @BeforeEach
    void reset() {
        FakeEncoder.BEHAVIOUR.clear();
        FakeEncoder.ATTEMPTS.clear();
        FakeEncoder.CALLS.clear();
        FakeEncoder.started = new CountDownLatch(1);
        FakeEncoder.release = new CountDownLatch(1);
    }

    @AfterEach
    void close() throws Exception {
        FakeEncoder.release.countDown();
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void encodedSegmentsAreUploadedUnderTheVideo() throws Exception {
        open(1);
        run(task("vid-ok", 0, 0), task("vid-ok", 1, 0));

        Map<Integer, TaskResult> results =
                finish().stream().collect(Collectors.toMap(TaskResult::getIndex, r -> r));
        assertThat(results).containsOnlyKeys(0, 1);
        for (int i = 0; i < 2; i++) {
            TaskResult r = results.get(i);
            assertThat(r.isSuccess()).isTrue();
            assertThat(r.getKind()).isEqualTo(TaskKind.CHUNK);
            assertThat(r.getVideoId()).isEqualTo("vid-ok");
            assertThat(r.getAttempts()).isEqualTo(1);
            assertThat(r.getFrames()).isEqualTo(60);
            assertThat(r.getSegments())
                    .extracting(SegmentInfo::getRendition)
                    .containsExactly("360p", "720p");
            for (SegmentInfo s : r.getSegments()) {
                // Segments live under the upload's generation (0 in these tasks).
                String seg = String.format(Locale.ROOT, "g0/seg_%05d.m4s", i);
                assertThat(s.getIndex()).isEqualTo(i);
                assertThat(s.getUri()).isEqualTo(seg);
                assertThat(s.getInitUri()).isEqualTo("init_" + s.getRendition() + ".mp4");
                assertThat(s.getDurationSeconds()).isEqualTo(2.0);
                assertThat(s.getCodecs()).isEqualTo("avc1.64001f");
                Path segment = root.resolve("videos/vid-ok/" + s.getRendition() + "/" + seg);
                assertThat(segment).isRegularFile();
                assertThat(s.getBytes()).isEqualTo(Files.size(segment));
                assertThat(root.resolve("videos/vid-ok/" + s.getRendition() + "/" + s.getInitUri()))
                        .isRegularFile();
            }
        }
        // What a video's background work waits for (FirstChunkWait) is what chunk 0 wrote.
        assertThat(root.resolve(FirstChunkWait.firstSegmentKey(task("vid-ok", 0, 0))))
                .isRegularFile();
        // The fake saw the staged chunk's bytes and the task's spec.
        assertThat(FakeEncoder.CALLS).hasSize(2);
        // Per-attempt scratch directories are removed.
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void transientFailureIsRetried() throws Exception {
        FakeEncoder.BEHAVIOUR.put("vid-crash-once", Behaviour.CRASH_ONCE);
        open(1);
        run(task("vid-crash-once", 0, 0));

        List<TaskResult> results = finish();
        assertThat(results).hasSize(1);
        TaskResult r = results.get(0);
        assertThat(r.isSuccess()).as("result %s", r).isTrue();
        assertThat(r.getAttempts()).isEqualTo(2);
        assertThat(r.getSegments()).hasSize(2);
        assertThat(root.resolve("videos/vid-crash-once/720p/g0/seg_00000.m4s")).isRegularFile();
    }

    @Test
    void deterministicFailureIsNotRetried() throws Exception {
        FakeEncoder.BEHAVIOUR.put("vid-bad", Behaviour.FAIL);
        open(1);
        run(task("vid-bad", 0, 0));

        TaskResult r = finish().get(0);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.getReasonCode()).isEqualTo(ReasonCode.ENCODE_FAILED.name());
        assertThat(r.getMessage()).contains("invalid bitstream");
        assertThat(r.getAttempts()).isEqualTo(1);
        assertThat(FakeEncoder.ATTEMPTS.get("vid-bad/0").get()).isEqualTo(1);
        assertThat(root.resolve("videos/vid-bad")).doesNotExist();
    }

    @Test
    void crashOnEveryAttemptEndsAsEncoderCrashed() throws Exception {
        FakeEncoder.BEHAVIOUR.put("vid-crash", Behaviour.CRASH_ALWAYS);
        open(1);
        run(task("vid-crash", 0, 0));

        TaskResult r = finish().get(0);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.getReasonCode()).isEqualTo(ReasonCode.ENCODER_CRASHED.name());
        assertThat(r.getAttempts()).isEqualTo(3);
        assertThat(FakeEncoder.ATTEMPTS.get("vid-crash/0").get()).isEqualTo(3);
    }

    @Test
    void missingStagedChunkIsAStorageErrorAfterRetries() throws Exception {
        open(1);
        MediaTask t = task("vid-nostage", 0, 0);
        harness.processElement(t, 0L); // not staged

        TaskResult r = finish().get(0);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.getReasonCode()).isEqualTo(ReasonCode.STORAGE_ERROR.name());
        assertThat(r.getAttempts()).isEqualTo(3);
        assertThat(FakeEncoder.CALLS).isEmpty();
    }

    /**
     * A chunk whose video ends (FAILED by another chunk) while it encodes: the end removes the
     * staging, then the video's outputs, so the chunk writes nothing after them, and its result is
     * a failure the assembler drops (the video has no plan any more).
     */
    @Test
    void aChunkWhoseVideoEndsWhileItEncodesLeavesNothing() throws Exception {
        FakeEncoder.BEHAVIOUR.put("vid-ended", Behaviour.BLOCK);
        open(1);
        // Its video's first chunk is staged (and encoding elsewhere); the second encodes here.
        Path first = root.resolve(OutputLayout.stagedChunk("vid-ended", 0, 0));
        Files.createDirectories(first.getParent());
        Files.writeString(first, "chunk 0");
        run(task("vid-ended", 1, 0));
        assertThat(FakeEncoder.started.await(10, TimeUnit.SECONDS)).isTrue();

        // The FAILED end, as PublishVideo carries it out (AssembleVideo orders it so).
        ObjectStorage storage = ObjectStorage.of("file://" + root);
        storage.deleteRecursively(OutputLayout.stagingPrefix("vid-ended"));
        storage.deleteRecursively(OutputLayout.videoPrefix("vid-ended"));
        FakeEncoder.release.countDown();

        TaskResult r = finish().get(0);
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.getMessage()).contains("the video ended while this chunk was encoded");
        assertThat(root.resolve(OutputLayout.videoPrefix("vid-ended"))).doesNotExist();
    }

    @Test
    void higherPriorityTasksQueuedLaterRunFirst() throws Exception {
        FakeEncoder.BEHAVIOUR.put("vid-blocker", Behaviour.BLOCK);
        open(1);
        run(task("vid-blocker", 0, 0));
        assertThat(FakeEncoder.started.await(10, TimeUnit.SECONDS)).isTrue();

        run(task("vid-low", 0, 0), task("vid-low", 1, 0), task("vid-mid", 0, 5));
        run(task("vid-high", 0, 50), task("vid-low", 2, 0), task("vid-high", 1, 50));
        FakeEncoder.release.countDown();

        assertThat(finish()).hasSize(7).allMatch(TaskResult::isSuccess);
        assertThat(FakeEncoder.CALLS)
                .containsExactly(
                        "vid-blocker/0",
                        "vid-high/0",
                        "vid-high/1",
                        "vid-mid/0",
                        "vid-low/0",
                        "vid-low/1",
                        "vid-low/2");
    }

    // ---------------------------------------------------------------------------------------

    private void open(int concurrency) throws Exception {
        OperatorSettings defaults = OperatorSettings.defaults("file://" + root, List.of());
        OperatorSettings settings =
                new OperatorSettings(
                                defaults.outputRoot(),
                                defaults.sourceRoots(),
                                "",
                                defaults.media()
                                        .withWorkDir(workDir)
                                        .withStepTimeout(Duration.ofSeconds(30)),
                                defaults.videoDeadline(),
                                3,
                                concurrency,
                                1,
                                Duration.ZERO)
                        .withEncoding(concurrency, 0);
        EncodeChunk fn = new EncodeChunk(settings, new FakeEncoderFactory());
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new AsyncWaitOperatorFactory<>(
                                fn, 60_000, 100, AsyncDataStream.OutputMode.UNORDERED),
                        TypeInformation.of(MediaTask.class)
                                .createSerializer(new SerializerConfigImpl()));
        harness.open();
    }

    /** Stages each task's chunk, then hands the tasks to the operator. */
    private void run(MediaTask... tasks) throws Exception {
        for (MediaTask t : tasks) {
            Path staged = root.resolve(t.getInput());
            Files.createDirectories(staged.getParent());
            Files.writeString(staged, "chunk " + t);
            synchronized (harness.getCheckpointLock()) {
                harness.processElement(t, 0L);
            }
        }
    }

    /** Waits for every in-flight task (endInput drains the async operator) and returns results. */
    private List<TaskResult> finish() throws Exception {
        synchronized (harness.getCheckpointLock()) {
            harness.endInput();
        }
        return new ArrayList<>(harness.extractOutputValues());
    }

    private static MediaTask task(String videoId, int index, int priority) {
        MediaTask t = new MediaTask();
        t.setVideoId(videoId);
        t.setKind(TaskKind.CHUNK);
        t.setIndex(index);
        t.setFirstSegment(index); // one-segment chunks, numbered like the chunk
        t.setPriority(priority);
        t.setInput(OutputLayout.stagedChunk(videoId, 0, index));
        t.setStartPts(index * 2.0);
        t.setEndPts(index * 2.0 + 2.0);
        t.setSeekPts(index * 2.0);
        t.setFrameCount(60);
        t.setEncodeSpecJson(Json.write(SPEC));
        return t;
    }

    enum Behaviour {
        OK,
        CRASH_ONCE,
        CRASH_ALWAYS,
        FAIL,
        BLOCK
    }

    /** Serializable factory for the fake: the operator creates its encoder in open(). */
    static final class FakeEncoderFactory implements SerializableSupplier<ChunkEncoder> {
        @Override
        public ChunkEncoder get() {
            return new FakeEncoder();
        }
    }

    /** Writes tiny init and media segments for every rendition of the spec. */
    static final class FakeEncoder implements ChunkEncoder {
        static final Map<String, Behaviour> BEHAVIOUR = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
        static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());
        static volatile CountDownLatch started = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);

        @Override
        public List<EncodedSegment> encode(
                Path stagedChunk,
                ChunkSpec chunk,
                double timelineOrigin,
                EncodeSpec spec,
                Path outDir)
                throws MediaException {
            String videoId = videoIdOf(stagedChunk);
            String key = videoId + "/" + chunk.index();
            int attempt = ATTEMPTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            Behaviour b = BEHAVIOUR.getOrDefault(videoId, Behaviour.OK);
            switch (b) {
                case CRASH_ONCE -> {
                    if (attempt == 1) {
                        throw new MediaException(ReasonCode.ENCODER_CRASHED, "SIGSEGV");
                    }
                }
                case CRASH_ALWAYS ->
                        throw new MediaException(ReasonCode.ENCODER_CRASHED, "SIGSEGV");
                case FAIL ->
                        throw new MediaException(ReasonCode.ENCODE_FAILED, "invalid bitstream");
                case BLOCK -> {
                    started.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case OK -> {}
            }
            if (!spec.equals(SPEC)) {
                throw new MediaException(ReasonCode.INTERNAL_ERROR, "spec did not round-trip");
            }
            CALLS.add(key);
            List<EncodedSegment> out = new ArrayList<>();
            try {
                for (Rendition r : spec.renditions()) {
                    Path dir = Files.createDirectories(outDir.resolve(r.name()));
                    Path init = Files.writeString(dir.resolve("init_" + r.name() + ".mp4"), "init");
                    Path seg =
                            dir.resolve(String.format(Locale.ROOT, "seg_%05d.m4s", chunk.index()));
                    byte[] bytes = new byte[100 + r.height()];
                    Files.write(seg, bytes);
                    out.add(
                            new EncodedSegment(
                                    r.name(),
                                    chunk.index(),
                                    chunk.firstSegment(),
                                    seg,
                                    init,
                                    init.getFileName().toString(),
                                    Math.round(chunk.startPts() * FfmpegChunkEncoder.TIMESCALE),
                                    Math.round(
                                            chunk.durationSeconds() * FfmpegChunkEncoder.TIMESCALE),
                                    List.of(new Segment.KeyFrame(0, bytes.length, 1)),
                                    bytes.length,
                                    chunk.frameCount(),
                                    3000,
                                    "avc1.64001f"));
                }
            } catch (IOException e) {
                throw new MediaException(ReasonCode.INTERNAL_ERROR, e.toString(), e);
            }
            return out;
        }

        /**
         * The staged chunk is downloaded to a scratch file named chunk.nut, so the video id is read
         * from its content, which {@link #run} wrote as "chunk videoId/CHUNK-n".
         */
        private static String videoIdOf(Path stagedChunk) throws MediaException {
            try {
                String content = Files.readString(stagedChunk);
                return content.substring("chunk ".length(), content.indexOf('/'));
            } catch (IOException | RuntimeException e) {
                throw new MediaException(
                        ReasonCode.INTERNAL_ERROR, "staged chunk not readable: " + e, e);
            }
        }
    }
}
