package org.transcoder.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.local.LocalPipeline;

/**
 * The load run ("never lose a video", test 5): many upload events at once into one warm local
 * pipeline, watched from inside the job's JVM while it works them off. What it records is what the
 * promise needs under load: every video terminal and READY, exactly one completion record per video
 * on the completions topic (read_committed), checkpoints that keep completing (Flink's own
 * statistics over REST, so the numbers are the dashboard's), no restart, and where heap and
 * in-flight videos go over time. A measurement, not a test: nothing here asserts; the report says
 * which aims were met.
 */
final class LoadRun {

    /** Sampling period inside the job's JVM (REST, heap, in-flight gauge). */
    static final long SAMPLE_MILLIS = 1000;

    /**
     * One sample, ms after the first upload event was sent.
     *
     * @param videosInFlight the assemble operator's {@code videosInFlight} gauge over REST (-1: not
     *     yet reported)
     * @param notTerminal videos sent without a completion record yet (the harness's view)
     */
    record Sample(
            long ms,
            long heapUsedBytes,
            long heapCommittedBytes,
            long videosInFlight,
            int notTerminal,
            long checkpointsCompleted,
            long checkpointsFailed,
            String jobStatus) {}

    /**
     * @param completionRecords records for this id on the completions topic, read_committed, from
     *     before the events were sent until the settle period ended
     * @param recordStatus status of its last completion record (MISSING if none)
     * @param storeStatus status in the metadata store (PostgreSQL) at the end
     */
    record Video(
            String id,
            String source,
            int completionRecords,
            String recordStatus,
            String storeStatus,
            long latencyMillis) {}

    /**
     * @param allTerminalMillis first event sent to the last video's first completion record
     * @param checkpoints every checkpoint triggered from the first event to the end of the settle
     *     period, as Flink's history listed it last
     * @param countsAtStart Flink's checkpoint counters when the events were sent (warm-up behind)
     * @param failedBeforeLoad failed checkpoints still in Flink's history when the events were sent
     *     (start-up and warm-up), with Flink's reason
     * @param flinkDurationSummary Flink's own end-to-end duration summary over the whole job
     * @param peakHeapBeforeGcBytes the largest heap occupancy any collection started from (the true
     *     peak of the sawtooth; the 1 s samples can miss it)
     * @param maxHeapAfterGcBytes the largest heap left after a collection (an upper bound of the
     *     live set: a young collection leaves the old generation's garbage in)
     */
    record Observed(
            int videos,
            long opStartEpochMillis,
            boolean allTerminal,
            long allTerminalMillis,
            long settleMillis,
            List<Video> perVideo,
            List<FlinkRest.Checkpoint> checkpoints,
            FlinkRest.Counts countsAtStart,
            List<FlinkRest.Checkpoint> failedBeforeLoad,
            FlinkRest.Counts countsAtEnd,
            Map<String, Long> flinkDurationSummary,
            long restarts,
            List<String> exceptions,
            long heapMaxBytes,
            long peakHeapUsedSampledBytes,
            long peakHeapBeforeGcBytes,
            long maxHeapAfterGcBytes,
            long gcCount,
            long gcMillis,
            List<Sample> samples,
            List<String> problems) {}

    private LoadRun() {}

    static ChildResult run(
            List<BenchChild.Task> tasks,
            long jvmStart,
            Map<String, String> info,
            Path work,
            int parallelism,
            int x264Threads,
            double chunkSeconds,
            long checkpointMillis,
            Path warmup,
            int settleSeconds)
            throws Exception {
        int port = freePort();
        LocalPipeline.Settings settings =
                JobRunner.settings(
                                work,
                                parallelism,
                                x264Threads,
                                chunkSeconds,
                                checkpointMillis,
                                info,
                                JobRunner.sources(tasks, warmup))
                        .withWebUiPort(port);
        info.put("restPort", Integer.toString(port));
        long t0 = System.nanoTime();
        // The REST API caches metrics for 10 s by default: the in-flight gauge would move in
        // steps of 10 s.
        try (LocalPipeline pipeline =
                LocalPipeline.start(
                        settings,
                        conf -> conf.setString("metrics.fetcher.update-interval", "1000"))) {
            info.put("pipelineStartMillis", Long.toString((System.nanoTime() - t0) / 1_000_000));
            if (warmup != null) {
                long w = System.nanoTime();
                VideoRecord r = JobRunner.submitAndAwait(pipeline, "warmup", warmup);
                info.put("warmupMillis", Long.toString((System.nanoTime() - w) / 1_000_000));
                info.put("warmupStatus", String.valueOf(r.getStatus()));
            }
            return measure(pipeline, tasks, jvmStart, info, new FlinkRest(port), settleSeconds);
        }
    }

