package org.transcoder.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.embedded.Persistence;
import org.transcoder.local.web.MetadataCatalog;
import org.transcoder.local.web.WatchServer;
import org.transcoder.media.MediaException;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.probe.VideoStreamInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * {@code transcoder-local}: the whole pipeline on this machine with embedded services. Uploads the
 * given files (or a bundled sample), prints each video's result as it completes, and keeps the job
 * and its dashboard running until Ctrl-C (or exits with --exit).
 *
 * <p>The work directory keeps everything between runs: Kafka's topics and offsets, PostgreSQL,
 * Redis, the S3 objects, the job's checkpoints and savepoints. A start resumes from the newest
 * checkpoint or savepoint there, so videos in flight when the last run was killed (even by SIGKILL)
 * are finished; Ctrl-C or SIGTERM stops the job with a savepoint before anything else goes down, so
 * a clean stop never records a video as failed. {@code --fresh} starts from nothing.
 */
@Command(
        name = "transcoder-local",
        mixinStandardHelpOptions = true,
        description =
                "Runs Kafka, S3, PostgreSQL, Redis and the Flink job locally and transcodes files.")
public final class LocalMode implements Callable<Integer> {

    @Parameters(
            description =
                    "Video files to upload (default: a bundled sample clip, unless the work"
                            + " directory has a job to resume).")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--work-dir",
            description =
                    "Data of the embedded services, checkpoints and outputs, kept between runs"
                            + " (default: ${DEFAULT-VALUE}).")
    Path workDir = Path.of("local-data");

    @Option(
            names = "--fresh",
            description =
                    "Delete the work directory's data first (topics, database, objects,"
                            + " checkpoints) instead of resuming.")
    boolean fresh;

    @Option(
            names = "--parallelism",
            description = "Parallel chunk encoders (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(
            names = "--port",
            description = "Flink dashboard port, -1 for none (default: ${DEFAULT-VALUE}).")
    int port = 8081;

    @Option(
            names = "--watch-port",
            description =
                    "Port of the watch page and its origin, -1 for none; a free one if taken"
                            + " (default: ${DEFAULT-VALUE}).")
    int watchPort = WatchServer.DEFAULT_PORT;

    @Option(
            names = "--watch-host",
            description =
                    "Address the watch page listens on; 0.0.0.0 shows it to the network"
                            + " (default: ${DEFAULT-VALUE}).")
    String watchHost = WatchServer.DEFAULT_HOST;

    @Option(
            names = "--exit",
            description =
                    "Exit when the given files (and videos resumed from an earlier run) are done"
                            + " instead of waiting for Ctrl-C.")
    boolean exit;

    @Option(
            names = "--timeout",
            description = "Seconds to wait for each video (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = 900;

    /** Counted down by the first SIGTERM/SIGINT: the main thread then stops the job cleanly. */
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    private volatile int stopSignal;
    private volatile long stopRequestedAtNanos;

    /** The state directories of a work directory, as {@code --fresh} deletes them. */
    static final List<String> STATE_DIRS =
            List.of("services", "checkpoints", "savepoints", "scratch", "output", "uploads");

    /**
     * Local mode reads sources only from its own upload directory (its one source root), so a file
     * goes there first: a hard link where the file system allows, else a copy.
     */
    private static void upload(Path file, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        try {
            Files.createLink(target, file.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, target);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalMode()).execute(args));
    }

    static Path logFile(Path workDir) {
        return workDir.resolve("transcoder.log");
    }

    @Override
    public Integer call() throws Exception {
        Path work = workDir.toAbsolutePath();
        // Before anything logs (nothing has: this class has no logger, picocli does not log):
        // Log4j's file appender goes to the work directory, the terminal stays quiet.
        System.setProperty("transcoder.log.file", logFile(work).toString());
        if (fresh) {
            deleteState(work);
        }
        handleStopSignals();
        System.out.println(
                "Starting Kafka, S3, PostgreSQL, Redis and the Flink job in " + work + " ...");
        try (LocalPipeline pipeline =
                        LocalPipeline.start(
                                LocalPipeline.Settings.defaults(work)
                                        .withEncodeParallelism(parallelism)
                                        .withWebUiPort(port)
                                        .withPersistence(Persistence.KEEP));
                MetadataCatalog catalog =
                        new MetadataCatalog(pipeline.config().jdbc(), pipeline.config().redis());
                WatchServer watch =
                        watchPort < 0
                                ? null
                                : WatchServer.start(
                                        watchHost,
                                        watchPort,
                                        pipeline.videosDir(),
                                        catalog,
                                        null)) {
            // Again: something started with the pipeline installs its own SIGTERM handler.
            handleStopSignals();
            var services = pipeline.services();
            System.out.printf(
                    Locale.ROOT,
                    "Up:%n  dashboard   %s%n  kafka       %s%n  s3          %s (bucket %s, files in %s)%n"
                            + "  postgresql  %s%n  redis       %s%n  log         %s%n",
                    port > 0 ? "http://localhost:" + port : "off",
                    services.kafka().bootstrapServers(),
                    services.s3().endpoint(),
                    "transcoder",
                    work.resolve("services/s3"),
                    services.postgres().settings().url(),
                    services.redis().settings().redisUri(),
                    logFile(work));

            System.out.println("Watch page: " + (watch == null ? "off" : watch.url()));
            Set<String> waitFor = new LinkedHashSet<>(pipeline.inFlightAtStart());
            pipeline.restoredFrom()
                    .ifPresent(
                            p ->
                                    System.out.printf(
                                            Locale.ROOT,
                                            "Resuming from %s %s, %d video(s) in flight%s%n",
                                            p.toString().contains("/savepoints/")
                                                    ? "savepoint"
                                                    : "checkpoint",
                                            p,
                                            waitFor.size(),
                                            waitFor.isEmpty() ? "" : ": " + waitFor));
            if (files.isEmpty() && pipeline.restoredFrom().isEmpty()) {
                files.add(sample());
            }
            int failed = 0;
            Map<String, VideoProgress.Source> sources = new LinkedHashMap<>();
            Map<String, Long> started = new LinkedHashMap<>();
            for (Path f : files) {
                Path abs = f.toAbsolutePath().normalize();
                if (!Files.isRegularFile(abs)) {
                    System.err.println("Not a file: " + abs);
                    return 2;
                }
                String id = abs.getFileName().toString().replaceAll("[^A-Za-z0-9_-]", "-");
                id = id.length() > 64 ? id.substring(0, 64) : id;
                Path uploaded = work.resolve("uploads").resolve(id).resolve(abs.getFileName());
                String uri = uploaded.toUri().toString();
                Optional<VideoRecord> known =
                        pipeline.metadata(id).filter(r -> uri.equals(r.getSourceUri()));
                if (known.isPresent() && isTerminal(known.get())) {
                    // The job would ignore the same upload again (it dedupes by source).
                    System.out.println(
                            "'" + id + "' was done in an earlier run (--fresh to start over):");
                    new VideoProgress(id, VideoProgress.Source.UNKNOWN, -1, System.out)
                            .summary(known.get(), outputDir(work, id), watchUrl(watch, id));
                    failed += known.get().getStatus() == VideoStatus.FAILED ? 1 : 0;
                    continue;
                }
                if (known.isEmpty()) {
                    sources.put(id, describe(abs));
                    started.put(id, System.nanoTime());
                    upload(abs, uploaded);
                    pipeline.submit(UploadEvent.of(id, uri));
                    System.out.println("Uploaded " + abs + " as video '" + id + "'");
                }
                waitFor.add(id);
            }
            for (String id : waitFor) {
                try (VideoProgress progress =
                        new VideoProgress(
                                id,
                                sources.getOrDefault(id, VideoProgress.Source.UNKNOWN),
                                started.getOrDefault(id, System.nanoTime()),
                                System.out)) {
                    Optional<VideoRecord> r = await(pipeline, id, progress);
                    if (r.isEmpty()) {
                        break; // stop requested
                    }
                    progress.summary(r.get(), outputDir(work, id), watchUrl(watch, id));
                    if (r.get().getStatus() == VideoStatus.FAILED) {
                        failed++;
                    }
                }
            }
            if (stopRequested.getCount() > 0 && !exit) {
                System.out.printf(
                        Locale.ROOT,
                        "Job keeps running. Ctrl-C to stop. From another terminal:%n"
                                + "  upload: bin/transcoder upload --bootstrap-servers %s"
                                + " --storage %s FILE...%n"
                                + "  status: bin/transcoder status --redis-uri %s VIDEO_ID...%n",
                        services.kafka().bootstrapServers(),
                        work.resolve("uploads").toUri(),
                        services.redis().settings().redisUri());
                stopRequested.await();
            }
            boolean bySignal = stopRequested.getCount() == 0;
            System.out.println(
                    "Stopping the job with a savepoint"
                            + (bySignal ? " (Ctrl-C again to kill it at once)" : "")
                            + " ...");
            Optional<String> savepoint = pipeline.stopWithSavepoint(Duration.ofMinutes(2));
            System.out.println(
                    savepoint
                                    .map(sp -> "Stopped with savepoint " + sp)
                                    .orElse("Job cancelled; its last checkpoint is kept")
                            + ". The next start on "
                            + work
                            + " resumes from it.");
            if (bySignal) {
                return 128 + stopSignal;
            }
            return failed == 0 ? 0 : 1;
        }
    }

    /** The video's completion record, or empty if a stop was requested first. */
    private Optional<VideoRecord> await(LocalPipeline pipeline, String id, VideoProgress progress)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (stopRequested.getCount() > 0) {
            Optional<VideoRecord> r = pipeline.pollTerminal(id, Duration.ofMillis(500));
            if (r.isPresent()) {
                return r;
            }
            pipeline.cached(id).filter(c -> !isTerminal(c)).ifPresent(progress::update);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "No completion record for " + id + " within " + timeoutSeconds + " s");
            }
        }
        return Optional.empty();
    }

    /**
     * SIGTERM and Ctrl-C do not start the JVM's shutdown (whose hooks would kill the encoders and
     * stop Kafka, PostgreSQL and Redis while the job still runs, failing its videos): they ask the
     * main thread to stop the job with a savepoint first. Only a second Ctrl-C, a second or more
     * later, exits at once. (mvn exec sends SIGTERM right after the terminal's SIGINT: that one is
     * not a second request.)
     */
    private void handleStopSignals() {
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(
                    new Signal(name),
                    sig -> {
                        if (stopRequested.getCount() > 0) {
                            stopSignal = sig.getNumber();
                            stopRequestedAtNanos = System.nanoTime();
                            stopRequested.countDown();
                            System.out.println("\nSIG" + name + ": stopping cleanly ...");
                        } else if (name.equals("INT")
                                && System.nanoTime() - stopRequestedAtNanos > 1_000_000_000L) {
                            System.out.println("\nSecond Ctrl-C: exiting now");
                            new Thread(() -> System.exit(130), "local-mode-exit").start();
                        }
                    });
        }
    }

    private static boolean isTerminal(VideoRecord r) {
        return r.getStatus() == VideoStatus.READY || r.getStatus() == VideoStatus.FAILED;
    }

    /** {@code --fresh}: removes what an earlier run kept, unless a run is using it now. */
    private static void deleteState(Path work) throws IOException {
        Path lockFile = work.resolve("services/services.lock");
        if (Files.exists(lockFile)) {
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    throw new IllegalStateException(
                            "Another run is using " + work + ": stop it before --fresh");
                }
                lock.release();
            }
        }
        for (String dir : STATE_DIRS) {
            Path p = work.resolve(dir);
            if (Files.exists(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(q);
                    }
                }
            }
        }
        System.out.println("Deleted the earlier state in " + work);
    }

    private static String watchUrl(WatchServer watch, String videoId) {
        return watch == null ? null : watch.watchUrl(videoId).toString();
    }

    /** Where the embedded S3 keeps a video's objects as files: any HLS player plays them. */
    private static Path outputDir(Path work, String videoId) {
        return work.resolve("services/s3/transcoder/videos").resolve(videoId);
    }

    /** The source's length and frame rate, for the progress bar's speed (unknown if unreadable). */
    private static VideoProgress.Source describe(Path file) {
        try {
            MediaInfo info = MediaProbe.probe(file);
            return new VideoProgress.Source(
                    info.durationSeconds(),
                    info.video().map(VideoStreamInfo::avgFrameRate).orElse(0.0));
        } catch (MediaException e) {
            return VideoProgress.Source.UNKNOWN; // the job says why, in the summary
        }
    }

    /**
     * The bundled test clip (Big Buck Bunny, 30 s), found from the project root or a module dir.
     */
    static Path sample() {
        for (String dir : List.of(".", "..")) {
            Path p = Path.of(dir, "media/src/test/resources/fixtures/vp8_bbb_720p_vorbis.webm");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("No file given and the bundled sample clip was not found");
    }
}
