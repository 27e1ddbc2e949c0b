package org.transcoder.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.TranscodeResult;
import org.transcoder.media.Transcoder;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main of one measured run, started by {@link BenchMain} in a JVM of its own so that the CPU
 * and memory of the run's process tree are the run's alone. It does the work, then writes a {@link
 * ChildResult} with its own timing and CPU over the measured operation.
 */
@Command(name = "bench-child", mixinStandardHelpOptions = true)
public final class BenchChild implements Callable<Integer> {

    static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules();

    /** One video of a run: the source, where its renditions go, a ready command for the CLI. */
    record Task(String name, String source, String outDir, double seconds, List<String> command) {}

    @Option(names = "--mode", required = true, description = "cli-batch, media, job, load")
    String mode;

    @Option(names = "--tasks", required = true, description = "JSON list of tasks")
    Path tasksFile;

    @Option(names = "--result", required = true)
    Path resultFile;

    @Option(names = "--threads", defaultValue = "2", description = "media: chunk encodes at once")
    int threads;

    @Option(
            names = "--x264-threads",
            defaultValue = "0",
            description = "x264 threads per rendition encode (0: FFmpeg decides)")
    int x264Threads;

    @Option(
            names = "--chunk-seconds",
            defaultValue = "0",
            description = "target chunk length (0: the default of the media module / job)")
    double chunkSeconds;

    @Option(
            names = "--idle-seconds",
            defaultValue = "0",
            description = "job: measure the warm, idle pipeline's CPU for this long first")
    int idleSeconds;

    @Option(
            names = "--checkpoint-ms",
            defaultValue = "0",
            description = "job: checkpoint interval (0: local mode's)")
    long checkpointMillis;

    @Option(names = "--work", description = "scratch dir")
    Path work;

    @Option(
            names = "--warmup",
            description = "job: a video to push through before the measured ones")
    Path warmup;

    @Option(
            names = "--concurrent",
            description = "job: submit every task at once (default: one after another)")
    boolean concurrent;

    @Option(
            names = "--settle-seconds",
            defaultValue = "10",
            description = "load: keep reading completions and checkpoints this long after the last")
    int settleSeconds;

    public static void main(String[] args) {
        int rc = new CommandLine(new BenchChild()).execute(args);
        System.exit(rc);
    }

    @Override
    public Integer call() throws Exception {
        List<Task> tasks = JSON.readValue(tasksFile.toFile(), new TypeReference<List<Task>>() {});
        FfmpegBinaries.get(); // unpack + encoder check before the clock starts, as a service would
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        Map<String, String> info = new LinkedHashMap<>();
        ChildResult result =
                switch (mode) {
                    case "cli-batch" -> runCli(tasks, jvmStart, info);
                    case "media" -> runMedia(tasks, jvmStart, info);
                    case "job" ->
                            JobRunner.run(
                                    tasks,
                                    jvmStart,
                                    info,
                                    work,
                                    threads,
                                    x264Threads,
                                    chunkSeconds,
                                    idleSeconds,
                                    checkpointMillis,
                                    warmup,
                                    concurrent);
                    case "load" ->
                            LoadRun.run(
                                    tasks,
                                    jvmStart,
                                    info,
                                    work,
                                    threads,
                                    x264Threads,
                                    chunkSeconds,
                                    checkpointMillis,
                                    warmup,
                                    settleSeconds);
                    default -> throw new IllegalArgumentException("Unknown mode " + mode);
                };
        Files.createDirectories(resultFile.toAbsolutePath().getParent());
        JSON.writeValue(resultFile.toFile(), result);
        return 0;
    }

    private ChildResult runCli(List<Task> tasks, long jvmStart, Map<String, String> info)
            throws Exception {
        FfmpegBinaries ff = FfmpegBinaries.get();
        Clock clock = Clock.start(jvmStart);
        List<ChildResult.Item> items = new ArrayList<>();
        for (Task t : tasks) {
            long t0 = System.nanoTime();
            Files.createDirectories(Path.of(t.outDir()));
            ProcessResult r;
            long ms;
            Optional<Long> firstPlay;
            // Time to first play: process start to playlists and segments on disk.
            try (FirstPlay.Watcher w = FirstPlay.Watcher.start(FirstPlay.PERIOD_MILLIS)) {
                w.add(t.name(), Path.of(t.outDir()), t0);
                r = NativeProcess.run(t.command(), ff.environment(), Duration.ofHours(2));
                ms = (System.nanoTime() - t0) / 1_000_000;
                w.close();
                firstPlay = w.millis(t.name());
            }
            if (r.exitCode() != 0) {
                throw new IllegalStateException(
                        "ffmpeg failed on " + t.name() + ": " + r.stderrTail());
            }
            items.add(
                    new ChildResult.Item(
                            t.name(),
                            t.outDir(),
                            clock.sinceStart(t0),
                            ms,
                            "READY",
                            0,
                            t.seconds(),
                            firstPlay.orElse(null)));
        }
        return clock.finish("cli-batch", items, info);
    }

    private ChildResult runMedia(List<Task> tasks, long jvmStart, Map<String, String> info)
            throws Exception {
        TranscodeOptions options =
                TranscodeOptions.defaults()
                        .withThreads(threads)
                        .withThreadsPerEncode(x264Threads)
                        .withWorkDir(
                                work != null
                                        ? work
                                        : Path.of(tasks.get(0).outDir()).resolveSibling("work"));
        info.put("threads", Integer.toString(threads));
        info.put("x264Threads", Integer.toString(x264Threads));
        if (chunkSeconds > 0) {
            options = options.withChunkSeconds(chunkSeconds);
            info.put("chunkSeconds", Double.toString(chunkSeconds));
        }
        Transcoder transcoder = new Transcoder(options);
        Clock clock = Clock.start(jvmStart);
        List<ChildResult.Item> items = new ArrayList<>();
        for (Task t : tasks) {
            long t0 = System.nanoTime();
            TranscodeResult r;
            long ms;
            Optional<Long> firstPlay;
            try (FirstPlay.Watcher w = FirstPlay.Watcher.start(FirstPlay.PERIOD_MILLIS)) {
                w.add(t.name(), Path.of(t.outDir()), t0);
                r = transcoder.transcode(Path.of(t.source()), Path.of(t.outDir()));
                ms = (System.nanoTime() - t0) / 1_000_000;
                w.close();
                firstPlay = w.millis(t.name());
            }
            items.add(
                    new ChildResult.Item(
                            t.name(),
                            t.outDir(),
                            clock.sinceStart(t0),
                            ms,
                            "READY",
                            r.chunkCount(),
                            t.seconds(),
                            firstPlay.orElse(null)));
        }
        return clock.finish("media", items, info);
    }

    /** Wall and CPU of the measured operation, from inside the JVM. */
    record Clock(long jvmStart, long startNanos, long startEpoch, long startTicks) {

        static Clock start(long jvmStart) {
            return new Clock(
                    jvmStart,
                    System.nanoTime(),
                    System.currentTimeMillis(),
                    ProcStat.self().treeTicks());
        }

        long sinceStart(long nanos) {
            return (nanos - startNanos) / 1_000_000;
        }

        ChildResult finish(String mode, List<ChildResult.Item> items, Map<String, String> info) {
            long wall = (System.nanoTime() - startNanos) / 1_000_000;
            long ticks = ProcStat.self().treeTicks() - startTicks;
            return new ChildResult(
                    mode, startEpoch - jvmStart, startEpoch - jvmStart, wall, ticks, items, info);
        }
    }
}
