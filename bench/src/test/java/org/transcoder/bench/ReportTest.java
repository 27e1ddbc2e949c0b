package org.transcoder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The batch verdict reads repeated batch runs the way the long clip's verdicts read its runs. */
class ReportTest {

    @Test
    void repeatedBatchesAreJudgedOnTheirMediansAndReportPairedRatios() {
        Results r =
                results(
                        List.of(
                                batch("cli", 1, 24.0, 90.0),
                                batch("job-p2", 1, 25.0, 88.0),
                                batch("cli", 2, 20.0, 100.0),
                                batch("job-p2", 2, 19.5, 101.0)));

        String md = Report.markdown(r, null);
        String job = Report.label("job-p2");

        // medians 22.25 vs 22.0; paired 25/24 and 19.5/20 -> 1.008
        assertThat(md)
                .contains(
                        "| batch throughput ≥ CLI sequential | "
                                + job
                                + " | 22.3 vs 22.0 videos/min (median of 2); paired 1.008× | **met** |")
                .contains("| " + job + " | 2 | 19.5 / 22.3 / 25.0 | 1.011 | 1.008 | 94.5 | 0.994 |")
                .contains("| " + job + " | 2 | 20 | 94.0 | 61.5 | 19.5 |");
    }

    @Test
    void aBatchBelowTheCliIsMissed() {
        Results r = results(List.of(batch("cli", 1, 24.8, 90.0), batch("job-p2", 1, 24.2, 93.0)));

        assertThat(Report.markdown(r, null))
                .contains("24.2 vs 24.8 videos/min (median of 1); paired 0.976× | **missed** |")
                .doesNotContain("Medians over the repetitions");
    }

    private static Results.Batch batch(String mode, int rep, double videosPerMinute, double cpu) {
        return new Results.Batch(
                mode,
                rep,
                20,
                94.0,
                20 * 60 / videosPerMinute,
                videosPerMinute,
                2.0,
                9.0,
                1.5,
                cpu + 1,
                cpu,
                1L << 30,
                0.0,
                List.of(),
                Map.of());
    }

    private static Results results(List<Results.Batch> batches) {
        return new Results(
                "2026-11-26T00:00:00Z",
                "bench/run.sh",
                Map.of(),
                Map.of(),
                new Results.Input("clip.mp4", 120, 1920, 1080, 30, 1, List.of("1080p")),
                List.of(),
                List.of(),
                Map.of(),
                batches,
                List.of(),
                List.of());
    }
}
