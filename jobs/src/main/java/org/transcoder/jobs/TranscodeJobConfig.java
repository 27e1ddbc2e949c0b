package org.transcoder.jobs;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.Preconditions;
import org.transcoder.connectors.kafka.CompletionSink;
import org.transcoder.connectors.metadata.JdbcSettings;
import org.transcoder.connectors.metadata.RedisSettings;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.validate.ValidationPolicy;
import org.transcoder.operators.OperatorSettings;

/**
 * The job's typed configuration: option keys with defaults and descriptions, parsed once from
 * {@code --key value} arguments. Cluster settings (state backend, checkpoints, restarts) are not
 * here: they live in flink-conf/config.yaml and the Helm values.
 */
public record TranscodeJobConfig(
        String kafkaBootstrap,
        String uploadsTopic,
        String completionsTopic,
        String playableTopic,
        String failuresTopic,
        String groupId,
        Duration transactionTimeout,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        String redisUri,
        int encodeParallelism,
        OperatorSettings operators,
        String versionLabel) {

    public static final ConfigOption<String> KAFKA_BOOTSTRAP =
            key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers.");
    public static final ConfigOption<String> UPLOADS_TOPIC =
            key("kafka.uploads-topic")
                    .stringType()
                    .defaultValue("video-uploads")
                    .withDescription("Topic of UploadEvent JSON records.");
    public static final ConfigOption<String> COMPLETIONS_TOPIC =
            key("kafka.completions-topic")
                    .stringType()
                    .defaultValue("video-completions")
                    .withDescription(
                            "Topic of one READY/FAILED record per video, written exactly once.");
    public static final ConfigOption<String> PLAYABLE_TOPIC =
            key("kafka.playable-topic")
                    .stringType()
                    .defaultValue("video-playable")
                    .withDescription(
                            "Topic of one PLAYABLE record per video (written exactly once): it can"
                                    + " be watched while it is encoded, at the record's manifestUri.");
    public static final ConfigOption<String> FAILURES_TOPIC =
            key("kafka.failures-topic")
                    .stringType()
                    .defaultValue("video-failures")
                    .withDescription("Topic of rejected (malformed or invalid) upload events.");
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            key("kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(CompletionSink.TRANSACTION_TIMEOUT)
                    .withDescription(
                            "Kafka transaction timeout of the exactly-once sinks; at most the broker's"
                                    + " transaction.max.timeout.ms. A checkpoint held up longer than"
                                    + " this fails the sink (a restart).");
    public static final ConfigOption<String> GROUP_ID =
            key("kafka.group-id")
                    .stringType()
                    .defaultValue("transcoder")
                    .withDescription("Consumer group of the upload source.");
    public static final ConfigOption<String> JDBC_URL =
            key("metadata.jdbc-url")
                    .stringType()
                    .defaultValue("jdbc:postgresql://localhost:5432/transcoder")
                    .withDescription("PostgreSQL of the metadata store.");
    public static final ConfigOption<String> JDBC_USER =
            key("metadata.jdbc-user")
                    .stringType()
                    .defaultValue("transcoder")
                    .withDescription("JDBC user.");
    public static final ConfigOption<String> JDBC_PASSWORD =
            key("metadata.jdbc-password")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "JDBC password. Visible to anyone who can read the program arguments (a"
                                    + " Kubernetes FlinkDeployment, the web UI): prefer "
                                    + "metadata.jdbc-password-env on a cluster.");

    /**
     * Names the environment variable holding the JDBC password, because program arguments cannot
     * reference a Kubernetes Secret: the Helm chart sets the variable from a {@code secretKeyRef}
     * in the pod template and passes only its name, so the password is never in the
     * FlinkDeployment.
     */
    public static final ConfigOption<String> JDBC_PASSWORD_ENV =
            key("metadata.jdbc-password-env")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Name of an environment variable holding the JDBC password (read where"
                                    + " the job's main() runs: the JobManager in application mode,"
                                    + " the client with flink run). Must be set and not be combined"
                                    + " with metadata.jdbc-password.");

    public static final ConfigOption<String> REDIS_URI =
            key("metadata.redis-uri")
                    .stringType()
                    .defaultValue("redis://localhost:6379")
                    .withDescription("Redis holding the hot per-video record.");
    public static final ConfigOption<String> OUTPUT_ROOT =
            key("storage.output-root")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where videos/ and staging/ are written: s3://bucket or file:///dir.");
    public static final ConfigOption<String> SOURCE_ROOTS =
            key("storage.source-roots")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Comma-separated places uploads may be read from: file:///dir and"
                                    + " s3://bucket or s3://bucket/prefix. An event naming anything"
                                    + " else (another directory or bucket, another scheme, '..' or"
                                    + " percent-encoded tricks) is FAILED INVALID_EVENT before any"
                                    + " I/O; symlinks must resolve inside their root. Empty: no"
                                    + " source is accepted.");
    public static final ConfigOption<String> PUBLIC_BASE_URL =
            key("storage.public-base-url")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Base URL (CDN) viewers reach the output root under; the output root when empty.");
    public static final ConfigOption<String> WORK_DIR =
            key("storage.local-work-dir")
                    .stringType()
                    .defaultValue(System.getProperty("java.io.tmpdir") + "/transcoder-tm")
                    .withDescription("Local scratch space on each TaskManager.");
    public static final ConfigOption<Duration> STAGING_ORPHAN_AGE =
            key("storage.staging-orphan-age")
                    .durationType()
                    .defaultValue(OperatorSettings.DEFAULT_STAGING_ORPHAN_AGE)
                    .withDescription(
                            "Staging data of an upload accepted longer ago than this is deleted by an"
                                    + " hourly sweep (a crash can leave it behind); longer than any"
                                    + " video's deadline. 0 turns the sweep off.");
    public static final ConfigOption<String> PROFILE =
            key("ladder.profile")
                    .stringType()
                    .defaultValue("default")
                    .withDescription(
                            "Ladder profile used when an event names none (bundled: default, mobile).");
    public static final ConfigOption<Double> CHUNK_SECONDS =
            key("chunk.seconds")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Target chunk length (the unit of parallel encoding; cuts go to the nearest"
                                    + " source keyframe). 0: automatic, as few as keep every encode slot busy, in"
                                    + " whole rounds over the slots, 4 to 16 s each; every chunk is cut"
                                    + " into ~4 s HLS segments.");
    public static final ConfigOption<Integer> ENCODE_PARALLELISM =
            key("encode.parallelism")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Parallel instances of the chunk encoder (slots doing encodes).");
    public static final ConfigOption<Integer> ENCODE_CONCURRENCY =
            key("encode.concurrency")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Encodes running at once in one encoder instance.");
    public static final ConfigOption<Integer> PREPARE_CONCURRENCY =
            key("prepare.concurrency")
                    .intType()
                    .defaultValue(OperatorSettings.DEFAULT_PREPARE_CONCURRENCY)
                    .withDescription(
                            "Uploads probed, checked and staged at once (and audio and thumbnail tasks"
                                    + " run at once), off the task thread: one huge upload never holds"
                                    + " up the others or a checkpoint.");
    public static final ConfigOption<Integer> ENCODE_THREADS =
            key("encode.x264-threads")
                    .intType()
                    .defaultValue(EncodeSpec.DEFAULT_THREADS_PER_ENCODE)
                    .withDescription(
                            "x264 threads per rendition encode; the chunk's decoder and filter graph then"
                                    + " get one thread each (0: FFmpeg decides every count). Slots give"
                                    + " the parallelism, so 1 spends the least CPU (bench/FINDINGS.md).");
    public static final ConfigOption<Duration> TASK_TIMEOUT =
            key("encode.task-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription("A native step running longer is killed and retried.");
    public static final ConfigOption<Integer> MAX_ATTEMPTS =
            key("encode.max-attempts")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Tries of a task failing for a transient reason (crash, timeout, storage).");
    public static final ConfigOption<Duration> VIDEO_DEADLINE =
            key("video.deadline")
                    .durationType()
                    .defaultValue(Duration.ofHours(2))
                    .withDescription(
                            "A video not finished this long (plus 20 s per second of video) after it was"
                                    + " accepted ends FAILED with DEADLINE_EXCEEDED: no video stays"
                                    + " PROCESSING forever.");

    public static final ConfigOption<Long> MAX_PIXELS =
            key("limits.max-pixels")
                    .longType()
                    .defaultValue(ValidationPolicy.defaults().maxPixels())
                    .withDescription(
                            "Width x height of the header and of every decoded frame (each decoder"
                                    + " refuses a larger frame; the step stops): TOO_MANY_PIXELS.");
    public static final ConfigOption<Double> MAX_FRAME_RATE =
            key("limits.max-frame-rate")
                    .doubleType()
                    .defaultValue(ValidationPolicy.DEFAULT_MAX_FRAME_RATE)
                    .withDescription(
                            "Frames per second (header, measured average, and frames in any second of"
                                    + " the packet timestamps): TOO_HIGH_FRAME_RATE.");
    public static final ConfigOption<Duration> MAX_DURATION =
            key("limits.max-duration")
                    .durationType()
                    .defaultValue(
                            Duration.ofSeconds(
                                    (long) ValidationPolicy.defaults().maxDurationSeconds()))
                    .withDescription("Video length from its packet timestamps: TOO_LONG.");
    public static final ConfigOption<Long> MAX_FRAMES =
            key("limits.max-frames")
                    .longType()
                    .defaultValue(ValidationPolicy.DEFAULT_MAX_FRAMES)
                    .withDescription(
                            "Video frames; the probe stops reading there, so any file is rejected in"
                                    + " seconds: TOO_LONG.");
    public static final ConfigOption<Duration> MAX_FRAME_GAP =
            key("limits.max-frame-gap")
                    .durationType()
                    .defaultValue(
                            Duration.ofSeconds(
                                    (long) ValidationPolicy.DEFAULT_MAX_FRAME_GAP_SECONDS))
                    .withDescription(
                            "Longest time between two video frames (a timestamp jump would become"
                                    + " that much padded video and audio): CORRUPT_INPUT.");
    public static final ConfigOption<Long> MAX_SOURCE_BYTES =
            key("limits.max-source-bytes")
                    .longType()
                    .defaultValue(ValidationPolicy.defaults().maxSizeBytes())
                    .withDescription("Size of the uploaded file: TOO_LARGE.");
    public static final ConfigOption<Long> MAX_OUTPUT_BYTES =
            key("limits.max-output-bytes")
                    .longType()
                    .defaultValue(ValidationPolicy.DEFAULT_MAX_OUTPUT_BYTES)
                    .withDescription(
                            "Everything one video publishes, and each file a native step writes"
                                    + " (ffmpeg -fs): OUTPUT_TOO_LARGE.");
    public static final ConfigOption<Duration> MAX_STEP_CPU =
            key("limits.step-cpu")
                    .durationType()
                    .defaultValue(ValidationPolicy.DEFAULT_MAX_STEP_CPU)
                    .withDescription(
                            "CPU time of one native step (staging, a chunk encode, audio,"
                                    + " thumbnails; RLIMIT_CPU through prlimit): CPU_LIMIT_EXCEEDED."
                                    + " The probe and the decode check have their own 2 min and 60 s.");
    public static final ConfigOption<Duration> MAX_STEP_WALL =
            key("limits.step-wall")
                    .durationType()
                    .defaultValue(ValidationPolicy.DEFAULT_MAX_STEP_WALL)
                    .withDescription(
                            "Wall-clock time of a staging or thumbnail step (killed, retried, then"
                                    + " ENCODE_TIMEOUT); chunk encodes and audio have"
                                    + " encode.task-timeout.");

    public static final ConfigOption<String> VERSION_LABEL =
            key("job.version-label")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "When set, every record gets the label "
                                    + TranscodeJob.VERSION_LABEL_KEY
                                    + "=<value>, added by one more stateless operator (uid "
                                    + Uids.VERSION_LABEL
                                    + "): which deployment wrote a record. It also gives the"
                                    + " savepoint-upgrade test (SavepointUpgradeClusterIT) a changed"
                                    + " topology to restore into. Empty (default): no operator.");

    public static TranscodeJobConfig fromArgs(String[] args) {
        return from(Configuration.fromMap(parseArgs(args)));
    }

    public static TranscodeJobConfig from(Configuration c) {
        return from(c, System::getenv);
    }

    /** With the environment as a parameter, so tests need not change the process environment. */
    static TranscodeJobConfig from(Configuration c, Function<String, String> env) {
        String outputRoot = c.get(OUTPUT_ROOT);
        Preconditions.checkArgument(
                outputRoot != null && !outputRoot.isBlank(),
                "--%s is required (s3://bucket or file:///dir)",
                OUTPUT_ROOT.key());
        List<String> sourceRoots =
                Arrays.stream(c.get(SOURCE_ROOTS).split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
        TranscodeOptions media =
                new TranscodeOptions(
                        LadderProfiles.byName(c.get(PROFILE)),
                        c.get(CHUNK_SECONDS),
                        Math.max(1, c.get(ENCODE_PARALLELISM) * c.get(ENCODE_CONCURRENCY)),
                        validation(c),
                        c.get(ENCODE_THREADS),
                        c.get(WORK_DIR),
                        c.get(TASK_TIMEOUT));
        OperatorSettings ops =
                new OperatorSettings(
                        outputRoot,
                        sourceRoots,
                        c.get(PUBLIC_BASE_URL),
                        media,
                        c.get(VIDEO_DEADLINE),
                        c.get(MAX_ATTEMPTS),
                        c.get(ENCODE_CONCURRENCY),
                        c.get(PREPARE_CONCURRENCY),
                        c.get(STAGING_ORPHAN_AGE));
        int parallelism = c.get(ENCODE_PARALLELISM);
        Preconditions.checkArgument(
                parallelism >= 1, "--%s must be >= 1", ENCODE_PARALLELISM.key());
        return new TranscodeJobConfig(
                c.get(KAFKA_BOOTSTRAP),
                c.get(UPLOADS_TOPIC),
                c.get(COMPLETIONS_TOPIC),
                c.get(PLAYABLE_TOPIC),
                c.get(FAILURES_TOPIC),
                c.get(GROUP_ID),
                c.get(TRANSACTION_TIMEOUT),
                c.get(JDBC_URL),
                c.get(JDBC_USER),
                jdbcPassword(c, env),
                c.get(REDIS_URI),
                parallelism,
                ops,
                c.get(VERSION_LABEL).trim());
    }

    /** The limits on uploads, from their options (the rest of the policy is its defaults). */
    static ValidationPolicy validation(Configuration c) {
        return ValidationPolicy.defaults()
                .withMaxPixels(c.get(MAX_PIXELS))
                .withMaxFrameRate(c.get(MAX_FRAME_RATE))
                .withMaxDurationSeconds(c.get(MAX_DURATION).toMillis() / 1000.0)
                .withMaxFrames(c.get(MAX_FRAMES))
                .withMaxFrameGapSeconds(c.get(MAX_FRAME_GAP).toMillis() / 1000.0)
                .withMaxSizeBytes(c.get(MAX_SOURCE_BYTES))
                .withMaxOutputBytes(c.get(MAX_OUTPUT_BYTES))
                .withMaxStepCpu(c.get(MAX_STEP_CPU))
                .withMaxStepWall(c.get(MAX_STEP_WALL));
    }

    private static String jdbcPassword(Configuration c, Function<String, String> env) {
        String variable = c.get(JDBC_PASSWORD_ENV).trim();
        if (variable.isEmpty()) {
            return c.get(JDBC_PASSWORD);
        }
        Preconditions.checkArgument(
                c.get(JDBC_PASSWORD).isEmpty(),
                "--%s and --%s are exclusive",
                JDBC_PASSWORD.key(),
                JDBC_PASSWORD_ENV.key());
        String password = env.apply(variable);
        Preconditions.checkArgument(
                password != null,
                "--%s names %s, which is not set in this process's environment",
                JDBC_PASSWORD_ENV.key(),
                variable);
        return password;
    }

    /** Without the JDBC password (and Redis credentials): this is what a log line may show. */
    @Override
    public String toString() {
        return "TranscodeJobConfig{kafka="
                + kafkaBootstrap
                + ", topics="
                + List.of(uploadsTopic, completionsTopic, playableTopic, failuresTopic)
                + ", groupId="
                + groupId
                + ", "
                + jdbc()
                + ", "
                + redis()
                + ", encodeParallelism="
                + encodeParallelism
                + ", "
                + operators
                + ", versionLabel="
                + versionLabel
                + "}";
    }

    public JdbcSettings jdbc() {
        return new JdbcSettings(jdbcUrl, jdbcUser, jdbcPassword);
    }

    public RedisSettings redis() {
        return new RedisSettings(redisUri);
    }

    /** {@code --key value} pairs; a key without a value is "true". */
    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            Preconditions.checkArgument(
                    args[i].startsWith("--"), "Expected --key, got '%s'", args[i]);
            String k = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                map.put(k, args[++i]);
            } else {
                map.put(k, "true");
            }
        }
        return map;
    }
}
