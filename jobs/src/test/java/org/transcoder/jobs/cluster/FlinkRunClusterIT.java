package org.transcoder.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.media.testing.Fixtures;

/**
 * The README's {@code flink run} command, exactly as written there, through Flink's own CLI
 * frontend against a session cluster of separate JVMs: proves the packaging of the production jar
 * (nothing missing, no conflicting classes: the cluster's classpath is Flink's jars only, see
 * {@link FlinkCluster#flinkClasspath}), the S3 filesystem found as a plugin in the cluster's
 * plugins folder, {@code flink-conf/config.yaml}'s settings working on a real cluster with S3
 * credentials only in the processes' environment, and chunks encoded on both TaskManagers, which
 * share nothing but S3.
 */
class FlinkRunClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkRunClusterIT.class);
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final List<String> CLIPS =
            List.of("h264_webcam_1080x720_aac.mp4", "vp8_bbb_720p_vorbis.webm");
    private static final Duration WAIT = Duration.ofMinutes(6);

    @Test
    void theReadmesFlinkRunCommandRunsTheJobOnASessionCluster() throws Exception {
        Path work = ClusterDirs.fresh(getClass());
        try (TranscoderOnCluster t =
                        TranscoderOnCluster.start(work, 2, 1, FlinkRunClusterIT::asDeployed);
                NativeProcessWatch encodes =
                        new NativeProcessWatch(
                                t.cluster,
                                cmd -> cmd.contains("ffmpeg") && cmd.contains("chunk.nut"),
                                Duration.ofMillis(100))) {
            EmbeddedServices s = t.services;
            Map<String, String> vars =
                    Map.of(
                            "KAFKA", s.kafka().bootstrapServers(),
                            "UPLOADS", "s3://" + EmbeddedServices.BUCKET + "/uploads",
                            "VIDEOS", s.storageRoot(),
                            // relative: under each TaskManager's own working directory
                            "SCRATCH", "scratch",
                            "JDBC_URL", s.postgres().settings().url(),
                            "JDBC_USER", s.postgres().settings().user(),
                            "REDIS_URI", s.redis().settings().redisUri(),
                            "ENCODE_SLOTS", "2");
            List<String> command = readmeFlinkRun(vars);
            LOG.warn("flink {}", command);
            FlinkCluster.CliResult run =
                    t.cluster.flink(
                            Map.of("TRANSCODER_DB_PASSWORD", s.postgres().settings().password()),
                            command,
                            Duration.ofMinutes(3));
            String job = run.jobId();
            t.cluster.awaitRunning(job, Duration.ofMinutes(2));
            for (String clip : CLIPS) {
                t.upload(id(clip), Fixtures.clip(clip));
            }

            // What the operator's autoscaler would read for the encode vertex while it works.
            List<Double> busy = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!CLIPS.stream().allMatch(c -> t.hasTerminal(id(c)))
                    && System.nanoTime() < deadline) {
                t.cluster
                        .metricMax(job, "Encode chunk", "busyTimeMsPerSecond")
                        .filter(v -> !encodesRunning(encodes).isEmpty())
                        .ifPresent(busy::add);
                t.pollCompletions(Duration.ofSeconds(1));
            }
            for (String clip : CLIPS) {
                VideoRecord r = t.awaitTerminal(id(clip), WAIT);
                assertThat(r.getStatus())
                        .as("%s: %s %s", clip, r.getReasonCode(), r.getMessage())
                        .isEqualTo(VideoStatus.READY);
                t.assertPublished(id(clip), Fixtures.clip(clip));
            }
            Map<String, List<VideoRecord>> perVideo = t.completionRecords(Duration.ofSeconds(6));
            for (String clip : CLIPS) {
                assertThat(perVideo.get(id(clip))).as("completion records of %s", clip).hasSize(1);
            }
            Set<String> encodedOn =
                    encodes.seen().stream()
                            .map(NativeProcessWatch.Seen::taskManager)
                            .collect(Collectors.toCollection(TreeSet::new));
            assertThat(encodedOn).as("TaskManagers that ran chunk encodes").hasSize(2);
            assertThat(t.cluster.restarts(job)).as(t.cluster.exceptions(job)).isZero();
            // The finding behind the chart's autoscaler setting (scaling off): an async operator
            // waits for its ffmpeg children outside the busy time the autoscaler sizes vertices
            // by, so a saturated encode vertex looks under its 0.7 target.
            List<Double> measured = busy.stream().filter(v -> !v.isNaN()).toList();
            assertThat(measured).as("busy time samples while encodes ran").isNotEmpty();
            assertThat(measured.stream().mapToDouble(Double::doubleValue).max().orElseThrow())
                    .as("Encode chunk busyTimeMsPerSecond with every slot encoding")
                    .isLessThan(700);
            LOG.warn(
                    "{} chunk encodes on {}; Encode chunk busyTimeMsPerSecond (max over subtasks)"
                            + " while encodes ran: {}",
                    encodes.seen().size(),
                    encodedOn,
                    busy);
            t.cluster.cancel(job);
        }
    }

    /**
     * The cluster's settings from {@code flink-conf/config.yaml} (Flink's own parser), with this
     * machine's S3 endpoint and state buckets, and the S3 credentials in the environment of the
     * JobManager and TaskManagers only, as the README and the Helm chart deploy them. Memory, slots
     * and metrics reporters stay the harness's (a 2-core test machine; the Prometheus reporter is a
     * plugin of a Flink distribution, not on this classpath).
     */
    private static void asDeployed(EmbeddedServices services, FlinkCluster.Builder cluster) {
        Configuration deployed =
                GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
        Configuration kept = new Configuration();
        deployed.toMap()
                .forEach(
                        (key, value) -> {
                            if (!key.startsWith("taskmanager.")
                                    && !key.startsWith("jobmanager.")
                                    && !key.startsWith("metrics.reporter")
                                    && !key.startsWith("env.java.opts")
                                    && !key.equals("parallelism.default")) {
                                kept.setString(key, value);
                            }
                        });
        assertThat(kept.toMap()).containsKeys("state.backend.incremental", "s3.endpoint");
        kept.setString("s3.endpoint", services.s3().endpoint());
        cluster.configure(c -> c.addAll(kept))
                .environment("AWS_ACCESS_KEY_ID", services.s3().settings().accessKey())
                .environment("AWS_SECRET_ACCESS_KEY", services.s3().settings().secretKey());
    }

    /**
     * The {@code flink run ...} command of the README's "Deploying with flink run" section, its
     * continuation lines joined, split into arguments as a shell would ("..." quoted), {@code $VAR}
     * replaced from {@code vars}; without the leading {@code flink}.
     */
    static List<String> readmeFlinkRun(Map<String, String> vars) throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int section = readme.indexOf("## Deploying with `flink run`");
        assertThat(section).as("README section").isNotNegative();
        Matcher m =
                Pattern.compile("(?m)^flink run (?:[^\\n]*\\\\\\n)*[^\\n]*$")
                        .matcher(readme.substring(section));
        assertThat(m.find()).as("a `flink run` command in the README's section").isTrue();
        String line = m.group().replace("\\\n", " ");
        List<String> args = new ArrayList<>();
        Matcher token = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (token.find()) {
            String raw = token.group(1) != null ? token.group(1) : token.group(2);
            Matcher var = Pattern.compile("\\$([A-Z_]+)").matcher(raw);
            StringBuilder out = new StringBuilder();
            while (var.find()) {
                String value = vars.get(var.group(1));
                assertThat(value).as("value for $%s", var.group(1)).isNotNull();
                var.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            var.appendTail(out);
            args.add(out.toString());
        }
        assertThat(args.get(0)).isEqualTo("flink");
        return args.subList(1, args.size());
    }

    private static List<NativeProcessWatch.Seen> encodesRunning(NativeProcessWatch w) {
        return w.seen().stream().filter(s -> !s.gone()).toList();
    }

    private static String id(String clip) {
        return clip.replaceAll("[^A-Za-z0-9_-]", "-");
    }
}
