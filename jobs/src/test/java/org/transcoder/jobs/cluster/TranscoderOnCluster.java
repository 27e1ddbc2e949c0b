package org.transcoder.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.UploadEventSerializationSchema;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.connectors.storage.FlinkFileSystems;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.jobs.TranscodeJobConfig;
import org.transcoder.media.testing.LadderAssertions;

/**
 * The embedded services (Kafka, s3proxy, PostgreSQL, Redis) in the test JVM plus a {@link
 * FlinkCluster} whose checkpoints, savepoints and job data all live in the embedded S3: what a
 * ClusterIT needs to upload videos, run the job jar and check what it published.
 */
final class TranscoderOnCluster implements AutoCloseable {

    final EmbeddedServices services;
    final FlinkCluster cluster;
    final ObjectStorage bucket;
    private final Path work;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<byte[], byte[]> completions;
    private final List<VideoRecord> records = new ArrayList<>();
    private final Map<String, VideoRecord> terminal = new ConcurrentHashMap<>();

    private TranscoderOnCluster(Path work, EmbeddedServices services, FlinkCluster cluster) {
        this.work = work;
        this.services = services;
        this.cluster = cluster;
        this.bucket = ObjectStorage.of(services.storageRoot());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-" + System.nanoTime());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        completions =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        completions.subscribe(List.of(EmbeddedServices.COMPLETIONS_TOPIC));
    }

    static TranscoderOnCluster start(Path work, int taskManagers, int slots) throws Exception {
        return start(
                work,
                taskManagers,
                slots,
                (services, cluster) -> cluster.configure(services.s3().settings()::applyTo));
    }

    /**
     * As above, with {@code s3Access} giving the cluster its S3 settings (the other start puts the
     * endpoint and keys into the cluster's configuration).
     */
    static TranscoderOnCluster start(
            Path work,
            int taskManagers,
            int slots,
            java.util.function.BiConsumer<EmbeddedServices, FlinkCluster.Builder> s3Access)
            throws Exception {
        System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        EmbeddedServices services = EmbeddedServices.start(work.resolve("services"));
        try {
            Configuration s3 = new Configuration();
            services.s3().settings().applyTo(s3);
            FlinkFileSystems.initialize(
                    s3,
                    Path.of(System.getenv().getOrDefault("FLINK_PLUGINS_DIR", "target/plugins")));
            FlinkCluster.Builder builder =
                    FlinkCluster.builder(work.resolve("cluster"))
                            .taskManagers(taskManagers)
                            .slotsPerTaskManager(slots);
            s3Access.accept(services, builder);
            FlinkCluster cluster =
                    builder.checkpointsUnder(services.storageRoot() + "/flink").start();
            return new TranscoderOnCluster(work, services, cluster);
        } catch (Exception | Error e) {
            services.close();
            throw e;
        }
    }

