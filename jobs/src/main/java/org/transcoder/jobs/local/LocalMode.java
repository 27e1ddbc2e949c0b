package org.transcoder.jobs.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code transcoder-local}: the whole pipeline on this machine with embedded services. Uploads the
 * given files (or a bundled sample), prints each video's result as it completes, and keeps the job
 * and its dashboard running until Ctrl-C (or exits with --exit).
 */
@Command(
        name = "transcoder-local",
        mixinStandardHelpOptions = true,
        description =
                "Runs Kafka, S3, PostgreSQL, Redis and the Flink job locally and transcodes files.")
public final class LocalMode implements Callable<Integer> {

    @Parameters(description = "Video files to upload (default: a bundled sample clip).")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--work-dir",
            description = "Data of the embedded services and outputs (default: ${DEFAULT-VALUE}).")
    Path workDir = Path.of("local-data");

    @Option(
            names = "--parallelism",
            description = "Parallel chunk encoders (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(
            names = "--port",
            description = "Flink dashboard port, -1 for none (default: ${DEFAULT-VALUE}).")
    int port = 8081;

    @Option(
            names = "--exit",
            description = "Exit when the given files are done instead of waiting for Ctrl-C.")
    boolean exit;

    @Option(
            names = "--timeout",
            description = "Seconds to wait for each video (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = 900;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalMode()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (files.isEmpty()) {
            files.add(sample());
        }
        Path work = workDir.toAbsolutePath();
        System.out.println(
                "Starting Kafka, S3, PostgreSQL, Redis and the Flink job in " + work + " ...");
        try (LocalPipeline pipeline =
                LocalPipeline.start(
                        LocalPipeline.Settings.defaults(work)
                                .withEncodeParallelism(parallelism)
                                .withWebUiPort(port))) {
            var services = pipeline.services();
            System.out.printf(
                    Locale.ROOT,
                    "Up. Dashboard: %s | Kafka: %s | S3: %s (bucket %s, files in %s) | PostgreSQL: %s | Redis: %s%n",
                    port > 0 ? "http://localhost:" + port : "off",
                    services.kafka().bootstrapServers(),
                    services.s3().endpoint(),
                    "transcoder",
                    work.resolve("services/s3"),
                    services.postgres().settings().url(),
                    services.redis().settings().redisUri());
            int failed = 0;
            List<String> ids = new ArrayList<>();
            for (Path f : files) {
                Path abs = f.toAbsolutePath().normalize();
                if (!Files.isRegularFile(abs)) {
                    System.err.println("Not a file: " + abs);
                    return 2;
                }
                String id = abs.getFileName().toString().replaceAll("[^A-Za-z0-9_-]", "-");
                id = id.length() > 64 ? id.substring(0, 64) : id;
                ids.add(id);
                pipeline.submit(UploadEvent.of(id, abs.toUri().toString()));
                System.out.println("Uploaded " + abs + " as video '" + id + "'");
            }
            for (String id : ids) {
                VideoRecord r = pipeline.awaitTerminal(id, Duration.ofSeconds(timeoutSeconds));
                print(r, work);
                if (r.getStatus().name().equals("FAILED")) {
                    failed++;
                }
            }
            if (exit) {
                return failed == 0 ? 0 : 1;
            }
            System.out.println(
                    "Job keeps running; publish more events to the 'video-uploads' topic. Ctrl-C to stop.");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
            return 0;
        }
    }

    private static void print(VideoRecord r, Path work) {
        System.out.printf(Locale.ROOT, "%n%s: %s%n", r.getVideoId(), r.getStatus());
        if (r.getReasonCode() != null) {
            System.out.printf(
                    Locale.ROOT, "  reason:   %s — %s%n", r.getReasonCode(), r.getMessage());
        }
        if (r.getManifestUri() != null) {
            System.out.printf(
                    Locale.ROOT,
                    "  master:   %s%n  poster:   %s%n  duration: %.2f s%n",
                    r.getManifestUri(),
                    r.getPosterUri(),
                    r.getDurationSeconds());
            // The embedded S3 keeps its objects as files: play this with any HLS player.
            Path onDisk =
                    work.resolve("services/s3/transcoder/videos")
                            .resolve(r.getVideoId())
                            .resolve("master.m3u8");
            System.out.printf(Locale.ROOT, "  on disk:  %s%n", onDisk);
            for (RenditionRecord rr : r.getRenditions()) {
                System.out.printf(
                        Locale.ROOT,
                        "  %-6s %4dx%-4d %8d b/s  %s%n",
                        rr.getName(),
                        rr.getWidth(),
                        rr.getHeight(),
                        rr.getBandwidth(),
                        rr.getCodecs());
            }
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
