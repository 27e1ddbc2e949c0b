package org.transcoder.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How RESULTS.md shows time to first play: the long clip, the batch, the target. */
class FirstPlayReportTest {

    @Test
    void theModeNamesOfTheEventCli() {
        assertTrue(BenchMain.MODE.matcher("cli-event").matches());
        assertTrue(BenchMain.MODE.matcher("cli-event@c1").matches());
        assertEquals(1, BenchMain.cpusOf("cli-event@c1"));
        assertEquals(CliBaseline.PlaylistType.EVENT, CliBaseline.PlaylistType.ofMode("cli-event"));
        assertEquals(CliBaseline.PlaylistType.VOD, CliBaseline.PlaylistType.ofMode("cli"));
        assertEquals("ffmpeg CLI, EVENT playlists", Report.label("cli-event"));
    }

    @Test
    void theMedianSkipsRunsThatNeverPlayedAndKeepsNotMeasuredApart() {
        assertEquals(
                2.0,
                BenchMain.firstPlayMedian(
                        List.of(run("x", 1, 9, 1.0), run("x", 2, 9, 3.0), run("x", 3, 9, -1.0))));
        assertEquals(-1.0, BenchMain.firstPlayMedian(List.of(run("x", 1, 9, -1.0))));
        assertEquals(null, BenchMain.firstPlayMedian(List.of(run("x", 1, 9, null))));
        assertEquals(1.5, BenchMain.seconds(1500L));
        assertEquals(-1.0, BenchMain.seconds(-1L));
        assertEquals(null, BenchMain.seconds(null));
    }

    @Test
    void theLongClipTheBatchAndTheTargetOnA60SecondClip() {
        String md = Report.markdown(results(60, 4.2), null);
        String job = Report.label("job-p2");

        assertTrue(md.contains("## Time to first play"), md);
        assertTrue(
                md.contains("| " + job + " | 2 | 4.00 / 4.20 | 30.00 | 0.14 | 4.00, 4.40 |"), md);
        assertTrue(
                md.contains("| ffmpeg CLI, EVENT playlists | 2 | 6.00 / 6.00 | 40.00 | 0.15 |"),
                md);
        assertTrue(
                md.contains(
                        "| time to first play ≤ 5 s (60 s 1080p, p2) | "
                                + job
                                + " | median 4.20 s over 2 rep(s) (READY median 30.00 s);"
                                + " ffmpeg CLI, EVENT playlists: 6.00 s; ffmpeg CLI (baseline):"
                                + " 40.00 s | **met** |"),
                md);
        // the batch: one column per run, one row per video, the median over the batch's videos
        assertTrue(md.contains("| video | s | " + job + " |"), md);
        assertTrue(md.contains("| b01 | 2.0 | 1.50 / 2.50 |"), md);
        assertTrue(md.contains("| b02 | 4.0 | never / FAILED |"), md);
        assertTrue(md.contains("| latency:b01 | 2.0 | 1.20 / 1.80 |"), md);
        assertTrue(md.contains("| median | | 1.50 / 2.50 |"), md);
    }

    @Test
    void anotherClipLengthIsNotJudged() {
        String md = Report.markdown(results(120, 4.2), null);
        assertTrue(md.contains("not judged: the clip is 120 s 1080p (`--clip-seconds 60`)"), md);
        assertFalse(
                md.contains(
                        "(60 s 1080p, p2) | "
                                + Report.label("job-p2")
                                + " | median 4.20 s over 2 rep(s) (READY median 30.00 s); ffmpeg CLI, EVENT playlists: 6.00 s; ffmpeg CLI (baseline): 40.00 s | **"),
                md);
    }

    @Test
    void aSlowFirstPlayIsMissed() {
        assertTrue(Report.markdown(results(60, 7.0), null).contains("| **missed** |"));
    }

    private static Results results(int clipSeconds, double jobFirstPlay) {
        List<Results.Run> runs = new ArrayList<>();
        runs.add(run("cli", 1, 40, 40.0));
        runs.add(run("cli-event", 1, 40, 6.0));
        runs.add(run("job-p2", 1, 30, jobFirstPlay - 0.2));
        runs.add(run("cli", 2, 40, 40.0));
        runs.add(run("cli-event", 2, 40, 6.0));
        runs.add(run("job-p2", 2, 30, jobFirstPlay + 0.2));
        List<Results.ModeSummary> summary = new ArrayList<>();
        for (String mode : List.of("cli", "cli-event", "job-p2")) {
            List<Results.Run> rs = runs.stream().filter(x -> x.mode().equals(mode)).toList();
            double wall = rs.get(0).wallSeconds();
            summary.add(
                    new Results.ModeSummary(
                            mode,
                            2,
                            wall,
                            wall,
                            1,
                            clipSeconds / wall,
                            1,
                            1,
                            1,
                            1,
                            1,
                            100,
                            Map.of(),
                            BenchMain.firstPlayMedian(rs)));
        }
        List<ChildResult.Item> items =
                List.of(
                        new ChildResult.Item("latency:b01", "d", 0, 1800, "READY", 0, 2, 1200L),
                        new ChildResult.Item("b01", "d", 0, 2500, "READY", 0, 2, 1500L),
                        new ChildResult.Item(
                                "b02", "d", 0, 3000, "FAILED CORRUPT_INPUT: x", 0, 4, -1L));
        Results.Batch batch =
                new Results.Batch(
                        "job-p2", 1, 2, 6, 10, 12, 2.5, 3, 1.8, 10, 9, 1L << 30, 0, items,
                        Map.of());
        return new Results(
                "2026-12-02",
                "bench/run.sh",
                Map.of(),
                Map.of("sampleMillis", 100),
                new Results.Input(
                        "bbb.mp4", clipSeconds, 1920, 1080, 30, 1000, List.of("1080p", "360p")),
                runs,
                summary,
                Map.of(),
                List.of(batch),
                List.of(),
                List.of());
    }

    private static Results.Run run(String mode, int rep, double wall, Double firstPlay) {
        return new Results.Run(
                mode, rep, wall, wall + 1, 10, 9, 0, 0, 1L << 30, 0, Map.of(), 0, null, 1, 0, 0, 0,
                "out", Map.of(), firstPlay);
    }
}
