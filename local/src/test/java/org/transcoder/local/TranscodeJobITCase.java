package org.transcoder.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.media.testing.DashAssertions;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.testing.LadderAssertions;

/**
 * The real job end to end: Kafka in, a local Flink cluster (parallelism 2, RocksDB, checkpoints
 * every second), renditions to S3 (s3proxy), records to PostgreSQL, Redis and the completions topic
 * — fed with good clips, broken ones, a duplicate and a malformed event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranscodeJobITCase {

    /** Good clips (a ladder each) and broken ones (the reason each must fail with). */
    private static final List<String> GOOD =
            List.of(
                    "h264_webcam_1080x720_aac.mp4",
                    "vp9_bear_odd_161x121.webm",
                    "hevc_android_1080p_rot90_metatrack.mp4",
                    "h264_pixel7_videoonly_rot180.mp4",
                    "mpeg2_1080p_mp2_bbb.ts",
                    GeneratedMedia.TRIMMED_BY_STREAM_COPY);

    private static final Map<String, String> BROKEN =
            Map.of(
                    "corrupt_vp9_invalid_bitstream.webm", "CORRUPT_INPUT",
                    "audio_only_2x_aac51.mp4", "NO_VIDEO_STREAM",
                    "truncated_phone_first1MB.mp4", "CORRUPT_INPUT");
    private static final Duration WAIT = Duration.ofMinutes(6);

    @TempDir static Path work;
    private final InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();
    private LocalPipeline pipeline;
    private ObjectStorage bucket;

    @BeforeAll
    void startPipelineAndUpload() throws Exception {
        pipeline =
                LocalPipeline.start(
                        LocalPipeline.Settings.inBucket(work, Map.of()),
                        conf -> {
                            metrics.addToConfiguration(conf);
                            conf.setString("parallelism.default", "2"); // every operator twice
                        });
        bucket = pipeline.storage();
        for (String clip : concat(GOOD, BROKEN.keySet().stream().toList())) {
            bucket.put("uploads/" + clip, source(clip));
            pipeline.submit(
                    UploadEvent.of(
                            id(clip), "s3://" + EmbeddedServices.BUCKET + "/uploads/" + clip));
        }
        // The same upload again while the first is in flight: must not be encoded twice.
        pipeline.submit(
                UploadEvent.of(
                        id(GOOD.get(0)),
                        "s3://" + EmbeddedServices.BUCKET + "/uploads/" + GOOD.get(0)));
        pipeline.publishRaw("garbage", "{ this is not json");
        pipeline.submit(
                UploadEvent.of(
                        "missing-object", "s3://" + EmbeddedServices.BUCKET + "/uploads/nope.mp4"));
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void everyGoodClipIsPublishedAsAPlayableLadder() throws Exception {
        for (String clip : GOOD) {
            VideoRecord r = pipeline.awaitTerminal(id(clip), WAIT);
            assertThat(r.getStatus())
                    .as("%s: %s", clip, r.getMessage())
                    .isEqualTo(VideoStatus.READY);
            assertThat(r.getManifestUri())
                    .isEqualTo("s3://transcoder/videos/" + id(clip) + "/master.m3u8");
            assertThat(r.getDashManifestUri())
                    .isEqualTo("s3://transcoder/videos/" + id(clip) + "/manifest.mpd");
            Path local = work.resolve("download").resolve(id(clip));
            String prefix = "videos/" + id(clip) + "/";
            for (String key : bucket.list(prefix)) {
                Path target = local.resolve(key.substring(prefix.length()));
                Files.createDirectories(target.getParent());
                bucket.download(key, target);
            }
            LadderAssertions.assertPlayableLadder(local, source(clip));
            SoftAssertions dash = new SoftAssertions();
            DashAssertions.check(dash, local);
            dash.assertAll();
        }
    }

    @Test
    void brokenUploadsFailWithTheirReason() {
        BROKEN.forEach(
                (clip, reason) -> {
                    VideoRecord r = pipeline.awaitTerminal(id(clip), WAIT);
                    assertThat(r.getStatus()).as(clip).isEqualTo(VideoStatus.FAILED);
                    assertThat(r.getReasonCode()).as(clip).isEqualTo(reason);
                    assertThat(r.getMessage()).as(clip).isNotBlank();
                });
        VideoRecord missing = pipeline.awaitTerminal("missing-object", WAIT);
        assertThat(missing.getReasonCode()).isEqualTo("SOURCE_MISSING");
    }

    @Test
    void malformedEventGoesToTheFailureTopic() {
        Properties p = new Properties();
        p.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.services().kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-failures");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(EmbeddedServices.FAILURES_TOPIC));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (var rec : c.poll(Duration.ofMillis(500))) {
                    VideoRecord r = VideoRecordSerializationSchema.fromJson(rec.value());
                    if (r.getMessage() != null && r.getMessage().contains("this is not json")) {
                        assertThat(r.getStatus()).isEqualTo(VideoStatus.FAILED);
                        assertThat(r.getReasonCode()).isEqualTo("INVALID_EVENT");
                        return;
                    }
                }
            }
        }
        throw new AssertionError("No failure record for the malformed event");
    }

    @Test
    void recordsAreExactlyOnceAndStoresHoldTheFinalState() throws Exception {
        List<String> all = concat(GOOD, BROKEN.keySet().stream().toList());
        for (String clip : all) {
            pipeline.awaitTerminal(id(clip), WAIT);
        }
        pipeline.awaitTerminal("missing-object", WAIT);
        Thread.sleep(3000); // a duplicate would have to commit by now (checkpoints every second)
        Map<String, Long> perVideo =
                pipeline.completionRecords().stream()
                        .collect(
                                Collectors.groupingBy(
                                        VideoRecord::getVideoId, Collectors.counting()));
        for (String clip : all) {
            assertThat(perVideo.get(id(clip))).as("completion records of %s", clip).isEqualTo(1L);
        }
        assertThat(perVideo.get("missing-object")).isEqualTo(1L);

        try (MetadataStore store =
                new MetadataStore(pipeline.config().jdbc(), pipeline.config().redis())) {
            for (String clip : all) {
                VideoRecord db = store.find(id(clip)).orElseThrow();
                VideoRecord cached = store.cached(id(clip)).orElseThrow();
                VideoStatus expected = GOOD.contains(clip) ? VideoStatus.READY : VideoStatus.FAILED;
                assertThat(db.getStatus()).as(clip).isEqualTo(expected);
                assertThat(cached.getStatus()).as(clip).isEqualTo(expected);
                if (expected == VideoStatus.READY) {
                    assertThat(db.getProgressPercent()).isEqualTo(100);
                    assertThat(db.getRenditions()).isNotEmpty();
                    assertThat(cached.getManifestUri()).isEqualTo(db.getManifestUri());
                } else {
                    assertThat(db.getReasonCode()).isEqualTo(BROKEN.get(clip));
                }
            }
        }
        assertThat(bucket.list("staging/")).as("staging left behind").isEmpty();
    }

    @Test
    void theDuplicateEventCausedNoSecondEncode() throws Exception {
        long segments = 0;
        for (String clip : GOOD) {
            pipeline.awaitTerminal(id(clip), WAIT);
            // one chunk encode per segment of any one rung
            String top =
                    bucket.list("videos/" + id(clip) + "/").stream()
                            .filter(k -> k.endsWith("/index.m3u8") && !k.contains("/audio/"))
                            .findFirst()
                            .orElseThrow();
            segments +=
                    bucket.list(top.substring(0, top.lastIndexOf('/') + 1)).stream()
                            .filter(k -> k.endsWith(".m4s"))
                            .count();
        }
        assertThat(counterSum("duplicatesIgnored")).isEqualTo(1);
        assertThat(counterSum("chunksEncoded")).isEqualTo(segments);
        assertThat(counterSum("videosReady")).isEqualTo(GOOD.size());
    }

    private long counterSum(String name) {
        return JobMetrics.counterSum(metrics, name);
    }

    /** A shared clip, or the generated one (a file trimmed by stream copy, with an edit list). */
    private static Path source(String clip) {
        return clip.equals(GeneratedMedia.TRIMMED_BY_STREAM_COPY)
                ? GeneratedMedia.trimmedByStreamCopy()
                : Fixtures.clip(clip);
    }

    private static String id(String clip) {
        return clip.replaceAll("[^A-Za-z0-9_-]", "-");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
