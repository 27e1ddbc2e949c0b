package org.transcoder.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** Reads a job's metrics from Flink's in-memory reporter, as the dashboard would show them. */
final class JobMetrics {

    private JobMetrics() {}

    /** Sum of a counter over every subtask (by group: Flink's sinks register some names twice). */
    static long counterSum(InMemoryReporter metrics, String name) {
        return metrics.getMetricsByGroup().values().stream()
                .flatMap(byName -> byName.entrySet().stream())
                .filter(e -> e.getKey().equals(name) || e.getKey().endsWith("." + name))
                .filter(e -> e.getValue() instanceof Counter)
                .mapToLong(e -> ((Counter) e.getValue()).getCount())
                .sum();
    }

    /** A gauge of the job itself (numRestarts, numberOfCompletedCheckpoints, ...). */
    static long jobGauge(InMemoryReporter metrics, JobID job, String name) {
        List<Long> values =
                metrics.findJobMetricGroups(job, name).stream()
                        .filter(t -> t.f1.equals(name) && t.f2 instanceof Gauge<?>)
                        .map(t -> ((Number) ((Gauge<?>) t.f2).getValue()).longValue())
                        .toList();
        assertThat(values).as("job gauge %s", name).hasSize(1);
        return values.get(0);
    }
}
