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
        List<String> notes) {

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
            Map<String, String> info) {}

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
            Map<String, Long> rungBytes) {}

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
}
