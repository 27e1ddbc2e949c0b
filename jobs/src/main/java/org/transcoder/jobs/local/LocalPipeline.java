package org.transcoder.jobs.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.embedded.EmbeddedServices;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.UploadEventSerializationSchema;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.connectors.storage.FlinkFileSystems;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.jobs.TranscodeJobConfig;
import org.transcoder.jobs.TranscodeJobMain;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.operators.functions.PrepareVideo;

/**
 * The whole pipeline on one machine: real Kafka, S3 (s3proxy), PostgreSQL and Redis started in this
 * JVM, and the production job on a local Flink cluster with RocksDB state, checkpoints and the web
 * dashboard. Used by local mode, the benchmark and the end-to-end tests.
 */
public final class LocalPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

    /**
     * @param workDir where the services keep their data and the job its checkpoints
     * @param encodeParallelism parallel chunk encoders (slots)
     * @param webUiPort Flink dashboard port, or -1 for none
     * @param fileOutput write renditions to workDir/output (file://) instead of the embedded S3
     * @param sourceRoots file:// prefixes uploads may come from
     */
    public record Settings(
            Path workDir,
            int encodeParallelism,
            int webUiPort,
            boolean fileOutput,
            List<String> sourceRoots,
            Duration checkpointInterval,
            Map<String, String> extraJobOptions) {

        /**
         * Checkpoints every second: completion records become visible when a checkpoint commits
         * their Kafka transaction (measured: 2 s clips took 2.0 or 4.0 s at a 2 s interval, 1.0 to
         * 3.0 s at 1 s), and the idle pipeline's CPU did not change measurably (0.073 vs 0.076).
         */
        public static Settings defaults(Path workDir) {
            return new Settings(
                    workDir, 2, 8081, false, List.of("file:///"), Duration.ofSeconds(1), Map.of());
        }

        public Settings withEncodeParallelism(int p) {
            return new Settings(
                    workDir,
                    p,
                    webUiPort,
                    fileOutput,
                    sourceRoots,
                    checkpointInterval,
                    extraJobOptions);
        }

        public Settings withWebUiPort(int port) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    port,
                    fileOutput,
                    sourceRoots,
                    checkpointInterval,
                    extraJobOptions);
        }

        public Settings withFileOutput(boolean f) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    webUiPort,
                    f,
                    sourceRoots,
                    checkpointInterval,
                    extraJobOptions);
        }

        public Settings withCheckpointInterval(Duration interval) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    webUiPort,
                    fileOutput,
                    sourceRoots,
                    interval,
                    extraJobOptions);
        }

        public Settings withJobOptions(Map<String, String> options) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    webUiPort,
                    fileOutput,
                    sourceRoots,
                    checkpointInterval,
                    options);
        }
    }

    private final EmbeddedServices services;
    private final JobClient job;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<byte[], byte[]> completions;
    private final Map<String, VideoRecord> terminal = new ConcurrentHashMap<>();
    private final ObjectStorage storage;
    private final TranscodeJobConfig config;
    private final Path outputDir;

    private LocalPipeline(
            EmbeddedServices services, JobClient job, TranscodeJobConfig config, Path outputDir) {
        this.services = services;
        this.job = job;
        this.config = config;
        this.outputDir = outputDir;
        this.storage = ObjectStorage.of(config.operators().outputRoot());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "local-pipeline-" + System.nanoTime());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.completions =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        completions.subscribe(List.of(config.completionsTopic()));
    }

    public static LocalPipeline start(Settings s) throws Exception {
        return start(s, conf -> {});
    }

    /** Starts with extra Flink settings (a test's metric reporter, for instance). */
    public static LocalPipeline start(
            Settings s, java.util.function.Consumer<Configuration> flinkOverrides)
            throws Exception {
        return start(s, flinkOverrides, (event, attempt) -> {});
    }

    /** Starts with a fault injected into preparation (tests of poison uploads). */
    public static LocalPipeline start(
            Settings s,
            java.util.function.Consumer<Configuration> flinkOverrides,
            PrepareVideo.Fault prepareFault)
            throws Exception {
        // Flink's S3 plugin bundles AWS SDK v1, which otherwise prints a deprecation banner.
        System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        FfmpegBinaries.get(); // fail fast, before anything starts, when the encoders are missing
        Files.createDirectories(s.workDir());
        EmbeddedServices services = EmbeddedServices.start(s.workDir().resolve("services"));
        try {
            Configuration flink = new Configuration();
            flink.setString("state.backend.type", "rocksdb");
            flink.setString(
                    "execution.checkpointing.dir",
                    s.workDir().resolve("checkpoints").toUri().toString());
            flink.setString(
                    "execution.checkpointing.interval", s.checkpointInterval().toMillis() + " ms");
            flink.setString("restart-strategy.type", "exponential-delay");
            flink.setString(
                    "taskmanager.numberOfTaskSlots",
                    Integer.toString(Math.max(2, s.encodeParallelism())));
            // On one machine the light operators (parse, prepare, assemble, sinks) need one
            // instance each; every extra idle subtask costs CPU (measured: ~40% less idle CPU).
            // Encoding has its own parallelism.
            flink.setString("parallelism.default", "1");
            if (s.webUiPort() > 0) {
                flink.set(RestOptions.PORT, s.webUiPort());
            }
            services.s3().settings().applyTo(flink);
            flinkOverrides.accept(flink);
            FlinkFileSystems.initialize(flink, pluginsDir());

            Path output = s.workDir().resolve("output");
            String outputRoot = s.fileOutput() ? output.toUri().toString() : services.storageRoot();
            Map<String, String> args = new java.util.HashMap<>();
            args.put(TranscodeJobConfig.KAFKA_BOOTSTRAP.key(), services.kafka().bootstrapServers());
            args.put(TranscodeJobConfig.JDBC_URL.key(), services.postgres().settings().url());
            args.put(TranscodeJobConfig.JDBC_USER.key(), services.postgres().settings().user());
            args.put(
                    TranscodeJobConfig.JDBC_PASSWORD.key(),
                    services.postgres().settings().password());
            args.put(TranscodeJobConfig.REDIS_URI.key(), services.redis().settings().redisUri());
            args.put(TranscodeJobConfig.OUTPUT_ROOT.key(), outputRoot);
            args.put(TranscodeJobConfig.SOURCE_ROOTS.key(), String.join(",", s.sourceRoots()));
            args.put(TranscodeJobConfig.WORK_DIR.key(), s.workDir().resolve("scratch").toString());
            args.put(
                    TranscodeJobConfig.ENCODE_PARALLELISM.key(),
                    Integer.toString(s.encodeParallelism()));
            args.putAll(s.extraJobOptions());
            TranscodeJobConfig config = TranscodeJobConfig.from(Configuration.fromMap(args));
            try (MetadataStore store = new MetadataStore(config.jdbc(), config.redis())) {
                store.migrate();
            }
            StreamExecutionEnvironment env =
                    s.webUiPort() > 0
                            ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink)
                            : StreamExecutionEnvironment.createLocalEnvironment(flink);
            TranscodeJobMain.build(env, config, prepareFault);
            JobClient job = env.executeAsync("Transcoder (local)");
            LOG.info(
                    "Job {} running; dashboard {}",
                    job.getJobID(),
                    s.webUiPort() > 0 ? "http://localhost:" + s.webUiPort() : "off");
            return new LocalPipeline(services, job, config, output);
        } catch (Exception | Error e) {
            services.close();
            throw e;
        }
    }

    /**
     * Where maven-dependency-plugin put flink-s3-fs-hadoop: env FLINK_PLUGINS_DIR, else
     * target/plugins.
     */
    static Path pluginsDir() {
        String env = System.getenv("FLINK_PLUGINS_DIR");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        candidates.add(Path.of("target/plugins"));
        candidates.add(Path.of("jobs/target/plugins"));
        candidates.add(Path.of("../jobs/target/plugins"));
        for (Path p : candidates) {
            if (Files.isDirectory(p.resolve("s3-fs-hadoop"))) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException(
                "flink-s3-fs-hadoop plugin not found in "
                        + candidates
                        + ": run `mvn -pl jobs -am package` first");
    }

    /** Publishes an upload event to the uploads topic. */
    public void submit(UploadEvent event) {
        publishRaw(event.getVideoId(), UploadEventSerializationSchema.toJson(event));
    }

    /** Publishes any payload (a malformed event, for instance). */
    public void publishRaw(String key, String payload) {
        try {
            producer.send(new ProducerRecord<>(config.uploadsTopic(), key, payload)).get();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot publish upload event", e);
        }
    }

    /** Waits for the video's completion record (READY or FAILED) on the completions topic. */
    public synchronized VideoRecord awaitTerminal(String videoId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!terminal.containsKey(videoId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "No completion record for " + videoId + " within " + timeout);
            }
            pollCompletions(Duration.ofMillis(200));
        }
        return terminal.get(videoId);
    }

    /** All completion records read so far (read_committed), in order. */
    public synchronized List<VideoRecord> completionRecords() {
        pollCompletions(Duration.ofMillis(500));
        return List.copyOf(allRecords);
    }

    private final List<VideoRecord> allRecords = new ArrayList<>();

    private void pollCompletions(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : completions.poll(wait)) {
            VideoRecord v = VideoRecordSerializationSchema.fromJson(r.value());
            allRecords.add(v);
            terminal.put(v.getVideoId(), v);
        }
    }

    public Optional<VideoRecord> metadata(String videoId) throws Exception {
        try (MetadataStore store = new MetadataStore(config.jdbc(), config.redis())) {
            return store.find(videoId);
        }
    }

    public EmbeddedServices services() {
        return services;
    }

    public ObjectStorage storage() {
        return storage;
    }

    public TranscodeJobConfig config() {
        return config;
    }

    /** Local output directory when running with file output. */
    public Path outputRoot() {
        return outputDir;
    }

    public JobClient job() {
        return job;
    }

    @Override
    public void close() {
        try {
            job.cancel().get();
        } catch (Exception e) {
            LOG.warn("Cancelling the job failed", e);
        }
        producer.close();
        completions.close();
        services.close();
    }
}
