package org.transcoder.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.metadata.MetadataSink;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.connectors.storage.FlinkFileSystems;
import org.transcoder.connectors.storage.ObjectStorage;

/**
 * All four services together, as local mode uses them: topics and bucket exist, S3 objects land
 * under the work directory, a Flink job writes through {@link MetadataSink}, and closing leaves no
 * server listening.
 */
class EmbeddedServicesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path work;
    private static EmbeddedServices services;

    @BeforeAll
    static void start() {
        services = EmbeddedServices.start(work);
        // Plugins from env FLINK_PLUGINS_DIR, which surefire points at target/plugins.
        FlinkFileSystems.initialize(new Configuration(), services.s3().settings());
    }

    @AfterAll
    static void stop() {
        FileSystem.initialize(new Configuration(), null);
        if (services != null) {
            services.close();
        }
    }

    @Test
    void topicsExist() throws Exception {
        try (Admin admin = services.kafka().admin()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics)
                    .contains(
                            EmbeddedServices.UPLOADS_TOPIC,
                            EmbeddedServices.COMPLETIONS_TOPIC,
                            EmbeddedServices.FAILURES_TOPIC);
            assertThat(
                            admin.describeTopics(List.of(EmbeddedServices.UPLOADS_TOPIC))
                                    .allTopicNames()
                                    .get()
                                    .get(EmbeddedServices.UPLOADS_TOPIC)
                                    .partitions())
                    .hasSize(2);
        }
    }

    @Test
    void s3ObjectsAreFilesUnderTheWorkDirectory() {
        ObjectStorage storage = new ObjectStorage(services.storageRoot());
        storage.putString("videos/local/master.m3u8", "#EXTM3U\n");
        assertThat(storage.list("videos")).containsExactly("videos/local/master.m3u8");
        assertThat(work.resolve("s3/transcoder/videos/local/master.m3u8")).hasContent("#EXTM3U");
    }

    @Test
    void aFlinkJobWritesThroughTheMetadataSink() throws Exception {
        var jdbc = services.postgres().settings();
        var redis = services.redis().settings();
        try (MetadataStore store = new MetadataStore(jdbc, redis)) {
            store.migrate();
        }
        RenditionRecord rung =
                new RenditionRecord(
                        "360p", 640, 360, 900_000, 700_000, "avc1.64001e", "360p/index.m3u8");
        VideoRecord ready =
                VideoRecord.ready(
                        "job-v",
                        "s3://up/job-v.mp4",
                        "s3://transcoder/videos/job-v/master.m3u8",
                        null,
                        4,
                        List.of(rung));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromData(
                        VideoRecord.received("job-v", "s3://up/job-v.mp4", null),
                        VideoRecord.processing("job-v", "s3://up/job-v.mp4", 50),
                        ready,
                        VideoRecord.failed("job-bad", null, "CORRUPT_INPUT", "truncated"))
                .setParallelism(1)
                .sinkTo(new MetadataSink(jdbc, redis))
                .setParallelism(1);
        env.execute("metadata-sink-it");

        try (MetadataStore store = new MetadataStore(jdbc, redis)) {
            VideoRecord stored = store.find("job-v").orElseThrow();
            assertThat(stored.getStatus()).isEqualTo(VideoStatus.READY);
            assertThat(stored.getRenditions()).containsExactly(rung);
            assertThat(store.cached("job-v").orElseThrow()).isEqualTo(stored);
            assertThat(store.cached("job-bad").orElseThrow().getReasonCode())
                    .isEqualTo("CORRUPT_INPUT");
        }
    }

    @Test
    void closeLeavesNothingListening(@TempDir Path other) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(other);
        EmbeddedRedis redis = EmbeddedRedis.start();
        Process pgProcess = pg.process();
        int pgPort = pg.port();
        int redisPort = redis.port();
        assertThat(listening(pgPort)).isTrue();
        assertThat(listening(redisPort)).isTrue();
        pg.close();
        redis.close();
        assertThat(pgProcess.isAlive()).isFalse();
        assertThat(redis.isActive()).isFalse();
        assertThat(listening(pgPort)).isFalse();
        assertThat(listening(redisPort)).isFalse();
        assertThat(Files.list(other)).isEmpty(); // data directory removed
        pg.close(); // idempotent
    }

    @Test
    void aMissingBucketIsAnError() {
        assertThatThrownBy(() -> new ObjectStorage("s3://no-such-bucket-here").readString("x"))
                .isInstanceOf(java.io.UncheckedIOException.class);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
