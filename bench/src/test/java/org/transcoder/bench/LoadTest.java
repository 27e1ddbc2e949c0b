package org.transcoder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The load run's parsing of Flink's REST answers (shapes as Flink 2.2's local cluster gives them)
 * and its report: the aims are read from the numbers, a missed one says so.
 */
class LoadTest {

    private static final String CHECKPOINTS =
            """
            {"counts":{"restored":0,"total":7,"in_progress":1,"completed":5,"failed":1},
             "summary":{"end_to_end_duration":{"min":12,"max":11234,"avg":2300.4,"p50":40.0}},
             "history":[
              {"className":"in_progress","id":7,"status":"IN_PROGRESS","trigger_timestamp":1700000007000,
               "end_to_end_duration":3,"state_size":0},
              {"className":"failed","id":6,"status":"FAILED","trigger_timestamp":1700000006000,
               "end_to_end_duration":600000,"state_size":0,"failure_message":"Checkpoint expired"},
              {"className":"completed","id":5,"status":"COMPLETED","trigger_timestamp":1700000005000,
               "end_to_end_duration":57,"state_size":123456,"checkpointed_size":2345}]}
            """;

    @Test
    void checkpointHistoryCountsAndSummary() throws Exception {
        JsonNode cps = BenchChild.JSON.readTree(CHECKPOINTS);

        assertThat(FlinkRest.counts(cps)).isEqualTo(new FlinkRest.Counts(7, 1, 5, 1, 0));
        assertThat(FlinkRest.history(cps))
                .containsExactly(
                        new FlinkRest.Checkpoint(7, "IN_PROGRESS", 1700000007000L, 3, 0, null),
                        new FlinkRest.Checkpoint(
                                6, "FAILED", 1700000006000L, 600000, 0, "Checkpoint expired"),
                        new FlinkRest.Checkpoint(5, "COMPLETED", 1700000005000L, 57, 123456, null));
        assertThat(FlinkRest.durationSummary(cps))
                .containsEntry("min", 12L)
                .containsEntry("avg", 2300L)
                .containsEntry("max", 11234L);
    }

    @Test
    void operatorGaugeFoundByNameAndSummedOverSubtasks() throws Exception {
        JsonNode listing =
                BenchChild.JSON.readTree(
                        """
                        [{"id":"0.Assemble_video.videosInFlight"},{"id":"0.Assemble_video.videosReady"},
                         {"id":"1.Assemble_video.videosInFlight"},{"id":"numRecordsIn"}]
                        """);
        assertThat(FlinkRest.idsEndingWith(listing, "videosInFlight"))
                .containsExactly(
                        "0.Assemble_video.videosInFlight", "1.Assemble_video.videosInFlight");

        JsonNode values =
                BenchChild.JSON.readTree(
                        """
                        [{"id":"0.Assemble_video.videosInFlight","value":"17"},
                         {"id":"1.Assemble_video.videosInFlight","value":"4.0"}]
                        """);
        assertThat(FlinkRest.sum(FlinkRest.metricValues(values))).contains(21L);
        assertThat(FlinkRest.sum(Map.of())).isEmpty();
        assertThat(
                        FlinkRest.vertexIds(
                                BenchChild.JSON.readTree("{\"vertices\":[{\"id\":\"a1\"}]}")))
                .containsExactly("a1");
    }

    @Test
    void perSecondSeriesKeepsEachSecondsPeak() {
        List<TreeSampler.Point> series =
                List.of(
                        point(0, 100),
                        point(400, 300),
                        point(900, 200),
                        point(1100, 150),
                        point(2500, 50));
        assertThat(TreeSampler.perPeriod(series, 1000))
                .extracting(TreeSampler.Point::ms)
                .containsExactly(400L, 1100L, 2500L);
    }

    @Test
    void aChildBetweenForkAndExecIsNotCountedTwice() {
        ProcStat jvm = stat(100, 1, "java", 6_000_000_000L, 200_000);
        ProcStat spawning = stat(101, 100, "EncodeChunk-wor", 6_000_000_000L, 200_000);
        ProcStat ffmpeg = stat(102, 100, "ffmpeg", 300_000_000L, 20_000);
        Map<Integer, ProcStat> members = Map.of(100, jvm, 101, spawning, 102, ffmpeg);

        assertThat(TreeSampler.sharesParentMemory(spawning, members)).isTrue();
        assertThat(TreeSampler.sharesParentMemory(ffmpeg, members)).isFalse();
        assertThat(TreeSampler.sharesParentMemory(jvm, members)).isFalse();
    }

    private static ProcStat stat(int pid, int ppid, String comm, long vsize, long rssPages) {
        return new ProcStat(pid, comm, 'S', ppid, 1, 0, 0, 0, 0, 1, pid, rssPages, vsize);
    }

    @Test
    void aLoadThatKeptThePromiseMeetsEveryAim() {
        String md = render(load(List.of(57L, 40L, 1200L), 0, 1, 2L << 30, 0));

        assertThat(md)
                .contains("## Load: 3 uploads at once")
                .contains("| all finish, READY | 3 of 3 READY on `video-completions`")
                .contains("| 3 with 1, 0 with more, 0 with none | **met** |")
                .contains("| 3 completed, 0 failed during the load (Flink's counters) | **met** |")
                .contains(
                        "| every checkpoint under 10 s | max 1.20 s of 3 (median 0.06 s) | **met** |")
                .contains("| whole process tree under 3 GiB | peak 2.00 GiB")
                .contains("| no restart | numRestarts 0 | **met** |")
                .doesNotContain("**missed**")
                .contains(
                        "| checkpoint duration (end to end), min / median / max | 0.04 / 0.06 / 1.20 s |");
    }

    @Test
    void aDuplicateASlowCheckpointAndTooMuchMemoryAreMissed() {
        String md = render(load(List.of(57L, 12500L), 1, 2, (3L << 30) + 1, 1));

        assertThat(md)
                .contains("| 2 with 1, 1 with more, 0 with none | **missed** |")
                .contains(
                        "| 2 completed, 1 failed during the load (Flink's counters) | **missed** |")
                .contains("max 12.50 s of 2")
                .contains("| no restart | numRestarts 1 | **missed** |")
                .contains("Videos that broke the promise:")
                .contains("- `v0` (a.mp4): 2 completion record(s), last READY, store READY");
        assertThat(md.lines().filter(l -> l.startsWith("| whole process tree")))
                .singleElement()
                .asString()
                .endsWith("**missed** |");
    }

    private static String render(Results.Load l) {
        StringBuilder md = new StringBuilder();
        Report.load(md, l);
        return md.toString();
    }

    private static TreeSampler.Point point(long ms, long rss) {
        return new TreeSampler.Point(ms, rss, rss / 2, rss / 4, 5, 1);
    }

    private static Results.Load load(
            List<Long> checkpointMillis, int duplicates, int records, long peakRss, long restarts) {
        List<LoadRun.Video> videos = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            videos.add(
                    new LoadRun.Video(
                            "v" + i, "a.mp4", i < duplicates ? records : 1, "READY", "READY", 900));
        }
        List<FlinkRest.Checkpoint> cps = new java.util.ArrayList<>();
        long id = 10;
        for (long d : checkpointMillis) {
            cps.add(new FlinkRest.Checkpoint(id++, "COMPLETED", 1000 + id, d, 1, null));
        }
        long failed = restarts;
        LoadRun.Observed o =
                new LoadRun.Observed(
                        3,
                        1000,
                        true,
                        30_000,
                        10_000,
                        videos,
                        cps,
                        new FlinkRest.Counts(4, 0, 4, 0, 0),
                        List.of(),
                        new FlinkRest.Counts(
                                4 + checkpointMillis.size() + failed,
                                0,
                                4 + checkpointMillis.size(),
                                failed,
                                0),
                        Map.of("min", 40L),
                        restarts,
                        List.of(),
                        2L << 30,
                        500L << 20,
                        700L << 20,
                        300L << 20,
                        12,
                        400,
                        List.of(
                                new LoadRun.Sample(0, 100L << 20, 1L << 30, -1, 3, 4, 0, "RUNNING"),
                                new LoadRun.Sample(
                                        12_000, 500L << 20, 1L << 30, 3, 2, 6, 0, "RUNNING")),
                        List.of());
        return new Results.Load(
                "job-p2",
                "2026-12-01T00:00:00Z",
                "bench/run.sh --load-modes job-p2",
                3,
                1,
                6.0,
                30.0,
                6.0,
                10.0,
                20.0,
                100.0,
                90.0,
                peakRss,
                1L << 30,
                2,
                List.of(new TreeSampler.Point(5000, peakRss, 1L << 30, 1L << 29, 9, 2)),
                0.5,
                1.0,
                0,
                Map.of("checkpointInterval", "PT1S", "sampleMillis", "100"),
                o);
    }
}
