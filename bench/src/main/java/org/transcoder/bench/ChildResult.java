package org.transcoder.bench;

import java.util.List;
import java.util.Map;

/**
 * What a run's child JVM reports about itself (written as JSON before it exits).
 *
 * @param startupMillis JVM start to the start of the measured operation (services included)
 * @param opStartMillis start of the measured operation, ms after JVM start
 * @param opWallMillis the measured operation: transcode call, or event to completion record
 * @param opCpuTicks utime+stime+cutime+cstime of the JVM over the operation (reaped children in)
 * @param items per video of a batch (or the one video)
 * @param load what a load run observed inside the job's JVM (null for other runs)
 */
record ChildResult(
        String mode,
        long startupMillis,
        long opStartMillis,
        long opWallMillis,
        long opCpuTicks,
        List<Item> items,
        Map<String, String> info,
        LoadRun.Observed load) {

    ChildResult(
            String mode,
            long startupMillis,
            long opStartMillis,
            long opWallMillis,
            long opCpuTicks,
            List<Item> items,
            Map<String, String> info) {
        this(mode, startupMillis, opStartMillis, opWallMillis, opCpuTicks, items, info, null);
    }

    /**
     * @param submitMillis ms after the operation start when the video was handed in
     * @param latencyMillis handed in to completion (the job: to its READY or FAILED record)
     * @param firstPlayMillis handed in to first play ({@link FirstPlay}): -1 if it never could
     *     play, null where not measured (the load run, results of before it was measured)
     */
    record Item(
            String name,
            String outputDir,
            long submitMillis,
            long latencyMillis,
            String status,
            int chunks,
            double seconds,
            Long firstPlayMillis) {

        Item(
                String name,
                String outputDir,
                long submitMillis,
                long latencyMillis,
                String status,
                int chunks,
                double seconds) {
            this(name, outputDir, submitMillis, latencyMillis, status, chunks, seconds, null);
        }
    }
}
