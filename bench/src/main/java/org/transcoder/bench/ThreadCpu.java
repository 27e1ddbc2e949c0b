package org.transcoder.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU of this JVM's live threads, grouped by thread name with numbers taken out (the kernel keeps
 * the first 15 characters): which of Flink's, Kafka's, RocksDB's or our own threads the CPU went
 * to. Threads that have ended are not in it.
 */
final class ThreadCpu {

    private ThreadCpu() {}

    static Map<String, Long> byGroup() {
        Map<String, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    ProcStat s = ProcStat.parse(Files.readString(t.resolve("stat")));
                    ticks.merge(group(s.comm()), s.ownTicks(), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        ticks.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** CPU per group since an earlier {@link #byGroup()}, largest first. */
    static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> diff = new HashMap<>();
        byGroup().forEach((k, v) -> diff.put(k, v - before.getOrDefault(k, 0L)));
        Map<String, Long> sorted = new LinkedHashMap<>();
        diff.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    static String group(String threadName) {
        return threadName.replaceAll("[0-9]+", "#").replaceAll("#(-#)+", "#");
    }

    /** The top groups as "name=seconds" for a result's info map. */
    static String top(Map<String, Long> groups, int n) {
        StringBuilder b = new StringBuilder();
        groups.entrySet().stream()
                .limit(n)
                .forEach(
                        e ->
                                b.append(b.length() == 0 ? "" : ", ")
                                        .append(e.getKey())
                                        .append('=')
                                        .append(
                                                String.format(
                                                        java.util.Locale.ROOT,
                                                        "%.2f",
                                                        ProcStat.seconds(e.getValue()))));
        return b.toString();
    }
}