    /**
     * The job's arguments (as local mode sets them) plus {@code extra} key/value pairs. Local
     * scratch is the relative directory {@code scratch}: each TaskManager's own working directory.
     */
    String[] jobArgs(String... extra) {
        Map<String, String> a = new java.util.LinkedHashMap<>();
        a.put(TranscodeJobConfig.KAFKA_BOOTSTRAP.key(), services.kafka().bootstrapServers());
        a.put(TranscodeJobConfig.JDBC_URL.key(), services.postgres().settings().url());
        a.put(TranscodeJobConfig.JDBC_USER.key(), services.postgres().settings().user());
        a.put(TranscodeJobConfig.JDBC_PASSWORD.key(), services.postgres().settings().password());
        a.put(TranscodeJobConfig.REDIS_URI.key(), services.redis().settings().redisUri());
        a.put(TranscodeJobConfig.OUTPUT_ROOT.key(), services.storageRoot());
        a.put(TranscodeJobConfig.SOURCE_ROOTS.key(), services.storageRoot() + "/uploads");
        a.put(TranscodeJobConfig.WORK_DIR.key(), "scratch");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            a.put(extra[i], extra[i + 1]);
        }
        List<String> out = new ArrayList<>();
        a.forEach(
                (k, v) -> {
                    out.add("--" + k);
                    out.add(v);
                });
        return out.toArray(String[]::new);
    }

    /** Puts the file at {@code uploads/<id>} in the bucket and publishes its upload event. */
    void upload(String videoId, Path file) throws Exception {
        String key = "uploads/" + videoId + "-" + file.getFileName();
        bucket.put(key, file);
        UploadEvent e = UploadEvent.of(videoId, "s3://" + EmbeddedServices.BUCKET + "/" + key);
        producer.send(
                        new ProducerRecord<>(
                                EmbeddedServices.UPLOADS_TOPIC,
                                videoId,
                                UploadEventSerializationSchema.toJson(e)))
                .get();
    }

    /** Waits for the video's completion record (read_committed). */
    synchronized VideoRecord awaitTerminal(String videoId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!terminal.containsKey(videoId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "No completion record for "
                                + videoId
                                + " within "
                                + timeout
                                + ":"
                                + cluster.diagnosis());
            }
            poll(Duration.ofMillis(200));
        }
        return terminal.get(videoId);
    }

    /** Whether a completion record for the video has been read (without waiting). */
    synchronized boolean hasTerminal(String videoId) {
        return terminal.containsKey(videoId);
    }

    /** Reads completion records for {@code wait}. */
    synchronized void pollCompletions(Duration wait) {
        poll(wait);
    }

    private final java.util.Set<String> positionsRead = new java.util.HashSet<>();

    /** Completion records per video id, after polling for {@code settle} more. */
    synchronized Map<String, List<VideoRecord>> completionRecords(Duration settle) {
        long deadline = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < deadline) {
            poll(Duration.ofMillis(200));
        }
        return records.stream().collect(Collectors.groupingBy(VideoRecord::getVideoId));
    }

    /**
     * Records are counted once per place in the topic: after a broker restart the test's own
     * consumer rejoins its group at the last auto-committed offset and reads again what it had read
     * in the seconds before; that is this consumer repeating itself, not a duplicate on the topic
     * (which would sit at another offset).
     */
    private void poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : completions.poll(wait)) {
            if (!positionsRead.add(r.partition() + ":" + r.offset())) {
                continue;
            }
            VideoRecord v = VideoRecordSerializationSchema.fromJson(r.value());
            records.add(v);
            terminal.put(v.getVideoId(), v);
        }
    }

    /**
     * The video is READY everywhere: a correct, decodable ladder for {@code source} (downloaded
     * from the bucket), PostgreSQL and Redis say READY, and its staging prefix is empty.
     */
    void assertPublished(String videoId, Path source) throws Exception {
        Path local = work.resolve("download").resolve(videoId);
        String prefix = "videos/" + videoId + "/";
        for (String key : bucket.list(prefix)) {
            Path target = local.resolve(key.substring(prefix.length()));
            Files.createDirectories(target.getParent());
            bucket.download(key, target);
        }
        LadderAssertions.assertPlayableLadder(local, source);
        try (MetadataStore store =
                new MetadataStore(services.postgres().settings(), services.redis().settings())) {
            VideoRecord db = store.find(videoId).orElseThrow();
            assertThat(db.getStatus()).as("%s in PostgreSQL", videoId).isEqualTo(VideoStatus.READY);
            assertThat(db.getProgressPercent()).isEqualTo(100);
            assertThat(db.getRenditions()).isNotEmpty();
            VideoRecord cached = store.cached(videoId).orElseThrow();
            assertThat(cached.getStatus()).as("%s in Redis", videoId).isEqualTo(VideoStatus.READY);
            assertThat(cached.getManifestUri()).isEqualTo(db.getManifestUri());
        }
        assertThat(bucket.list("staging/" + videoId + "/"))
                .as("staging of %s left behind", videoId)
                .isEmpty();
    }

    @Override
    public void close() {
        cluster.close();
        producer.close();
        completions.close();
        services.close();
    }
}
