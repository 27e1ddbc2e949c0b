package org.transcoder.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.UploadEventSerializationSchema;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.connectors.storage.FlinkFileSystems;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.embedded.Persistence;
import org.transcoder.jobs.Seams;
import org.transcoder.jobs.TranscodeJobConfig;
import org.transcoder.jobs.TranscodeJobMain;
import org.transcoder.media.ffmpeg.FfmpegBinaries;

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
     * @param persistence {@link Persistence#KEEP}: the services keep their data in the work
     *     directory, checkpoints are retained, and a start resumes from the latest checkpoint or
     *     savepoint found there (local mode); {@link Persistence#EPHEMERAL}: every start is fresh
     *     (tests, the benchmark)
     */
    public record Settings(
            Path workDir,
            int encodeParallelism,
            int webUiPort,
            boolean fileOutput,
            List<String> sourceRoots,
            Duration checkpointInterval,
            Map<String, String> extraJobOptions,
            Persistence persistence) {

        /** A fresh pipeline on every start. */
        public Settings(
                Path workDir,
                int encodeParallelism,
                int webUiPort,
                boolean fileOutput,
                List<String> sourceRoots,
                Duration checkpointInterval,
                Map<String, String> extraJobOptions) {
            this(
                    workDir,
                    encodeParallelism,
                    webUiPort,
                    fileOutput,
                    sourceRoots,
                    checkpointInterval,
                    extraJobOptions,
                    Persistence.EPHEMERAL);
        }

        /**
         * Two encode slots, no dashboard, outputs in the embedded S3 and uploads from its bucket's
         * {@code uploads/}, checkpoints every second: the pipeline the in-JVM tests drive.
         */
        public static Settings inBucket(Path workDir, Map<String, String> extraJobOptions) {
            return new Settings(
                    workDir,
                    2,
                    -1,
                    false,
                    List.of("s3://" + EmbeddedServices.BUCKET + "/uploads"),
                    Duration.ofSeconds(1),
                    extraJobOptions);
        }

        /**
         * Checkpoints every second: completion records become visible when a checkpoint commits
         * their Kafka transaction (measured: 2 s clips took 2.0 or 4.0 s at a 2 s interval, 1.0 to
         * 3.0 s at 1 s), and the idle pipeline's CPU did not change measurably (0.073 vs 0.076).
         */
        public static Settings defaults(Path workDir) {
            return new Settings(
                    workDir,
                    2,
                    8081,
                    false,
                    List.of(workDir.resolve("uploads").toUri().toString()),
                    Duration.ofSeconds(1),
                    Map.of());
        }

        public Settings withEncodeParallelism(int p) {
            return new Settings(
                    workDir,
                    p,
                    webUiPort,
                    fileOutput,
                    sourceRoots,
                    checkpointInterval,
                    extraJobOptions,
                    persistence);
        }

        public Settings withWebUiPort(int port) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    port,
                    fileOutput,
                    sourceRoots,
                    checkpointInterval,
                    extraJobOptions,
                    persistence);
        }

        public Settings withFileOutput(boolean f) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    webUiPort,
                    f,
                    sourceRoots,
                    checkpointInterval,
                    extraJobOptions,
                    persistence);
        }

        public Settings withCheckpointInterval(Duration interval) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    webUiPort,
                    fileOutput,
                    sourceRoots,
                    interval,
                    extraJobOptions,
                    persistence);
        }

        public Settings withPersistence(Persistence p) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    webUiPort,
                    fileOutput,
                    sourceRoots,
                    checkpointInterval,
                    extraJobOptions,
                    p);
        }

        public Settings withJobOptions(Map<String, String> options) {
            return new Settings(
                    workDir,
                    encodeParallelism,
                    webUiPort,
                    fileOutput,
                    sourceRoots,
                    checkpointInterval,
                    options,
                    persistence);
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
    private final Settings settings;
    private final Optional<Path> restoredFrom;
    private MetadataStore cache;
    private final List<String> inFlightAtStart;
    private boolean closed;

    private LocalPipeline(
            EmbeddedServices services,
            JobClient job,
            TranscodeJobConfig config,
            Path outputDir,
            KafkaConsumer<byte[], byte[]> completions,
            Settings settings,
            Optional<Path> restoredFrom,
            List<String> inFlightAtStart) {
        this.services = services;
        this.job = job;
        this.config = config;
        this.outputDir = outputDir;
        this.completions = completions;
        this.settings = settings;
        this.restoredFrom = restoredFrom;
        this.inFlightAtStart = inFlightAtStart;
        this.storage = ObjectStorage.of(config.operators().outputRoot());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /**
     * Reads the completions and playable topics from where they end now (read_committed: their last
     * stable offsets), taken before the job starts: a kept work directory's topic holds earlier
     * runs' records, which must not answer for this run's uploads, and a restored job's first
     * completions must not be missed.
     */
    private static KafkaConsumer<byte[], byte[]> completionsFromNow(
            String bootstrap, String... topics) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
        return consumer;
    }

    public static LocalPipeline start(Settings s) throws Exception {
        return start(s, conf -> {});
    }

    /** Starts with extra Flink settings (a test's metric reporter, for instance). */
    public static LocalPipeline start(
            Settings s, java.util.function.Consumer<Configuration> flinkOverrides)
            throws Exception {
        return start(s, flinkOverrides, Seams.NONE);
    }

    /** Starts with a test's faults in the job (tests of poison uploads). */
    public static LocalPipeline start(
            Settings s, java.util.function.Consumer<Configuration> flinkOverrides, Seams seams)
            throws Exception {
        // Flink's S3 plugin bundles AWS SDK v1, which otherwise prints a deprecation banner.
        System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        FfmpegBinaries.get(); // fail fast, before anything starts, when the encoders are missing
        Files.createDirectories(s.workDir());
        boolean keep = s.persistence() == Persistence.KEEP;
        EmbeddedServices services =
                EmbeddedServices.start(s.workDir().resolve("services"), s.persistence());
        KafkaConsumer<byte[], byte[]> completions = null;
        try {
            Optional<Path> restoreFrom = Optional.empty();
            if (keep) {
                // The work-dir lock is ours now: an encoder still running on our scratch
                // directory belongs to a killed earlier run.
                stopLeftoverEncoders(s.workDir().resolve("scratch"));
                restoreFrom = latestRestorePoint(s.workDir());
            }
            Configuration flink = new Configuration();
            flink.setString("state.backend.type", "rocksdb");
            flink.setString(
                    "execution.checkpointing.dir",
                    s.workDir().resolve("checkpoints").toUri().toString());
            flink.setString(
                    "execution.checkpointing.interval", s.checkpointInterval().toMillis() + " ms");
            flink.setString("restart-strategy.type", "exponential-delay");
            if (keep) {
                // A cancelled or killed job's last checkpoint is the next start's resume point.
                flink.setString(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION");
                if (restoreFrom.isPresent()) {
                    flink.setString(
                            "execution.state-recovery.path", restoreFrom.get().toUri().toString());
                    // The new job owns the snapshot and deletes it once a newer checkpoint
                    // subsumes it: the work directory does not grow by one snapshot per start.
                    flink.setString("execution.state-recovery.claim-mode", "CLAIM");
                }
            }
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
            List<String> inFlight = keep ? videosInFlight(config) : List.of();
            completions =
                    completionsFromNow(
                            services.kafka().bootstrapServers(),
                            config.completionsTopic(),
                            config.playableTopic());
            StreamExecutionEnvironment env =
                    s.webUiPort() > 0
                            ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink)
                            : StreamExecutionEnvironment.createLocalEnvironment(flink);
            TranscodeJobMain.build(env, config, seams);
            JobClient job = env.executeAsync("Transcoder (local)");
            LOG.info(
                    "Job {} running{}; dashboard {}",
                    job.getJobID(),
                    restoreFrom.map(p -> " (restored from " + p + ")").orElse(""),
                    s.webUiPort() > 0 ? "http://localhost:" + s.webUiPort() : "off");
            return new LocalPipeline(
                    services, job, config, output, completions, s, restoreFrom, inFlight);
        } catch (Exception | Error e) {
            if (completions != null) {
                completions.close();
            }
            services.close();
            throw e;
        }
    }

    /**
     * The newest completed snapshot in the work directory: a savepoint of a clean stop ({@code
     * savepoints/savepoint-...}) or a retained checkpoint ({@code checkpoints/<job>/chk-N}), each
     * complete once its {@code _metadata} exists. Newest by that file's time, so a checkpoint taken
     * after a savepoint (the job ran on after it) wins.
     */
    static Optional<Path> latestRestorePoint(Path workDir) throws IOException {
        List<Path> metadata = new ArrayList<>();
        for (String pattern : List.of("checkpoints/*/chk-*/_metadata", "savepoints/*/_metadata")) {
            PathMatcher m = workDir.getFileSystem().getPathMatcher("glob:" + pattern);
            Path root = workDir.resolve(pattern.substring(0, pattern.indexOf('/')));
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root, 3)) {
                walk.filter(p -> m.matches(workDir.relativize(p)))
                        .filter(Files::isRegularFile)
                        .forEach(metadata::add);
            }
        }
        Path newest = null;
        long newestTime = Long.MIN_VALUE;
        for (Path p : metadata) {
            long t = Files.getLastModifiedTime(p).toMillis();
            if (t >= newestTime) {
                newest = p;
                newestTime = t;
            }
        }
        return Optional.ofNullable(newest).map(Path::getParent);
    }

    /**
     * Stops ffmpeg/ffprobe processes working in {@code scratch}, left by an earlier run that was
     * killed where the kernel could not take them along (no setpriv, see NativeProcess): they would
     * compete for the CPU with the restored job's encodes of the same chunks.
     */
    static int stopLeftoverEncoders(Path scratch) {
        String marker = scratch.toAbsolutePath().toString() + "/";
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> leftovers =
                ProcessHandle.allProcesses()
                        .filter(h -> h.pid() != self)
                        .filter(
                                h -> {
                                    String cmd = h.info().command().orElse("");
                                    return (cmd.endsWith("/ffmpeg") || cmd.endsWith("/ffprobe"))
                                            && h.info().commandLine().orElse("").contains(marker);
                                })
                        .toList();
        for (ProcessHandle h : leftovers) {
            LOG.warn("Stopping a leftover encoder of an earlier run: pid {}", h.pid());
            h.destroyForcibly();
        }
        return leftovers.size();
    }

    /** Videos the metadata store has as not yet terminal: a restored job finishes them. */
    private static List<String> videosInFlight(TranscodeJobConfig config) throws SQLException {
        var jdbc = config.jdbc();
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
                PreparedStatement st =
                        c.prepareStatement(
                                "SELECT video_id FROM videos WHERE status IN ('RECEIVED',"
                                        + " 'PROCESSING', 'PLAYABLE') ORDER BY created_at, video_id");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** The snapshot this start restored, if any (a kept work directory with one). */
    public Optional<Path> restoredFrom() {
        return restoredFrom;
    }

    /** Videos that were RECEIVED or PROCESSING when this pipeline started (kept work directory). */
    public List<String> inFlightAtStart() {
        return inFlightAtStart;
    }

    /**
     * Stops the job with a savepoint in {@code workDir/savepoints} (the next start resumes from
     * it), then closes everything. In-flight encodes are part of the savepoint and run again after
     * the restore; their children are killed only now, after the job has stopped, so a clean stop
     * records no failure. Falls back to cancelling (the retained last checkpoint is then the resume
     * point) if the savepoint does not complete within {@code timeout}.
     *
     * @return the savepoint, or empty if the job had to be cancelled
     */
    public synchronized Optional<String> stopWithSavepoint(Duration timeout) {
        if (closed) {
            return Optional.empty();
        }
        Optional<String> savepoint = Optional.empty();
        long giveUpAt = System.nanoTime() + timeout.toNanos();
        String target = settings.workDir().resolve("savepoints").toUri().toString();
        while (savepoint.isEmpty()) {
            try {
                savepoint =
                        Optional.of(
                                job.stopWithSavepoint(false, target, SavepointFormatType.CANONICAL)
                                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                job.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Stopped right after a start, the tasks may still be deploying: wait for them.
                boolean deploying =
                        ExceptionUtils.findThrowable(e, CheckpointException.class)
                                .map(c -> c.getCheckpointFailureReason())
                                .filter(
                                        r ->
                                                r
                                                        == CheckpointFailureReason
                                                                .NOT_ALL_REQUIRED_TASKS_RUNNING)
                                .isPresent();
                if (deploying && System.nanoTime() < giveUpAt) {
                    sleepQuietly(500);
                    continue;
                }
                LOG.warn("Stop with savepoint failed; cancelling instead", e);
                break;
            }
        }
        close();
        return savepoint;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        candidates.add(Path.of("local/target/plugins"));
        candidates.add(Path.of("../local/target/plugins"));
        for (Path p : candidates) {
            if (Files.isDirectory(p.resolve("s3-fs-hadoop"))) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException(
                "flink-s3-fs-hadoop plugin not found in "
                        + candidates
                        + ": run `mvn -pl local -am package` first");
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

    /**
     * The video's completion record if it has arrived within {@code wait} (for callers that also
     * watch for something else, such as a stop request).
     */
    public synchronized Optional<VideoRecord> pollTerminal(String videoId, Duration wait) {
        if (!terminal.containsKey(videoId)) {
            pollCompletions(wait);
        }
        return Optional.ofNullable(terminal.get(videoId));
    }

    /** All completion records read so far (read_committed), in order. */
    public synchronized List<VideoRecord> completionRecords() {
        pollCompletions(Duration.ofMillis(500));
        return List.copyOf(allRecords);
    }

    /** All PLAYABLE records read so far from the playable topic (read_committed), in order. */
    public synchronized List<VideoRecord> playableRecords() {
        pollCompletions(Duration.ofMillis(500));
        return List.copyOf(playable);
    }

    private final List<VideoRecord> allRecords = new ArrayList<>();
    private final List<VideoRecord> playable = new ArrayList<>();

    private void pollCompletions(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : completions.poll(wait)) {
            VideoRecord v = VideoRecordSerializationSchema.fromJson(r.value());
            if (r.topic().equals(config.playableTopic())) {
                playable.add(v);
                continue;
            }
            allRecords.add(v);
            terminal.put(v.getVideoId(), v);
        }
    }

    /**
     * The video's record in the Redis cache (refreshed on every status and progress change). One
     * store's Redis client serves every call: local mode asks twice a second per video.
     */
    public synchronized Optional<VideoRecord> cached(String videoId) {
        if (cache == null) {
            cache = new MetadataStore(config.jdbc(), config.redis()); // its JDBC side stays unused
        }
        return cache.cached(videoId);
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

    /**
     * Where the published videos lie as files ({@code {id}/master.m3u8}, ...): the embedded S3's
     * bucket directory, or the file output's. The watch page serves this tree.
     */
    public Path videosDir() {
        Path root =
                settings.fileOutput()
                        ? outputDir
                        : settings.workDir()
                                .resolve("services/s3")
                                .resolve(EmbeddedServices.BUCKET);
        return root.resolve("videos");
    }

    public JobClient job() {
        return job;
    }

    /**
     * Cancels the job if it still runs and waits until it has ended (a kept work directory retains
     * its last checkpoint), then stops the services.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean running;
        try {
            running = !job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
        } catch (Exception e) {
            running = false; // a local job's MiniCluster shuts down with the job: it has ended
        }
        if (running) {
            try {
                job.cancel().get(60, TimeUnit.SECONDS);
                job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // a cancelled job's result is an exception
            } catch (Exception e) {
                LOG.warn("Cancelling the job failed", e);
            }
        }
        if (cache != null) {
            cache.close();
        }
        producer.close();
        completions.close();
        services.close();
    }
}
