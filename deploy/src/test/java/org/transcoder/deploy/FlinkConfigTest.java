package org.transcoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code flink-conf/config.yaml}, read by Flink's own parser ({@link GlobalConfiguration}, as a
 * JobManager or TaskManager reads its conf/ directory), has what the job relies on; and the Helm
 * chart's defaults say the same, so the two ways to deploy cannot drift apart.
 */
class FlinkConfigTest {

    /** Peak RSS of one 1080p chunk encode (~370 MiB measured, bench/FINDINGS.md) with margin. */
    private static final MemorySize ENCODE_CHILD = MemorySize.parse("512m");

    /** Preparation, audio and thumbnail children of one TaskManager. */
    private static final MemorySize OTHER_CHILDREN = MemorySize.parse("512m");

    private static Configuration conf;

    @BeforeAll
    static void load() {
        conf = GlobalConfiguration.loadConfiguration(Repo.root().resolve("flink-conf").toString());
    }

    @Test
    void stateIsRocksDbWithIncrementalCheckpointsAndSavepointsOnS3() {
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("s3://");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("s3://");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
        // A checkpoint an S3 outage fails is retried, not a restart (OutageClusterIT).
        assertThat(conf.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isGreaterThan(0);
        // A hung checkpoint must not hold the completion records' commits for long.
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT))
                .isLessThanOrEqualTo(Duration.ofMinutes(2));
        // Completed-checkpoint retention on cancel: a cancelled job can still be restarted.
        assertThat(conf.toMap())
                .containsEntry(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION");
    }

    @Test
    void restartsFromTheLastCheckpointWithBackoff() {
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void s3HasAnEndpointAndNoCredentialsInTheFile() throws IOException {
        Map<String, String> all = conf.toMap();
        assertThat(all).containsKey("s3.endpoint").containsEntry("s3.path.style.access", "true");
        assertThat(all.keySet())
                .noneMatch(k -> k.matches("(s3|fs\\.s3a)\\.(access|secret)[-.]key"))
                .noneMatch(k -> k.contains("password"));
        // Not even commented out with a value: only the environment holds them.
        assertThat(Files.readString(Repo.root().resolve("flink-conf/config.yaml")))
                .doesNotContainPattern("(?m)^\\s*#?\\s*s3\\.(access|secret)-key:\\s*\\S");
    }

    @Test
    void taskManagerMemoryLeavesRoomForTheFfmpegChildren() {
        int slots = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        MemorySize children = ENCODE_CHILD.multiply(slots).add(OTHER_CHILDREN);
        assertThat(spec.getJvmOverheadSize().getBytes())
                .as("JVM overhead reserves the ffmpeg children of %d slots (%s)", slots, children)
                .isGreaterThanOrEqualTo(children.getBytes());
        // The container limit is the process size; everything Flink gives the JVM fits beside
        // the children.
        assertThat(
                        spec.getTotalFlinkMemorySize()
                                .add(spec.getJvmMetaspaceSize())
                                .add(spec.getJvmOverheadSize()))
                .isEqualTo(spec.getTotalProcessMemorySize());
        assertThat(spec.getJvmHeapMemorySize().getBytes())
                .as("heap for the operators and RocksDB's Java side")
                .isGreaterThanOrEqualTo(MemorySize.parse("1g").getBytes());
        assertThat(spec.getManagedMemorySize().getBytes())
                .as("RocksDB: small state (plans and results of videos in flight)")
                .isGreaterThanOrEqualTo(MemorySize.parse("128m").getBytes());
    }

    @Test
    void metricsGoToPrometheus() {
        assertThat(conf.toMap())
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsKey("metrics.reporter.prom.port");
    }

    @Test
    void theHelmChartsDefaultsSayTheSame() throws IOException {
        JsonNode values =
                new YAMLMapper().readTree(Repo.root().resolve("helm/transcoder/values.yaml"));
        Map<String, String> chart = new TreeMap<>();
        values.path("flinkConfiguration")
                .properties()
                .forEach(e -> chart.put(e.getKey(), e.getValue().asString()));
        // The operator sets these from the FlinkDeployment's resources and parallelism.
        chart.put(
                "taskmanager.memory.process.size",
                values.path("taskManager").path("resource").path("memory").asString());
        chart.put(
                "jobmanager.memory.process.size",
                values.path("jobManager").path("resource").path("memory").asString());
        Configuration fromChart = Configuration.fromMap(chart);
        for (String key : conf.keySet()) {
            if (key.equals("env.java.opts.all") || key.equals("parallelism.default")) {
                continue; // the image adds its JavaCPP cache; the chart sets job.parallelism
            }
            assertThat(fromChart.toMap()).as("chart default of %s", key).containsKey(key);
            assertThat(normalise(fromChart.toMap().get(key)))
                    .as("chart default of %s", key)
                    .isEqualTo(normalise(conf.toMap().get(key)));
        }
    }

    private static String normalise(String value) {
        return value.replaceAll("\\s+", " ").trim();
    }
}
