package org.transcoder.bench;

import java.util.List;
import java.util.Map;

/** Everything one invocation measured; written as bench/results.json and rendered to RESULTS.md. */
record Results(
        String date,
        String command,
        Map<String, String> machine,
        Map<String, Object> settings,
        Input clip,
        List<Run> runs,
        List<ModeSummary> summary,
        Map<String, Map<String, Quality.Score>> quality,
        List<Batch> batches,
        List<String> notes,
        List<Load> loads) {

    /** The load runs, none when an older results.json has no such field. */
    List<Load> loadsOrEmpty() {
        return loads == null ? List.of() : loads;
    }

    /** The same results with other load runs (a load-only invocation updates its report so). */
    Results withLoads(List<Load> newLoads) {
        return new Results(
                date, command, machine, settings, clip, runs, summary, quality, batches, notes,
                newLoads);
    }

    record Input(
            String file,
            double seconds,
            int width,
            int height,
            double fps,
            long bytes,
            List<String> rungs) {}

    /**
     * One measured run of the long clip.
     *
     * @param wallSeconds the operation: the ffmpeg process (cli), the transcode call (media), the
     *     upload event to the completion record (job)
     * @param processWallSeconds the whole process tree, JVM and service start-up included
     * @param cpuSeconds CPU of the whole process tree (utime+stime of the run and every
     *     descendant), start-up included
     * @param opCpuSeconds CPU of the tree during the operation only (as reported by the run's JVM)
     * @param foreignCpuSeconds CPU other processes of the machine took while the run ran (others
     *     working on the same machine): the interference to read the numbers with
     * @param firstPlaySeconds time to first play ({@link FirstPlay}): from the process start (cli)
     *     or the transcode call (media) or the upload event (job) until the master and every media
     *     playlist it names list a segment that is on disk; -1: never; null: not measured (results
     *     of before it was)
     */
    record Run(
            String mode,
            int rep,
            double wallSeconds,
            double processWallSeconds,
            double cpuSeconds,
            double opCpuSeconds,
            double detachedCpuSeconds,
            double startupSeconds,
            long peakRssBytes,
            int chunks,
            Map<String, Long> rungBytes,
            long audioBytes,
            Timeline timeline,
            double samplerMeanMillis,
            double foreignCpuSeconds,
            double quietWaitSeconds,
            double loadAverageAtStart,
            String outputDir,
            Map<String, String> info,
            Double firstPlaySeconds) {}

    /**
     * @param firstPlayMedian median time to first play over the repetitions that could play, -1
     *     when none could, null when not measured
     */
    record ModeSummary(
            String mode,
            int reps,
            double wallMin,
            double wallMedian,
            double wallRatio,
            double speedMedian,
            double cpuMin,
            double cpuMedian,
            double cpuRatio,
            double opCpuMedian,
            double opCpuRatio,
            double peakRssMedianMiB,
            Map<String, Long> rungBytes,
            Double firstPlayMedian) {}

    record Batch(
            String mode,
            int rep,
            int videos,
            double videoSeconds,
            double wallSeconds,
            double videosPerMinute,
            double latencyMedian,
            double latencyMax,
            double latency2sMedian,
            double cpuSeconds,
            double opCpuSeconds,
            long peakRssBytes,
            double foreignCpuSeconds,
            List<ChildResult.Item> items,
            Map<String, String> info) {}

    /**
     * One load run: many upload events at once into one warm pipeline (issue "never lose a video",
     * test 5). Its own date and command: a load-only invocation adds it to an earlier report.
     *
     * @param wallSeconds first event sent to the last video's first completion record
     * @param peakRssBytes the whole process tree (JVM, ffmpeg children, PostgreSQL, Redis)
     * @param rss the tree's memory over time, one point (the largest) per second
     * @param observed what the job's JVM saw: statuses, completion records, checkpoints, heap
     */
    record Load(
            String mode,
            String date,
            String command,
            int videos,
            int sources,
            double videoSeconds,
            double wallSeconds,
            double videosPerMinute,
            double latencyMedian,
            double latencyMax,
            double cpuSeconds,
            double opCpuSeconds,
            long peakRssBytes,
            long peakJvmRssBytes,
            int peakFfmpeg,
            List<TreeSampler.Point> rss,
            double foreignCpuSeconds,
            double loadAverageAtStart,
            double quietWaitSeconds,
            Map<String, String> info,
            LoadRun.Observed observed) {}
}
