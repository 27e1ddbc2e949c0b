package org.transcoder.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.jobs.Seams;
import org.transcoder.jobs.TranscodeJobConfig;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.encode.ChunkEncoder;
import org.transcoder.media.encode.FfmpegChunkEncoder;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.operators.functions.PrepareVideo;

/**
 * Poison pills and bad events, tried as an attacker would, next to good videos that must not
 * notice: an upload whose preparation throws an unexpected exception (through the preparation fault
 * seam), one whose preparation runs past the Kafka transaction timeout (set to 10 s here), text
 * PostgreSQL refuses (NUL) in the source URI and in labels, an oversized URI, malformed JSON,
 * invalid ids, an unknown profile, a missing object, zero-byte and non-video files, and an event
 * for a video already READY, and an encoder that dies of a real SIGSEGV on every attempt (an ffmpeg
 * stand-in that signals itself, for one video). Each ends with its reason (or is ignored as a
 * duplicate, counted in {@code duplicatesIgnored}), good videos become READY, every checkpoint
 * completes, and the job never restarts. Runs on the real job with Kafka, s3proxy, PostgreSQL and
 * Redis (LocalPipeline).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonPillITCase {

    private static final String CLIP = "h264_854x480_sintel_mp3.mp4";
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    private static final long SLOW_MILLIS = 25_000;

    /** Video id -> the reason its upload must fail with. */
    private static final Map<String, String> FAILS =
            Map.ofEntries(
                    Map.entry("boom", "INTERNAL_ERROR"),
                    Map.entry("nul-in-uri", "INVALID_EVENT"),
                    Map.entry("nul-in-label", "INVALID_EVENT"),
                    Map.entry("huge-uri", "INVALID_EVENT"),
                    Map.entry("bad-profile", "INVALID_EVENT"),
                    Map.entry("missing", "SOURCE_MISSING"),
                    Map.entry("zero-bytes", "CORRUPT_INPUT"),
                    Map.entry("not-a-video", "CORRUPT_INPUT"),
                    Map.entry("crash", "ENCODER_CRASHED"),
                    Map.entry("late-crash", "ENCODER_CRASHED"));

    /** 30 s: a short first chunk, then more, so that it is PLAYABLE before a later one fails. */
    private static final String LONG_CLIP = "vp8_bbb_720p_vorbis.webm";

    @TempDir static Path work;
    private final InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();
    private LocalPipeline pipeline;
    private ObjectStorage bucket;
    private long failedCheckpointsAtStart;

    @BeforeAll
    void startAndSendEverything() throws Exception {
        PrepareVideo.Fault fault =
                (event, attempt) -> {
                    switch (event.getVideoId()) {
                        case "boom" -> throw new IllegalStateException("injected bug");
                        case "slow" -> {
                            if (attempt == 1) {
                                Thread.sleep(SLOW_MILLIS); // a probe of a huge file of tiny frames
                            }
                        }
                        default -> {}
                    }
                };
        // For the video "crash", every chunk encode runs an executable that dies of SIGSEGV.
        Path crashing = work.resolve("ffmpeg-that-segfaults");
        Files.writeString(crashing, "#!/bin/sh\nkill -SEGV $$\n");
        crashing.toFile().setExecutable(true);
        String crashingPath = crashing.toString();
        // For "late-crash", every chunk but the first dies the same way, after a while: the video
        // is PLAYABLE (its first chunk and audio done) before its later chunks fail for good.
        Path lateCrashing = work.resolve("ffmpeg-that-segfaults-later");
        Files.writeString(lateCrashing, "#!/bin/sh\nsleep 2\nkill -SEGV $$\n");
        lateCrashing.toFile().setExecutable(true);
        String lateCrashingPath = lateCrashing.toString();
        SerializableSupplier<ChunkEncoder> encoders =
                () -> {
                    ChunkEncoder real = new FfmpegChunkEncoder(Duration.ofMinutes(2));
                    ChunkEncoder crasher =
                            new FfmpegChunkEncoder(Duration.ofMinutes(2), Path.of(crashingPath));
                    ChunkEncoder lateCrasher =
                            new FfmpegChunkEncoder(
                                    Duration.ofMinutes(2), Path.of(lateCrashingPath));
                    // The attempt's scratch directory is named for its video and task.
                    return (staged, chunk, origin, spec, out) -> {
                        String dir = staged.toString();
                        ChunkEncoder e =
                                dir.contains("/crash-CHUNK-")
                                        ? crasher
                                        : dir.contains("/late-crash-CHUNK-")
                                                        && !dir.contains("/late-crash-CHUNK-0-")
                                                ? lateCrasher
                                                : real;
                        return e.encode(staged, chunk, origin, spec, out);
                    };
                };
        pipeline =
                LocalPipeline.start(
                        LocalPipeline.Settings.inBucket(
                                work,
                                Map.of(
                                        TranscodeJobConfig.TRANSACTION_TIMEOUT.key(),
                                        TRANSACTION_TIMEOUT.toMillis() + " ms")),
                        conf -> {
                            metrics.addToConfiguration(conf);
                            conf.setString("parallelism.default", "2");
                        },
                        new Seams(fault, encoders));
        bucket = pipeline.storage();
        // Checkpoints triggered while the tasks are still being deployed count as failed; the
        // ones that matter come after the first one completed.
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (gauge("numberOfCompletedCheckpoints") < 1 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        failedCheckpointsAtStart = gauge("numberOfFailedCheckpoints");
        String clip = upload("clip.mp4", Files.readAllBytes(Fixtures.clip(CLIP)));
        pipeline.submit(UploadEvent.of("slow", clip));
        pipeline.submit(UploadEvent.of("boom", clip));
        pipeline.submit(UploadEvent.of("crash", clip));
        pipeline.submit(
                UploadEvent.of(
                        "late-crash",
                        upload(LONG_CLIP, Files.readAllBytes(Fixtures.clip(LONG_CLIP)))));
        pipeline.publishRaw(
                "nul-in-uri",
                "{\"videoId\":\"nul-in-uri\",\"sourceUri\":\"s3://transcoder/up\\u0000loads/x.mp4\"}");
        pipeline.publishRaw(
                "nul-in-label",
                "{\"videoId\":\"nul-in-label\",\"sourceUri\":\""
                        + clip
                        + "\",\"labels\":{\"user\":\"a\\u0000b\\u0007\"}}");
        pipeline.publishRaw(
                "huge-uri",
                "{\"videoId\":\"huge-uri\",\"sourceUri\":\"s3://transcoder/"
                        + "a".repeat(600_000)
                        + "\"}");
        pipeline.publishRaw("garbage", "{ this is not json \u0000");
        pipeline.publishRaw("bad-id", "{\"videoId\":\"../../etc\",\"sourceUri\":\"" + clip + "\"}");
        UploadEvent badProfile = UploadEvent.of("bad-profile", clip);
        badProfile.setProfile("no-such-ladder");
        pipeline.submit(badProfile);
        pipeline.submit(UploadEvent.of("missing", "s3://transcoder/uploads/nope.mp4"));
        pipeline.submit(UploadEvent.of("zero-bytes", upload("empty.mp4", new byte[0])));
        pipeline.submit(
                UploadEvent.of(
                        "not-a-video",
                        upload("notes.mp4", "just some text\n".repeat(500).getBytes())));
        // Submitted after the slow one: must not wait for it.
        pipeline.submit(UploadEvent.of("good", clip));
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void goodVideosAreReadyAndTheSlowOneHoldsUpNobody() throws Exception {
        VideoRecord good = pipeline.awaitTerminal("good", WAIT);
        assertThat(good.getStatus()).as(good.getMessage()).isEqualTo(VideoStatus.READY);
        // The good video was published while the slow one was still being prepared.
        assertThat(pipeline.completionRecords())
                .extracting(VideoRecord::getVideoId)
                .doesNotContain("slow");
        long checkpointsBefore = gauge("numberOfCompletedCheckpoints");
        VideoRecord slow = pipeline.awaitTerminal("slow", WAIT);
        assertThat(slow.getStatus()).as(slow.getMessage()).isEqualTo(VideoStatus.READY);
        // Checkpoints went on while the slow preparation ran past the transaction timeout.
        assertThat(gauge("numberOfCompletedCheckpoints")).isGreaterThan(checkpointsBefore);
    }

    @Test
    void eachPoisonEndsFailedWithItsReasonAndTheStoresAcceptIt() throws Exception {
        for (Map.Entry<String, String> e : FAILS.entrySet()) {
            VideoRecord r = pipeline.awaitTerminal(e.getKey(), WAIT);
            assertThat(r.getStatus()).as(e.getKey()).isEqualTo(VideoStatus.FAILED);
            assertThat(r.getReasonCode())
                    .as(e.getKey() + ": " + r.getMessage())
                    .isEqualTo(e.getValue());
            assertThat(r.getMessage()).as(e.getKey()).isNotBlank().doesNotContain("\u0000");
            VideoRecord db = pipeline.metadata(e.getKey()).orElseThrow();
            assertThat(db.getStatus()).as(e.getKey()).isEqualTo(VideoStatus.FAILED);
            assertThat(db.getReasonCode()).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(pipeline.metadata("nul-in-uri").orElseThrow().getSourceUri())
                .isEqualTo("s3://transcoder/up\uFFFDloads/x.mp4");
        assertThat(pipeline.awaitTerminal("boom", WAIT).getMessage()).contains("injected bug");
        assertThat(pipeline.awaitTerminal("crash", WAIT).getMessage()).contains("exit 139");
    }

    /**
     * A video that was PLAYABLE (its first part published, the record on the playable topic) and
     * then failed in a later chunk: FAILED with the reason, and nothing of it left listed or
     * stored, the master first of all.
     */
    @Test
    void aFailureAfterPlayableUnpublishesTheVideo() throws Exception {
        VideoRecord failed = pipeline.awaitTerminal("late-crash", WAIT);
        assertThat(failed.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(failed.getReasonCode()).isEqualTo("ENCODER_CRASHED");
        assertThat(failed.getMessage()).containsPattern("CHUNK-[1-9]");
        List<VideoRecord> playable =
                pipeline.playableRecords().stream()
                        .filter(r -> r.getVideoId().equals("late-crash"))
                        .toList();
        assertThat(playable).hasSize(1);
        assertThat(playable.get(0).getStatus()).isEqualTo(VideoStatus.PLAYABLE);
        assertThat(playable.get(0).getManifestUri()).endsWith("/videos/late-crash/master.m3u8");
        assertThat(bucket.list(OutputLayout.videoPrefix("late-crash"))).isEmpty();
        VideoRecord db = pipeline.metadata("late-crash").orElseThrow();
        assertThat(db.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(db.getReasonCode()).isEqualTo("ENCODER_CRASHED");
        assertThat(pipeline.cached("late-crash").orElseThrow().getStatus())
                .isEqualTo(VideoStatus.FAILED);
    }

    @Test
    void malformedEventsGoToTheFailureTopicOnceEach() throws Exception {
        pipeline.awaitTerminal("good", WAIT);
        List<VideoRecord> failures = new ArrayList<>();
        Properties p = new Properties();
        p.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.services().kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "poison-failures");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(EmbeddedServices.FAILURES_TOPIC));
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < until) {
                for (var rec : c.poll(Duration.ofMillis(500))) {
                    failures.add(VideoRecordSerializationSchema.fromJson(rec.value()));
                }
            }
        }
        assertThat(failures).allMatch(r -> "INVALID_EVENT".equals(r.getReasonCode()));
        assertThat(failures.stream().filter(r -> r.getMessage().contains("this is not json")))
                .hasSize(1);
        assertThat(failures.stream().filter(r -> r.getMessage().contains("../../etc"))).hasSize(1);
        assertThat(failures).extracting(VideoRecord::getVideoId).contains("nul-in-uri", "huge-uri");
        assertThat(failures).allMatch(r -> r.getMessage().length() <= 2000);
    }

    @Test
    void aRepeatedEventForAReadyVideoIsIgnoredAndNothingRestarts() throws Exception {
        pipeline.awaitTerminal("good", WAIT);
        String clip = "s3://" + EmbeddedServices.BUCKET + "/uploads/clip.mp4";
        pipeline.submit(UploadEvent.of("good", clip));
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (counterSum("duplicatesIgnored") < 1 && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        assertThat(counterSum("duplicatesIgnored")).isEqualTo(1);
        for (String id : List.of("good", "slow")) {
            pipeline.awaitTerminal(id, WAIT);
        }
        for (String id : FAILS.keySet()) {
            pipeline.awaitTerminal(id, WAIT);
        }
        Thread.sleep(3000); // a duplicate would have committed by now
        Map<String, Long> perVideo =
                pipeline.completionRecords().stream()
                        .collect(
                                Collectors.groupingBy(
                                        VideoRecord::getVideoId, Collectors.counting()));
        assertThat(perVideo).containsEntry("good", 1L).containsEntry("slow", 1L);
        FAILS.keySet().forEach(id -> assertThat(perVideo).as(id).containsEntry(id, 1L));
        assertThat(gauge("numRestarts")).isZero();
        assertThat(gauge("numberOfFailedCheckpoints")).isEqualTo(failedCheckpointsAtStart);
        assertThat(bucket.list("staging/")).as("staging left behind").isEmpty();
    }

    private String upload(String name, byte[] bytes) throws Exception {
        Path f = work.resolve("src-" + name);
        Files.write(f, bytes);
        pipeline.storage().put("uploads/" + name, f);
        return "s3://" + EmbeddedServices.BUCKET + "/uploads/" + name;
    }

    private long gauge(String name) {
        return JobMetrics.jobGauge(metrics, pipeline.job().getJobID(), name);
    }

    private long counterSum(String name) {
        return JobMetrics.counterSum(metrics, name);
    }
}
