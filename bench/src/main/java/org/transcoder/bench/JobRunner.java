package org.transcoder.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.local.LocalPipeline;

/**
 * Mode 3: the full job in local mode (embedded Kafka, s3proxy, PostgreSQL, Redis, Flink local
 * cluster with RocksDB and checkpoints), measured from the upload event on Kafka to the completion
 * record read (read_committed) from the completions topic. Renditions go to a local file:// output
 * root so that the harness can weigh and score them.
 */
final class JobRunner {

    static final String LOCAL_PIPELINE = "org.transcoder.local.LocalPipeline";
    static final Duration TIMEOUT = Duration.ofMinutes(30);

    /** Set by {@code --until-first-play}. */
    static final String UNTIL_FIRST_PLAY_PROPERTY = "bench.untilFirstPlay";

    /**
     * {@code --until-first-play}: a video of the long-clip run ends when it is playable, not at
     * READY, so that a 10-minute upload's first play is measured in seconds. Its status then reads
     * PLAYABLE and its latency is its first play.
     */
    static final boolean UNTIL_FIRST_PLAY = Boolean.getBoolean(UNTIL_FIRST_PLAY_PROPERTY);

    private JobRunner() {}

    static boolean available() {
        try {
            Class.forName(LOCAL_PIPELINE, false, JobRunner.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * @param concurrent batch: after the warm-up, each short (&lt; 2.5 s) clip is sent alone to the
     *     idle pipeline (latency), then every task is submitted at once (throughput); otherwise the
     *     tasks go one after another
     */
    static ChildResult run(
            List<BenchChild.Task> tasks,
            long jvmStart,
            Map<String, String> info,
            Path work,
            int parallelism,
            int x264Threads,
            double chunkSeconds,
            int idleSeconds,
            long checkpointMillis,
            Path warmup,
            boolean concurrent)
            throws Exception {
        LocalPipeline.Settings settings =
                settings(
                        work,
                        parallelism,
                        x264Threads,
                        chunkSeconds,
                        checkpointMillis,
                        info,
                        sources(tasks, warmup));
        long t0 = System.nanoTime();
        try (LocalPipeline pipeline = LocalPipeline.start(settings);
                FirstPlay.Watcher firstPlay = FirstPlay.Watcher.start(FirstPlay.PERIOD_MILLIS)) {
            info.put("pipelineStartMillis", Long.toString(ms(t0)));
            List<ChildResult.Item> items = new ArrayList<>();
            // Time to first play of each measured video: from its upload event to the moment its
            // master and every media playlist it names list a segment that is on disk (whether
            // the job publishes them early or only with READY).
            List<String> watched = new ArrayList<>();
            if (warmup != null) {
                long w = System.nanoTime();
                VideoRecord r = submitAndAwait(pipeline, "warmup", warmup);
                info.put("warmupMillis", Long.toString(ms(w)));
                info.put("warmupStatus", String.valueOf(r.getStatus()));
            }
            if (concurrent) {
                int n = 0;
                for (BenchChild.Task t : tasks) {
                    if (t.seconds() < 2.5) {
                        long s = System.nanoTime();
                        String id = "lat" + (n++) + "-" + t.name();
                        firstPlay.add(id, videoDir(pipeline, id), s);
                        watched.add(id);
                        VideoRecord r = submitAndAwait(pipeline, id, Path.of(t.source()));
                        long latency = ms(s);
                        items.add(
                                item(
                                        "latency:" + t.name(),
                                        pipeline,
                                        id,
                                        0,
                                        latency,
                                        r,
                                        t,
                                        firstPlayMillis(firstPlay, id)));
                    }
                }
            }
            if (idleSeconds > 0) {
                // What the idle, warm pipeline costs: checkpoints, Kafka, metrics, polling.
                long ticks = ProcStat.self().treeTicks();
                Map<String, Long> idleBefore = ThreadCpu.byGroup();
                Thread.sleep(idleSeconds * 1000L);
                info.put("jvmThreadCpuIdle", ThreadCpu.top(ThreadCpu.since(idleBefore), 20));
                info.put(
                        "idleCpuSecondsPerSecond",
                        String.format(
                                java.util.Locale.ROOT,
                                "%.3f",
                                ProcStat.seconds(ProcStat.self().treeTicks() - ticks)
                                        / idleSeconds));
            }
            Map<String, Long> threadsBefore = ThreadCpu.byGroup();
            long jvmBefore = ProcStat.self().ownTicks();
            BenchChild.Clock clock = BenchChild.Clock.start(jvmStart);
            if (!concurrent) {
                for (BenchChild.Task t : tasks) {
                    long s = System.nanoTime();
                    firstPlay.add(t.name(), videoDir(pipeline, t.name()), s);
                    watched.add(t.name());
                    VideoRecord r =
                            UNTIL_FIRST_PLAY
                                    ? submitAndAwaitFirstPlay(
                                            pipeline, firstPlay, t.name(), Path.of(t.source()))
                                    : submitAndAwait(pipeline, t.name(), Path.of(t.source()));
                    long latency = ms(s);
                    items.add(
                            item(
                                    t.name(),
                                    pipeline,
                                    t.name(),
                                    clock.sinceStart(s),
                                    latency,
                                    r,
                                    t,
                                    firstPlayMillis(firstPlay, t.name())));
                }
            } else {
                Map<String, Long> submitted = new LinkedHashMap<>();
                Map<String, BenchChild.Task> byId = new HashMap<>();
                for (BenchChild.Task t : tasks) {
                    long s = System.nanoTime();
                    firstPlay.add(t.name(), videoDir(pipeline, t.name()), s);
                    watched.add(t.name());
                    submitted.put(t.name(), s);
                    byId.put(t.name(), t);
                    pipeline.submit(
                            UploadEvent.of(t.name(), Path.of(t.source()).toUri().toString()));
                }
                Map<String, Long> done = new HashMap<>();
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (done.size() < submitted.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Batch not complete within " + TIMEOUT + ": " + done.keySet());
                    }
                    for (VideoRecord r : pipeline.completionRecords()) {
                        if (isTerminal(r) && submitted.containsKey(r.getVideoId())) {
                            done.putIfAbsent(r.getVideoId(), System.nanoTime());
                        }
                    }
                }
                firstPlay.close(); // every video is terminal: one last look at those not seen
                Map<String, VideoRecord> last = new HashMap<>();
                for (VideoRecord r : pipeline.completionRecords()) {
                    if (isTerminal(r)) {
                        last.put(r.getVideoId(), r);
                    }
                }
                for (var e : submitted.entrySet()) {
                    String id = e.getKey();
                    long latency = (done.get(id) - e.getValue()) / 1_000_000;
                    items.add(
                            item(
                                    id,
                                    pipeline,
                                    id,
                                    clock.sinceStart(e.getValue()),
                                    latency,
                                    last.get(id),
                                    byId.get(id),
                                    firstPlayMillis(firstPlay, id)));
                }
            }
            firstPlay.close();
            for (String id : watched) {
                if (firstPlay.millis(id).orElse(-1L) < 0) {
                    info.put("firstPlayMissing:" + id, firstPlay.missing(id));
                }
            }
            info.put("jvmThreadCpuDuringOp", ThreadCpu.top(ThreadCpu.since(threadsBefore), 20));
            // The JVM alone (its own threads, no child process), ended threads included.
            info.put(
                    "jvmCpuSecondsDuringOp",
                    String.format(
                            java.util.Locale.ROOT,
                            "%.1f",
                            ProcStat.seconds(ProcStat.self().ownTicks() - jvmBefore)));
            ChildResult result = clock.finish("job", items, info);
            long failed = items.stream().filter(i -> !"READY".equals(i.status())).count();
            if (failed > 0) {
                info.put("failed", Long.toString(failed));
            }
            return result;
        }
    }

    /**
     * The pipeline every job run gets (renditions to a file:// root, no dashboard), the same for
     * the long clip, the batch and the load run, so that their numbers compare.
     */
    static LocalPipeline.Settings settings(
            Path work,
            int parallelism,
            int x264Threads,
            double chunkSeconds,
            long checkpointMillis,
            Map<String, String> info,
            List<Path> sources) {
        LocalPipeline.Settings defaults =
                LocalPipeline.Settings.defaults(work.resolve("pipeline").toAbsolutePath());
        if (checkpointMillis > 0) {
            defaults = defaults.withCheckpointInterval(Duration.ofMillis(checkpointMillis));
        }
        LocalPipeline.Settings settings =
                defaults.withEncodeParallelism(parallelism)
                        .withWebUiPort(-1)
                        .withFileOutput(true)
                        .withJobOptions(jobOptions(x264Threads, chunkSeconds, sources));
        info.put("encodeParallelism", Integer.toString(parallelism));
        info.put("x264Threads", Integer.toString(x264Threads));
        info.put("checkpointInterval", settings.checkpointInterval().toString());
        return settings;
    }

    /** The bench's inputs and warm-up clip: the job may read only their directories. */
    static List<Path> sources(List<BenchChild.Task> tasks, Path warmup) {
        List<Path> sources = new ArrayList<>();
        tasks.forEach(t -> sources.add(Path.of(t.source())));
        if (warmup != null) {
            sources.add(warmup);
        }
        return sources;
    }

    private static Map<String, String> jobOptions(
            int x264Threads, double chunkSeconds, List<Path> sources) {
        Map<String, String> o = new HashMap<>();
        o.put(
                "storage.source-roots",
                sources.stream()
                        .map(p -> p.toAbsolutePath().getParent().toUri().toString())
                        .distinct()
                        .collect(java.util.stream.Collectors.joining(",")));
        o.put("encode.x264-threads", Integer.toString(x264Threads));
        if (chunkSeconds > 0) {
            o.put("chunk.seconds", Double.toString(chunkSeconds));
        }
        return o;
    }

    /**
     * Sends the upload event and waits for the video's READY or FAILED record (records of any other
     * status on the completions topic, such as an early "playable" one, are passed over).
     */
    static VideoRecord submitAndAwait(LocalPipeline pipeline, String id, Path source) {
        pipeline.submit(UploadEvent.of(id, source.toAbsolutePath().toUri().toString()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        VideoRecord r = pipeline.awaitTerminal(id, TIMEOUT);
        while (!isTerminal(r)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "No READY or FAILED record for " + id + " within " + TIMEOUT);
            }
            for (VideoRecord c : pipeline.completionRecords()) {
                if (c.getVideoId().equals(id) && isTerminal(c)) {
                    r = c;
                }
            }
        }
        return r;
    }

    /** Sends the upload event and waits until the watcher sees the video playable. */
    private static VideoRecord submitAndAwaitFirstPlay(
            LocalPipeline pipeline, FirstPlay.Watcher firstPlay, String id, Path source)
            throws InterruptedException {
        pipeline.submit(UploadEvent.of(id, source.toAbsolutePath().toUri().toString()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (firstPlay.seconds(id).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(id + " not playable within " + TIMEOUT);
            }
            Thread.sleep(FirstPlay.PERIOD_MILLIS);
        }
        VideoRecord r = new VideoRecord();
        r.setVideoId(id);
        r.setStatus(VideoStatus.PLAYABLE);
        return r;
    }

    /** Where the job writes a video's renditions (the file:// output root). */
    static Path videoDir(LocalPipeline pipeline, String id) {
        return pipeline.outputRoot().resolve("videos").resolve(id);
    }

    /** The video is terminal: one last look, then its time to first play (-1: never). */
    private static Long firstPlayMillis(FirstPlay.Watcher watcher, String id) {
        return watcher.finish(id).orElse(null);
    }

    static boolean isTerminal(VideoRecord r) {
        return r.getStatus() == VideoStatus.READY || r.getStatus() == VideoStatus.FAILED;
    }

    private static ChildResult.Item item(
            String name,
            LocalPipeline pipeline,
            String id,
            long submitMillis,
            long latencyMillis,
            VideoRecord r,
            BenchChild.Task t,
            Long firstPlayMillis) {
        String status =
                r == null
                        ? "MISSING"
                        : r.getStatus() == VideoStatus.READY
                                ? "READY"
                                : r.getStatus() + " " + r.getReasonCode() + ": " + r.getMessage();
        return new ChildResult.Item(
                name,
                videoDir(pipeline, id).toString(),
                submitMillis,
                latencyMillis,
                status,
                0,
                t.seconds(),
                firstPlayMillis);
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
