package org.transcoder.jobs;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.kafka.CompletionSink;
import org.transcoder.connectors.kafka.UploadSource;
import org.transcoder.connectors.metadata.MetadataSink;
import org.transcoder.connectors.metadata.MetadataStore;

/**
 * Entry point for {@code flink run}: builds the production ends (Kafka, metadata store) and the
 * topology. State backend, checkpointing and restarts come from the cluster's config.yaml.
 */
public final class TranscodeJobMain {

    private static final Logger LOG = LoggerFactory.getLogger(TranscodeJobMain.class);

    private TranscodeJobMain() {}

    public static void main(String[] args) throws Exception {
        TranscodeJobConfig config = TranscodeJobConfig.fromArgs(args);
        if (java.util.Arrays.asList(args).contains("--" + TranscodeJobConfig.JDBC_PASSWORD.key())) {
            // Flink shows program arguments (web UI, the JobManager's logged configuration in
            // application mode): a password there is not secret.
            LOG.warn(
                    "--{} is visible wherever Flink shows the program arguments; use --{}",
                    TranscodeJobConfig.JDBC_PASSWORD.key(),
                    TranscodeJobConfig.JDBC_PASSWORD_ENV.key());
        }
        LOG.info("Starting with {}", config);
        try (MetadataStore store = new MetadataStore(config.jdbc(), config.redis())) {
            store.migrate(); // Flyway: versioned, idempotent; done once by the client, not per task
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute("Transcoder");
    }

    /** The production topology on the given environment (also used by local mode). */
    public static void build(StreamExecutionEnvironment env, TranscodeJobConfig config) {
        build(env, config, Seams.NONE);
    }

    /** The production topology with a test's faults in it (tests of poison uploads). */
    public static void build(
            StreamExecutionEnvironment env, TranscodeJobConfig config, Seams seams) {
        // A handful of records per video, each standing for seconds of native work: flushing
        // every record costs nothing here, and saves the periodic output flushers (a thread per
        // task waking every 100 ms) and up to 100 ms a hop of latency.
        env.setBufferTimeout(0);
        TranscodeJob.define(
                env,
                UploadSource.create(
                        config.kafkaBootstrap(), config.uploadsTopic(), config.groupId()),
                new MetadataSink(config.jdbc(), config.redis()),
                CompletionSink.exactlyOnce(
                        config.kafkaBootstrap(),
                        config.completionsTopic(),
                        "transcoder-completions",
                        config.transactionTimeout()),
                CompletionSink.exactlyOnce(
                        config.kafkaBootstrap(),
                        config.playableTopic(),
                        "transcoder-playable",
                        config.transactionTimeout()),
                CompletionSink.exactlyOnce(
                        config.kafkaBootstrap(),
                        config.failuresTopic(),
                        "transcoder-failures",
                        config.transactionTimeout()),
                config.operators(),
                config.encodeParallelism(),
                config.versionLabel(),
                seams);
    }
}
