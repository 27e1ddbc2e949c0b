package org.transcoder.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Mode 3, the full job in local mode (Kafka -> Flink -> storage -> metadata), from the upload event
 * to the completion record. Waits for org.transcoder.jobs.local.LocalPipeline.
 */
final class JobRunner {

    static final String LOCAL_PIPELINE = "org.transcoder.jobs.local.LocalPipeline";

    private JobRunner() {}

    static boolean available() {
        try {
            Class.forName(LOCAL_PIPELINE, false, JobRunner.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static ChildResult run(
            List<BenchChild.Task> tasks,
            long jvmStart,
            Map<String, String> info,
            Path work,
            int parallelism,
            Path warmup,
            boolean concurrent) {
        throw new UnsupportedOperationException(
                LOCAL_PIPELINE + " is not in the jobs module yet: mode 3 cannot run");
    }
}