    private static ChildResult measure(
            LocalPipeline pipeline,
            List<BenchChild.Task> tasks,
            long jvmStart,
            Map<String, String> info,
            FlinkRest rest,
            int settleSeconds)
            throws Exception {
        String jobId = pipeline.job().getJobID().toHexString();
        List<String> problems = new CopyOnWriteArrayList<>();
        GcWatch gc = GcWatch.install();
        JsonNode startCheckpoints = rest.get("/jobs/" + jobId + "/checkpoints");
        FlinkRest.Counts atStart = FlinkRest.counts(startCheckpoints);
        List<FlinkRest.Checkpoint> failedBefore =
                FlinkRest.history(startCheckpoints).stream()
                        .filter(c -> "FAILED".equals(c.status()))
                        .toList();
        Map<String, Long> threadsBefore = ThreadCpu.byGroup();
        AtomicInteger notTerminal = new AtomicInteger(tasks.size());
        Watch watch = new Watch(rest, jobId, notTerminal, problems);

        BenchChild.Clock clock = BenchChild.Clock.start(jvmStart);
        watch.start(clock.startNanos());
        Map<String, Long> sent = new LinkedHashMap<>();
        Map<String, BenchChild.Task> byId = new HashMap<>();
        for (BenchChild.Task t : tasks) {
            sent.put(t.name(), System.nanoTime());
            byId.put(t.name(), t);
            pipeline.submit(UploadEvent.of(t.name(), Path.of(t.source()).toUri().toString()));
        }
        Map<String, Long> done = new HashMap<>();
        long deadline = System.nanoTime() + JobRunner.TIMEOUT.toNanos();
        while (done.size() < sent.size() && System.nanoTime() < deadline) {
            for (VideoRecord r : pipeline.completionRecords()) {
                if (JobRunner.isTerminal(r) && sent.containsKey(r.getVideoId())) {
                    done.putIfAbsent(r.getVideoId(), System.nanoTime());
                }
            }
            notTerminal.set(sent.size() - done.size());
        }
        boolean allTerminal = done.size() == sent.size();
        if (!allTerminal) {
            problems.add(
                    "Not terminal within "
                            + JobRunner.TIMEOUT
                            + ": "
                            + (sent.size() - done.size()));
        }
        long allTerminalNanos = System.nanoTime();
        long opTicks = ProcStat.self().treeTicks() - clock.startTicks();
        info.put("jvmThreadCpuDuringOp", ThreadCpu.top(ThreadCpu.since(threadsBefore), 12));

        // A duplicate would come later (a replay after a restart commits again): keep reading
        // the topic, and keep sampling the checkpoints, for a while after the last video.
        long settleEnd = System.nanoTime() + settleSeconds * 1_000_000_000L;
        while (System.nanoTime() < settleEnd) {
            pipeline.completionRecords();
        }
        long settleMillis = (System.nanoTime() - allTerminalNanos) / 1_000_000;
        watch.stop();

        Map<String, Integer> records = new HashMap<>();
        Map<String, VideoRecord> last = new HashMap<>();
        for (VideoRecord r : pipeline.completionRecords()) {
            records.merge(r.getVideoId(), 1, Integer::sum);
            last.put(r.getVideoId(), r);
        }
        List<Video> perVideo = new ArrayList<>();
        List<ChildResult.Item> items = new ArrayList<>();
        for (var e : sent.entrySet()) {
            String id = e.getKey();
            BenchChild.Task t = byId.get(id);
            VideoRecord r = last.get(id);
            String status =
                    r == null
                            ? "MISSING"
                            : r.getStatus()
                                    + (r.getReasonCode() == null ? "" : " " + r.getReasonCode());
            String stored;
            try {
                stored =
                        pipeline.metadata(id)
                                .map(v -> String.valueOf(v.getStatus()))
                                .orElse("ABSENT");
            } catch (Exception ex) {
                stored = "ERROR " + ex.getMessage();
            }
            long latency = done.containsKey(id) ? (done.get(id) - e.getValue()) / 1_000_000 : -1;
            perVideo.add(
                    new Video(
                            id,
                            Path.of(t.source()).getFileName().toString(),
                            records.getOrDefault(id, 0),
                            status,
                            stored,
                            latency));
            items.add(
                    new ChildResult.Item(
                            id,
                            pipeline.outputRoot().resolve("videos").resolve(id).toString(),
                            clock.sinceStart(e.getValue()),
                            latency,
                            status,
                            0,
                            t.seconds()));
        }

        JsonNode end = rest.get("/jobs/" + jobId + "/checkpoints");
        long restarts = -1;
        try {
            restarts =
                    FlinkRest.sum(
                                    FlinkRest.metricValues(
                                            rest.get(
                                                    "/jobs/" + jobId + "/metrics?get=numRestarts")))
                            .orElse(-1L);
        } catch (Exception ex) {
            problems.add("numRestarts: " + ex);
        }
        List<String> exceptions = new ArrayList<>();
        try {
            for (JsonNode x :
                    rest.get("/jobs/" + jobId + "/exceptions")
                            .path("exceptionHistory")
                            .path("entries")) {
                String trace = x.path("stacktrace").asText("");
                exceptions.add(trace.lines().findFirst().orElse(x.path("exceptionName").asText()));
            }
        } catch (Exception ex) {
            problems.add("exceptions: " + ex);
        }
        List<FlinkRest.Checkpoint> during =
                watch.checkpoints().values().stream()
                        .filter(c -> c.triggerTimestamp() >= clock.startEpoch())
                        .toList();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Observed observed =
                new Observed(
                        tasks.size(),
                        clock.startEpoch(),
                        allTerminal,
                        (allTerminalNanos - clock.startNanos()) / 1_000_000,
                        settleMillis,
                        perVideo,
                        during,
                        atStart,
                        failedBefore,
                        FlinkRest.counts(end),
                        FlinkRest.durationSummary(end),
                        restarts,
                        exceptions,
                        heap.getMax(),
                        watch.peakHeapUsed(),
                        Math.max(gc.peakBeforeGc(), watch.peakHeapUsed()),
                        gc.maxAfterGc(),
                        gc.count(),
                        gc.millis(),
                        watch.samples(),
                        problems);
        return new ChildResult(
                "load",
                clock.startEpoch() - jvmStart,
                clock.startEpoch() - jvmStart,
                (allTerminalNanos - clock.startNanos()) / 1_000_000,
                opTicks,
                items,
                info,
                observed);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Samples heap, Flink's checkpoint history, the in-flight gauge, the restart count and the job
     * status every second on a thread of its own.
     */
    private static final class Watch {
        private final FlinkRest rest;
        private final String jobId;
        private final AtomicInteger notTerminal;
        private final List<String> problems;
        private final ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "load-watch");
                            t.setDaemon(true);
                            return t;
                        });
        private final List<Sample> samples = new CopyOnWriteArrayList<>();
        private final Map<Long, FlinkRest.Checkpoint> checkpoints = new ConcurrentHashMap<>();
        private final AtomicLong peakHeap = new AtomicLong();
        private volatile Map<String, List<String>> inFlightIds = Map.of();
        private long startNanos;

        Watch(FlinkRest rest, String jobId, AtomicInteger notTerminal, List<String> problems) {
            this.rest = rest;
            this.jobId = jobId;
            this.notTerminal = notTerminal;
            this.problems = problems;
        }

        void start(long startNanos) {
            this.startNanos = startNanos;
            timer.scheduleAtFixedRate(this::sampleSafely, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        }

        void stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(30, TimeUnit.SECONDS);
            sampleSafely();
        }

        private void sampleSafely() {
            try {
                sample();
            } catch (Exception e) {
                if (problems.size() < 20) {
                    problems.add((System.nanoTime() - startNanos) / 1_000_000 + " ms: " + e);
                }
            }
        }

        private synchronized void sample() throws Exception {
            long ms = (System.nanoTime() - startNanos) / 1_000_000;
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            peakHeap.accumulateAndGet(heap.getUsed(), Math::max);
            JsonNode cps = rest.get("/jobs/" + jobId + "/checkpoints");
            for (FlinkRest.Checkpoint c : FlinkRest.history(cps)) {
                // A finished checkpoint never goes back to IN_PROGRESS; the newest look wins.
                checkpoints.merge(c.id(), c, (a, b) -> "IN_PROGRESS".equals(b.status()) ? a : b);
            }
            FlinkRest.Counts counts = FlinkRest.counts(cps);
            JsonNode job = rest.get("/jobs/" + jobId);
            if (inFlightIds.isEmpty()) {
                Map<String, List<String>> found = new LinkedHashMap<>();
                for (String vertex : FlinkRest.vertexIds(job)) {
                    List<String> ids =
                            FlinkRest.idsEndingWith(
                                    rest.get("/jobs/" + jobId + "/vertices/" + vertex + "/metrics"),
                                    "videosInFlight");
                    if (!ids.isEmpty()) {
                        found.put(vertex, ids);
                    }
                }
                inFlightIds = found;
            }
            long inFlight = -1;
            for (var e : inFlightIds.entrySet()) {
                long v =
                        FlinkRest.sum(
                                        FlinkRest.metricValues(
                                                rest.get(
                                                        "/jobs/"
                                                                + jobId
                                                                + "/vertices/"
                                                                + e.getKey()
                                                                + "/metrics?get="
                                                                + String.join(",", e.getValue()))))
                                .orElse(-1L);
                inFlight = v < 0 ? inFlight : Math.max(inFlight, 0) + v;
            }
            samples.add(
                    new Sample(
                            ms,
                            heap.getUsed(),
                            heap.getCommitted(),
                            inFlight,
                            notTerminal.get(),
                            counts.completed(),
                            counts.failed(),
                            job.path("state").asText()));
        }

        long peakHeapUsed() {
            return peakHeap.get();
        }

        List<Sample> samples() {
            return List.copyOf(samples);
        }

        Map<Long, FlinkRest.Checkpoint> checkpoints() {
            return new TreeMap<>(checkpoints);
        }
    }

    /**
     * Heap occupancy before and after every collection, from the JVM's GC notifications: the peak
     * of the heap's sawtooth, which sampling can miss by up to a young generation.
     */
    private static final class GcWatch {
        private final Set<String> heapPools =
                ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP)
                        .map(MemoryPoolMXBean::getName)
                        .collect(Collectors.toSet());
        private final AtomicLong peakBefore = new AtomicLong();
        private final AtomicLong maxAfter = new AtomicLong();
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong millis = new AtomicLong();

        static GcWatch install() {
            GcWatch w = new GcWatch();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(
                            (n, handback) -> {
                                if (GarbageCollectionNotificationInfo
                                        .GARBAGE_COLLECTION_NOTIFICATION
                                        .equals(n.getType())) {
                                    w.record(
                                            GarbageCollectionNotificationInfo.from(
                                                    (CompositeData) n.getUserData()));
                                }
                            },
                            null,
                            null);
                }
            }
            return w;
        }

        private void record(GarbageCollectionNotificationInfo info) {
            long before = heapSum(info.getGcInfo().getMemoryUsageBeforeGc());
            long after = heapSum(info.getGcInfo().getMemoryUsageAfterGc());
            peakBefore.accumulateAndGet(before, Math::max);
            maxAfter.accumulateAndGet(after, Math::max);
            count.incrementAndGet();
            millis.addAndGet(info.getGcInfo().getDuration());
        }

        private long heapSum(Map<String, MemoryUsage> pools) {
            long sum = 0;
            for (var e : pools.entrySet()) {
                if (heapPools.contains(e.getKey())) {
                    sum += e.getValue().getUsed();
                }
            }
            return sum;
        }

        long peakBeforeGc() {
            return peakBefore.get();
        }

        long maxAfterGc() {
            return maxAfter.get();
        }

        long count() {
            return count.get();
        }

        long millis() {
            return millis.get();
        }
    }
}
