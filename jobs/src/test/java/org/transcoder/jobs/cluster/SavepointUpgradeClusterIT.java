package org.transcoder.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.jobs.TranscodeJob;
import org.transcoder.jobs.TranscodeJobConfig;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.testing.GeneratedMedia;

/**
 * An upgrade with videos in flight: the job (on a real cluster, 1 JobManager + 2 TaskManagers of 2
 * slots, 2 encode slots) is stopped with a savepoint while a 40 s clip (4 chunks of ~10 s, two
 * rounds over the slots) is half encoded, and a changed job is started from the savepoint: the same
 * jar with {@code --job.version-label v2}, which adds one stateless operator (uid {@code
 * version-label}) and keeps every other uid. Both videos must end READY with correct ladders and
 * one completion record each, the long one labelled by the new job.
 *
 * <p><b>How encodes are counted across the two jobs.</b> Every chunk encode attempt is one ffmpeg
 * process whose input is {@code scratch/<videoId>-CHUNK-<i>-<nanoTime>/chunk.nut} (one scratch
 * directory per attempt) under a TaskManager; {@link NativeProcessWatch} polls the TaskManagers'
 * process trees every 50 ms and records each such process (a 10 s chunk encodes for seconds, so
 * none is missed). The count does not depend on the job's metrics, which vanish with the stopped
 * job, nor on its logs. A chunk counts as <em>finished before the savepoint</em> when its ffmpeg
 * process was gone at least {@link #SETTLED} before the stop was requested: by then its segments
 * were uploaded and its result had left the async operator for the assembler's keyed state (the
 * upload of a few segments to the local s3proxy takes well under that). Each of those chunks must
 * have been encoded exactly once over both jobs; chunks in flight at the savepoint are in the async
 * operator's state and are re-encoded by the new job (allowed, and counted in the log).
 */
class SavepointUpgradeClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(SavepointUpgradeClusterIT.class);
    private static final Duration WAIT = Duration.ofMinutes(8);
    private static final Duration SETTLED = Duration.ofSeconds(3);
    private static final Pattern CHUNK_INPUT =
            Pattern.compile("([A-Za-z0-9_-]+-CHUNK-\\d+)-\\d+/chunk\\.nut");
    private static final String LONG = "long-40s";
    private static final String SHORT = "short-webcam";

    @Test
    void anUpgradeFromASavepointRepeatsNoFinishedEncode() throws Exception {
        long t0 = System.nanoTime();
        Path work = ClusterDirs.fresh(getClass());
        Path longClip =
                GeneratedMedia.generate(
                        "40s_720p30_gop2s_aac.mp4",
                        GeneratedMedia.args(
                                "-f lavfi -i testsrc2=size=1280x720:rate=30:duration=40",
                                "-f lavfi -i sine=frequency=440:duration=40:sample_rate=48000",
                                "-filter_complex [0:v]noise=alls=6:allf=t[v] -map [v] -map 1:a",
                                "-c:v libx264 -preset superfast -pix_fmt yuv420p -crf 28",
                                "-g 60 -keyint_min 60 -sc_threshold 0",
                                "-c:a aac -ac 2 -b:a 128k -movflags +faststart"));
        Path shortClip = Fixtures.clip("h264_webcam_1080x720_aac.mp4");
        try (TranscoderOnCluster t = TranscoderOnCluster.start(work, 2, 2);
                NativeProcessWatch encodes =
                        new NativeProcessWatch(
                                t.cluster,
                                cmd -> cmd.contains("ffmpeg") && CHUNK_INPUT.matcher(cmd).find(),
                                Duration.ofMillis(50))) {
            FlinkCluster cluster = t.cluster;
            String p2 = TranscodeJobConfig.ENCODE_PARALLELISM.key();
            String v1 = cluster.submit(t.jobArgs(p2, "2"));
            cluster.awaitRunning(v1, Duration.ofMinutes(3));
            LOG.warn("job v1 {} running after {} s", v1, seconds(t0));
            t.upload(LONG, longClip);
            t.upload(SHORT, shortClip);

            // Stop once the first round of the long clip's chunks is done and the next runs.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (finished(encodes, LONG, System.nanoTime()).size() < 2
                    || running(encodes, LONG).isEmpty()) {
                assertThat(System.nanoTime()).as("no half-encoded video").isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(SETTLED.toMillis());
            long stopAt = System.nanoTime();
            Map<String, Long> finishedBefore =
                    finished(encodes, LONG, stopAt - SETTLED.toNanos()).stream()
                            .collect(Collectors.groupingBy(c -> c, Collectors.counting()));
            LOG.warn(
                    "stopping v1 after {} s; finished chunks {}, running {}",
                    seconds(t0),
                    finishedBefore.keySet(),
                    running(encodes, LONG));
            String savepoint = cluster.stopWithSavepoint(v1, Duration.ofMinutes(3));
            assertThat(cluster.awaitTerminal(v1, Duration.ofMinutes(1))).isEqualTo("FINISHED");
            LOG.warn("savepoint {} after {} s", savepoint, seconds(t0));

            String v2 =
                    cluster.submitFromSavepoint(
                            savepoint,
                            t.jobArgs(p2, "2", TranscodeJobConfig.VERSION_LABEL.key(), "v2"));
            cluster.awaitRunning(v2, Duration.ofMinutes(3));
            LOG.warn("job v2 {} running after {} s", v2, seconds(t0));

            for (String id : List.of(LONG, SHORT)) {
                VideoRecord r = t.awaitTerminal(id, WAIT);
                assertThat(r.getStatus())
                        .as("%s: %s %s", id, r.getReasonCode(), r.getMessage())
                        .isEqualTo(VideoStatus.READY);
            }
            LOG.warn("both READY after {} s", seconds(t0));
            Thread.sleep(500); // the watch sees the last encodes end

            Map<String, Long> attempts =
                    encodes.seen().stream()
                            .map(s -> chunk(s.commandLine()))
                            .filter(c -> c.startsWith(LONG + "-"))
                            .collect(Collectors.groupingBy(c -> c, Collectors.counting()));
            long afterStop =
                    encodes.seen().stream()
                            .filter(s -> s.firstSeenNanos() > stopAt)
                            .filter(s -> chunk(s.commandLine()).startsWith(LONG + "-"))
                            .count();
            LOG.warn(
                    "encode attempts per chunk {}; {} after the stop; {} finished before it",
                    attempts,
                    afterStop,
                    finishedBefore.keySet());
            assertThat(afterStop).as("the upgraded job encoded the rest").isGreaterThan(0);
            for (String c : finishedBefore.keySet()) {
                assertThat(attempts.get(c))
                        .as("encodes of %s, finished before the savepoint", c)
                        .isEqualTo(1L);
            }
            assertThat(cluster.restarts(v2)).as("restarts of v2" + cluster.exceptions(v2)).isZero();

            Map<String, List<VideoRecord>> perVideo = t.completionRecords(Duration.ofSeconds(4));
            assertThat(perVideo.get(LONG)).as("completion records of %s", LONG).hasSize(1);
            assertThat(perVideo.get(SHORT)).as("completion records of %s", SHORT).hasSize(1);
            assertThat(perVideo.get(LONG).get(0).getLabels())
                    .as("the long video was finished by the upgraded job")
                    .containsEntry(TranscodeJob.VERSION_LABEL_KEY, "v2");
            t.assertPublished(LONG, longClip);
            t.assertPublished(SHORT, shortClip);
            LOG.warn("SavepointUpgradeClusterIT took {} s", seconds(t0));
        }
    }

    /** Chunks of the video whose encode process was gone before {@code before}. */
    private static List<String> finished(NativeProcessWatch w, String videoId, long before) {
        return w.seen().stream()
                .filter(s -> s.gone() && s.lastSeenNanos() < before)
                .map(s -> chunk(s.commandLine()))
                .filter(c -> c.startsWith(videoId + "-"))
                .toList();
    }

    private static List<String> running(NativeProcessWatch w, String videoId) {
        return w.seen().stream()
                .filter(s -> !s.gone())
                .map(s -> chunk(s.commandLine()))
                .filter(c -> c.startsWith(videoId + "-"))
                .toList();
    }

    private static String chunk(String commandLine) {
        Matcher m = CHUNK_INPUT.matcher(commandLine);
        return m.find() ? m.group(1) : "";
    }

    private static long seconds(long t0) {
        return (System.nanoTime() - t0) / 1_000_000_000L;
    }
}
