package org.transcoder.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few calls of Flink's REST API the load run reads (the local cluster's dashboard port):
 * checkpoint statistics, the restart count and operator gauges. What Flink itself reports, so the
 * numbers are the ones an operator would see in the dashboard, not the harness's own estimate.
 * Parsing is static and separate from the HTTP calls so that it is tested on canned answers.
 */
final class FlinkRest {

    /** One checkpoint as the history lists it (durations in ms; -1 while unknown). */
    record Checkpoint(
            long id,
            String status,
            long triggerTimestamp,
            long durationMillis,
            long stateSizeBytes,
            String failureMessage) {}

    /** The checkpoint counters of the whole job since it started. */
    record Counts(long total, long inProgress, long completed, long failed, long restored) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    FlinkRest(int port) {
        this.base = "http://localhost:" + port;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return BenchChild.JSON.readTree(response.body());
    }

    /** {@code /jobs/:id/checkpoints} history entries, in the order listed (newest first). */
    static List<Checkpoint> history(JsonNode checkpoints) {
        List<Checkpoint> out = new ArrayList<>();
        for (JsonNode h : checkpoints.path("history")) {
            out.add(
                    new Checkpoint(
                            h.path("id").asLong(),
                            h.path("status").asText(),
                            h.path("trigger_timestamp").asLong(),
                            h.path("end_to_end_duration").asLong(-1),
                            h.path("state_size").asLong(h.path("checkpointed_size").asLong(0)),
                            h.hasNonNull("failure_message")
                                    ? h.path("failure_message").asText()
                                    : null));
        }
        return out;
    }

    static Counts counts(JsonNode checkpoints) {
        JsonNode c = checkpoints.path("counts");
        return new Counts(
                c.path("total").asLong(),
                c.path("in_progress").asLong(),
                c.path("completed").asLong(),
                c.path("failed").asLong(),
                c.path("restored").asLong());
    }

    /**
     * Flink's own end-to-end duration summary over every completed checkpoint of the job (min, avg,
     * max, p50, ...), as numbers in ms.
     */
    static Map<String, Long> durationSummary(JsonNode checkpoints) {
        Map<String, Long> out = new LinkedHashMap<>();
        checkpoints
                .path("summary")
                .path("end_to_end_duration")
                .fields()
                .forEachRemaining(e -> out.put(e.getKey(), Math.round(e.getValue().asDouble())));
        return out;
    }

    /** The answer of a {@code .../metrics?get=a,b} call: metric id to value. */
    static Map<String, String> metricValues(JsonNode answer) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode m : answer) {
            if (m.has("value")) {
                out.put(m.path("id").asText(), m.path("value").asText());
            }
        }
        return out;
    }

    /**
     * Metric ids of a {@code .../metrics} listing that end with {@code .name} (operator metrics are
     * listed as {@code <subtask>.<operator>.<name>}).
     */
    static List<String> idsEndingWith(JsonNode listing, String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : listing) {
            String id = m.path("id").asText();
            if (id.equals(name) || id.endsWith("." + name)) {
                out.add(id);
            }
        }
        return out;
    }

    /** Sum of the numeric values (a gauge over the subtasks of one vertex); empty if none. */
    static Optional<Long> sum(Map<String, String> values) {
        long sum = 0;
        boolean any = false;
        for (String v : values.values()) {
            try {
                sum += Math.round(Double.parseDouble(v));
                any = true;
            } catch (NumberFormatException e) {
                // a gauge not yet registered answers no number
            }
        }
        return any ? Optional.of(sum) : Optional.empty();
    }

    /** Vertex ids of {@code /jobs/:id}. */
    static List<String> vertexIds(JsonNode job) {
        List<String> out = new ArrayList<>();
        job.path("vertices").forEach(v -> out.add(v.path("id").asText()));
        return out;
    }
}
