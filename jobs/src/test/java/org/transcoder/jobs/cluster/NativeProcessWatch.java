package org.transcoder.jobs.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Watches the native descendants of every TaskManager of a {@link FlinkCluster} (polling the
 * process tree every {@code period}) and records each process whose command line matches, with when
 * it was first and last seen: a count of native steps that spans jobs, restarts and TaskManager
 * processes, without any help from the job. A process shorter than the period can be missed, so
 * watch steps that take seconds (chunk encodes of a long clip).
 */
final class NativeProcessWatch implements AutoCloseable {

    /** One process seen; {@code lastSeenNanos} stops moving when it is gone. */
    record Seen(
            long pid,
            String taskManager,
            String commandLine,
            long firstSeenNanos,
            long lastSeenNanos,
            boolean gone) {}

    private final FlinkCluster cluster;
    private final Predicate<String> matches;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    NativeProcessWatch(FlinkCluster cluster, Predicate<String> commandLine, Duration period) {
        this.cluster = cluster;
        this.matches = commandLine;
        this.thread =
                new Thread(
                        () -> {
                            while (running) {
                                poll();
                                try {
                                    Thread.sleep(period.toMillis());
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "native-process-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        long now = System.nanoTime();
        java.util.Set<String> live = new java.util.HashSet<>();
        for (FlinkCluster.Node tm : cluster.taskManagers()) {
            tm.process()
                    .descendants()
                    .forEach(
                            p -> {
                                String cmd = FlinkCluster.commandLine(p);
                                if (!p.isAlive() || !matches.test(cmd)) {
                                    return;
                                }
                                // One process is one key, though its command line changes: the
                                // setpriv/setsid wrappers exec the command in the same process.
                                String key =
                                        p.pid()
                                                + "@"
                                                + p.info()
                                                        .startInstant()
                                                        .map(i -> i.toEpochMilli())
                                                        .orElse(0L);
                                live.add(key);
                                seen.compute(
                                        key,
                                        (k, old) ->
                                                old == null
                                                        ? new Seen(
                                                                p.pid(), tm.name(), cmd, now, now,
                                                                false)
                                                        : new Seen(
                                                                old.pid(),
                                                                old.taskManager(),
                                                                cmd,
                                                                old.firstSeenNanos(),
                                                                now,
                                                                false));
                            });
        }
        seen.replaceAll(
                (k, s) ->
                        live.contains(k) || s.gone()
                                ? s
                                : new Seen(
                                        s.pid(),
                                        s.taskManager(),
                                        s.commandLine(),
                                        s.firstSeenNanos(),
                                        s.lastSeenNanos(),
                                        true));
    }

    /** Everything seen so far. */
    List<Seen> seen() {
        return new ArrayList<>(seen.values());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
