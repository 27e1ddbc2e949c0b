package org.transcoder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.UploadEventDeserializationSchema;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.connectors.storage.FlinkFileSystems;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.embedded.EmbeddedS3;
import org.transcoder.embedded.EmbeddedServices;

/**
 * {@code bin/transcoder} as a user runs it (the launcher script, a JVM of its own, the built
 * classpath; so after {@code package}, by Failsafe), against real Kafka, S3 (s3proxy), PostgreSQL
 * and Redis: what it stores, the events it produces, what {@code status} prints, its exit codes.
 */
class TranscoderCliIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir static Path tmp;
    private static EmbeddedServices services;

    @BeforeAll
    static void start() {
        services = EmbeddedServices.start(tmp.resolve("services"));
        Configuration conf = new Configuration();
        services.s3().settings().applyTo(conf);
        FlinkFileSystems.initialize(conf);
    }

    @AfterAll
    static void stop() {
        services.close();
    }

    @Test
    void uploadStoresEachFileAndThenProducesItsEvent() throws Exception {
        Path a = video("cat video.mp4", 1000);
        Path b = video("dog.mov", 2000);
        Run r =
                cli(
                        "upload",
                        "--bootstrap-servers",
                        services.kafka().bootstrapServers(),
                        "--storage",
                        "s3://" + EmbeddedServices.BUCKET + "/uploads",
                        "--s3-endpoint",
                        services.s3().endpoint(),
                        "--s3-path-style",
                        "--priority",
                        "7",
                        "--label",
                        "user=u1",
                        a.toString(),
                        b.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        Map<String, UploadEvent> events = uploadEvents(2);
        ObjectStorage bucket = ObjectStorage.of(services.storageRoot());
        for (int i = 0; i < 2; i++) {
            String[] idAndUri = lines.get(i).split("\t");
            assertThat(idAndUri[0])
                    .matches((i == 0 ? "cat-video-mp4" : "dog-mov") + "-[0-9a-z]{6}");
            UploadEvent e = events.get(idAndUri[0]);
            assertThat(e).as("event of %s", idAndUri[0]).isNotNull();
            assertThat(e.getSourceUri()).isEqualTo(idAndUri[1]);
            assertThat(e.getPriority()).isEqualTo(7);
            assertThat(e.getLabels()).containsEntry("user", "u1");
            assertThat(e.problem()).isEmpty();
            String key = idAndUri[1].substring(("s3://" + EmbeddedServices.BUCKET + "/").length());
            assertThat(bucket.readBytes(key)).isEqualTo(Files.readAllBytes(i == 0 ? a : b));
        }
    }

    @Test
    void uploadToALocalDirectoryCopiesTheFileThere() throws Exception {
        Path dir = tmp.resolve("uploads");
        Path a = video("clip.webm", 3000);
        Run r =
                cli(
                        "upload",
                        "--bootstrap-servers",
                        services.kafka().bootstrapServers(),
                        "--storage",
                        dir.toUri().toString(),
                        "--id",
                        "my-clip",
                        a.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().trim()).isEqualTo("my-clip\t" + dir.toUri() + "my-clip/clip.webm");
        assertThat(dir.resolve("my-clip/clip.webm")).hasSameBinaryContentAs(a);
    }

    @Test
    void uploadRefusesBadInputWithAMessageAndNoEvent() throws Exception {
        Run missing =
                cli(
                        "upload",
                        "--bootstrap-servers",
                        services.kafka().bootstrapServers(),
                        "--storage",
                        tmp.resolve("other").toUri().toString(),
                        tmp.resolve("nope.mp4").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("not a file").doesNotContain("\tat ");
        Run usage = cli("upload", "--storage", "file:///tmp/x");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--bootstrap-servers");
    }

    @Test
    void statusShowsWhatTheMetadataStoreSays() throws Exception {
        try (MetadataStore store =
                new MetadataStore(services.postgres().settings(), services.redis().settings())) {
            store.migrate();
            store.upsert(
                    VideoRecord.ready(
                            "ready-1",
                            "s3://uploads/a.mp4",
                            "s3://videos/ready-1/master.m3u8",
                            null,
                            30,
                            List.of(
                                    new RenditionRecord(
                                            "720p",
                                            1280,
                                            720,
                                            1_500_000,
                                            1_200_000,
                                            "avc1.64001f,mp4a.40.2",
                                            "s3://videos/ready-1/720p/index.m3u8"))));
            store.upsert(
                    VideoRecord.failed(
                            "failed-1",
                            "s3://uploads/b.mp4",
                            "CORRUPT_INPUT",
                            "The file is not a readable video"));
        }
        Run redis =
                cli(
                        "status",
                        "--redis-uri",
                        services.redis().settings().redisUri(),
                        "ready-1",
                        "failed-1");
        assertThat(redis.exit()).as(redis.err()).isZero();
        assertThat(redis.out())
                .contains("ready-1\tREADY\t100%")
                .contains("manifest: s3://videos/ready-1/master.m3u8")
                .containsPattern("720p\\s+1280x720\\s+1200000 b/s\\s+avc1.64001f,mp4a.40.2")
                .contains("failed-1\tFAILED\t0%\tCORRUPT_INPUT")
                .contains("The file is not a readable video");

        Map<String, String> env = new HashMap<>();
        env.put("TRANSCODER_DB_PASSWORD", services.postgres().settings().password());
        Run db =
                cli(
                        env,
                        "status",
                        "--jdbc-url",
                        services.postgres().settings().url(),
                        "--jdbc-user",
                        services.postgres().settings().user(),
                        "ready-1",
                        "no-such-video");
        assertThat(db.exit()).as("a video it does not know").isEqualTo(3);
        assertThat(db.out()).contains("ready-1\tREADY\t100%").contains("no-such-video\tUNKNOWN");
    }

    private record Run(int exit, String out, String err) {}

    private static Run cli(String... args) throws Exception {
        return cli(Map.of(), args);
    }

    /**
     * bin/transcoder with these arguments, S3 credentials in its environment as a user sets them.
     */
    private static Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/transcoder").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", EmbeddedS3.ACCESS_KEY);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", EmbeddedS3.SECRET_KEY);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("bin/transcoder finished").isTrue();
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Bytes standing in for a video: the CLI stores files, it does not look into them. */
    private static Path video(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new java.util.Random(size).nextBytes(bytes);
        return Files.write(tmp.resolve(name), bytes);
    }

    private static Map<String, UploadEvent> uploadEvents(int atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "cli-it-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, UploadEvent> events = new HashMap<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(EmbeddedServices.UPLOADS_TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (events.size() < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    UploadEvent e =
                            UploadEventDeserializationSchema.parse(
                                            r.key().getBytes(StandardCharsets.UTF_8),
                                            r.value().getBytes(StandardCharsets.UTF_8),
                                            r.topic(),
                                            r.partition(),
                                            r.offset())
                                    .getEvent();
                    events.put(r.key(), e);
                }
            }
        }
        return events;
    }
}
