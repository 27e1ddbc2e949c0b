package org.transcoder.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.jobs.TranscodeJobConfig;
import org.transcoder.media.testing.Fixtures;

/**
 * Never lose a video when a TaskManager dies: the job runs on a real cluster (1 JobManager, 2
 * TaskManagers of 2 slots, 3 encode slots, so the encoders span both TaskManagers and the job
 * cannot run on the survivor alone), three clips are uploaded, and while chunk encodes run (ffmpeg
 * processes reading a staged {@code chunk.nut} under a TaskManager), that TaskManager's JVM is
 * SIGKILLed and a replacement started. Every video must still end READY with a correct ladder,
 * exactly one completion record (read_committed), READY in PostgreSQL and Redis, and no staging
 * left; the killed TaskManager's ffmpeg children must die with it.
 */
class TaskManagerLossClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerLossClusterIT.class);

    private static final List<String> CLIPS =
            List.of(
                    "vp8_bbb_720p_vorbis.webm",
                    "h264_webcam_1080x720_aac.mp4",
                    "mpeg2_1080p_mp2_bbb.ts");
    private static final Duration WAIT = Duration.ofMinutes(8);

    @Test
    void everyVideoSurvivesTheLossOfATaskManager() throws Exception {
        long t0 = System.nanoTime();
        Path work = ClusterDirs.fresh(getClass());
        try (TranscoderOnCluster t = TranscoderOnCluster.start(work, 2, 2)) {
            FlinkCluster cluster = t.cluster;
            LOG.warn("cluster up in {} s", seconds(t0));
            String job =
                    cluster.submit(t.jobArgs(TranscodeJobConfig.ENCODE_PARALLELISM.key(), "3"));
            cluster.awaitRunning(job, Duration.ofMinutes(3));
            LOG.warn("job {} running after {} s", job, seconds(t0));
            for (String clip : CLIPS) {
                t.upload(id(clip), Fixtures.clip(clip));
            }

            // Wait for chunk encodes (ffmpeg on a staged chunk) under some TaskManager.
            int victim = -1;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (victim < 0) {
                assertThat(System.nanoTime()).as("no chunk encode started").isLessThan(deadline);
                for (int i = 0; i < cluster.taskManagers().size(); i++) {
                    if (!cluster.nativeDescendants(i, "chunk.nut").isEmpty()) {
                        victim = i;
                        break;
                    }
                }
                Thread.sleep(100);
            }
            List<ProcessHandle> encodes = cluster.nativeDescendants(victim, "chunk.nut");
            LOG.warn(
                    "killing tm-{} after {} s while it runs {} chunk encode(s)",
                    victim,
                    seconds(t0),
                    encodes.size());
            List<ProcessHandle> children = cluster.killTaskManager(victim);
            cluster.startTaskManager();

            // The kernel takes the killed JVM's ffmpeg children (parent-death signal).
            long childDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (children.stream().anyMatch(ProcessHandle::isAlive)
                    && System.nanoTime() < childDeadline) {
                Thread.sleep(100);
            }
            assertThat(
                            children.stream()
                                    .filter(ProcessHandle::isAlive)
                                    .map(FlinkCluster::commandLine))
                    .as("native children of the SIGKILLed tm-%d still running", victim)
                    .isEmpty();

            for (String clip : CLIPS) {
                VideoRecord r = t.awaitTerminal(id(clip), WAIT);
                assertThat(r.getStatus())
                        .as("%s: %s %s", clip, r.getReasonCode(), r.getMessage())
                        .isEqualTo(VideoStatus.READY);
            }
            LOG.warn("all READY after {} s", seconds(t0));
            assertThat(cluster.restarts(job))
                    .as("restarts after the TaskManager loss" + cluster.exceptions(job))
                    .isGreaterThanOrEqualTo(1);
            assertThat(cluster.jobState(job)).isEqualTo("RUNNING");

            // A duplicate would have to commit within a few checkpoints (one per second).
            Map<String, List<VideoRecord>> perVideo = t.completionRecords(Duration.ofSeconds(4));
            for (String clip : CLIPS) {
                assertThat(perVideo.get(id(clip))).as("completion records of %s", clip).hasSize(1);
                t.assertPublished(id(clip), Fixtures.clip(clip));
            }
            LOG.warn("TaskManagerLossClusterIT took {} s", seconds(t0));
        }
    }

    private static long seconds(long t0) {
        return (System.nanoTime() - t0) / 1_000_000_000L;
    }

    private static String id(String clip) {
        return clip.replaceAll("[^A-Za-z0-9_-]", "-");
    }
}
