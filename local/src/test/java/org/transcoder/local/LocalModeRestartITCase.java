package org.transcoder.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.embedded.ChildProcesses;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.embedded.Persistence;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.testing.LadderAssertions;

/**
 * Local mode as a user runs it, in a child JVM: killed with SIGKILL or stopped with SIGTERM in the
 * middle of an encode, then started again on the same work directory without new files. The video
 * must come out READY with a playable ladder and exactly one completion record, no process of the
 * killed run may be left, and a clean stop must not record a failure.
 */
class LocalModeRestartITCase {

    private static final Duration ENCODER_WAIT = Duration.ofMinutes(3);
    private static final Duration RUN_WAIT = Duration.ofMinutes(5);

    /** 20 s of 720p: two 10 s chunks on two slots, each several seconds of encoding. */
    private static Path clip;

    private static String id;

    @BeforeAll
    static void generateClip() {
        clip =
                GeneratedMedia.generate(
                        "20s_720p30_gop2s_aac.mp4",
                        GeneratedMedia.args(
                                "-f lavfi -i testsrc2=size=1280x720:rate=30:duration=20",
                                "-f lavfi -i sine=frequency=440:duration=20:sample_rate=48000",
                                "-filter_complex [0:v]noise=alls=6:allf=t[v] -map [v] -map 1:a",
                                "-c:v libx264 -preset superfast -pix_fmt yuv420p -crf 28",
                                "-profile:v high -g 60 -keyint_min 60 -sc_threshold 0",
                                "-c:a aac -ac 2 -b:a 128k -movflags +faststart"));
        id = clip.getFileName().toString().replaceAll("[^A-Za-z0-9_-]", "-");
    }

    @Test
    void aSigkilledRunLeavesNothingBehindAndTheNextStartFinishesTheVideo(@TempDir Path work)
            throws Exception {
        LocalModeProcess first = LocalModeProcess.start("kill-1", work, "--exit", clip.toString());
        long encoder = first.awaitEncoder();
        Thread.sleep(2500); // a checkpoint or two (every second) with the encode in flight
        List<ProcessHandle> children = first.process.descendants().toList();
        Optional<Long> postmaster =
                ChildProcesses.readPid(work.resolve("services/postgres/postmaster.pid"));
        assertThat(postmaster).isPresent();
        first.process.destroyForcibly(); // SIGKILL
        first.process.waitFor();

        // ffmpeg dies with the JVM (parent-death signal); PostgreSQL and Redis by their watchdogs.
        List<Long> left = awaitGone(children, postmaster.get(), Duration.ofSeconds(20));
        assertThat(left).as("processes of the killed run still alive").isEmpty();
        assertThat(ProcessHandle.of(encoder).map(ProcessHandle::isAlive))
                .isNotEqualTo(Optional.of(true));

        LocalModeProcess second = LocalModeProcess.start("kill-2", work, "--exit");
        assertThat(second.awaitExit(RUN_WAIT)).as(second.output()).isEqualTo(0);
        assertThat(second.output())
                .contains("Resuming from checkpoint")
                .contains("1 video(s) in flight: [" + id + "]")
                .contains(id + ": READY");
        assertFinishedOnce(work);
    }

    @Test
    void aSigtermedRunRecordsNoFailureAndTheNextStartFinishesTheVideo(@TempDir Path work)
            throws Exception {
        LocalModeProcess first = LocalModeProcess.start("term-1", work, "--exit", clip.toString());
        first.awaitEncoder();
        Thread.sleep(2500);
        List<ProcessHandle> children = first.process.descendants().toList();
        // SIGTERM through the handle: Process.destroy() would also close our end of its output.
        first.process.toHandle().destroy();
        assertThat(first.awaitExit(Duration.ofMinutes(2))).as(first.output()).isEqualTo(143);
        assertThat(first.output()).contains("Stopped with savepoint").doesNotContain("FAILED");
        assertThat(awaitGone(children, -1, Duration.ofSeconds(10))).isEmpty();

        LocalModeProcess second = LocalModeProcess.start("term-2", work, "--exit");
        assertThat(second.awaitExit(RUN_WAIT)).as(second.output()).isEqualTo(0);
        assertThat(second.output())
                .contains("Resuming from savepoint")
                .contains("1 video(s) in flight")
                .contains(id + ": READY");
        // READY in PostgreSQL also proves no FAILED was ever stored: a terminal status is final.
        assertFinishedOnce(work);
    }

    /**
     * Against the kept services of the work directory: READY in PostgreSQL and Redis, exactly one
     * committed completion record (READY) and one PLAYABLE record, and a ladder that decodes.
     */
    private static void assertFinishedOnce(Path work) throws Exception {
        try (EmbeddedServices services =
                EmbeddedServices.start(work.resolve("services"), Persistence.KEEP)) {
            try (MetadataStore store =
                    new MetadataStore(
                            services.postgres().settings(), services.redis().settings())) {
                VideoRecord db = store.find(id).orElseThrow();
                assertThat(db.getStatus()).as("%s", db.getMessage()).isEqualTo(VideoStatus.READY);
                assertThat(store.cached(id).orElseThrow().getStatus()).isEqualTo(VideoStatus.READY);
            }
            List<VideoRecord> records =
                    committed(
                            services.kafka().bootstrapServers(),
                            EmbeddedServices.COMPLETIONS_TOPIC);
            assertThat(records).extracting(VideoRecord::getVideoId).containsExactly(id);
            assertThat(records.get(0).getStatus()).isEqualTo(VideoStatus.READY);
            assertThat(committed(services.kafka().bootstrapServers(), "video-failures")).isEmpty();
            // Played early once, whether the stop came before or after that record: a restart
            // commits a transaction its checkpoint holds (or finds it committed) or re-emits the
            // record; it neither loses nor repeats it.
            List<VideoRecord> playable =
                    committed(services.kafka().bootstrapServers(), EmbeddedServices.PLAYABLE_TOPIC);
            assertThat(playable).extracting(VideoRecord::getVideoId).containsExactly(id);
            assertThat(playable.get(0).getStatus()).isEqualTo(VideoStatus.PLAYABLE);
        }
        LadderAssertions.assertPlayableLadder(
                work.resolve("services/s3/transcoder/videos").resolve(id), clip);
    }

    /** Every committed record of the topic (read_committed, from the start to its end). */
    private static List<VideoRecord> committed(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<VideoRecord> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("cannot read " + topic + " to its end " + end);
                }
                c.poll(Duration.ofMillis(200))
                        .forEach(r -> out.add(VideoRecordSerializationSchema.fromJson(r.value())));
            }
            return out;
        }
    }

    /** Pids among {@code processes} (and {@code extraPid}) still alive after {@code timeout}. */
    private static List<Long> awaitGone(
            List<ProcessHandle> processes, long extraPid, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Long> alive = new ArrayList<>();
            processes.stream().filter(ProcessHandle::isAlive).forEach(h -> alive.add(h.pid()));
            if (extraPid > 0
                    && ProcessHandle.of(extraPid).map(ProcessHandle::isAlive).orElse(false)) {
                alive.add(extraPid);
            }
            if (alive.isEmpty() || System.nanoTime() > deadline) {
                alive.forEach(
                        pid ->
                                System.out.println(
                                        "left: "
                                                + pid
                                                + " "
                                                + ProcessHandle.of(pid)
                                                        .flatMap(h -> h.info().commandLine())
                                                        .orElse("?")));
                return alive;
            }
            Thread.sleep(200);
        }
    }

    /** LocalMode in a child JVM with the test classpath; its output is echoed and kept. */
    private static final class LocalModeProcess {
        final Process process;
        final Path work;
        private final StringBuffer output = new StringBuffer();

        private LocalModeProcess(Process process, Path work, String name) {
            this.process = process;
            this.work = work;
            Thread t =
                    new Thread(
                            () -> {
                                try (BufferedReader r =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    String line;
                                    while ((line = r.readLine()) != null) {
                                        output.append(line).append('\n');
                                        System.out.println("[" + name + "] " + line);
                                    }
                                } catch (java.io.IOException ignored) {
                                    // the process is gone
                                }
                            },
                            "local-mode-output-" + name);
            t.setDaemon(true);
            t.start();
        }

        static LocalModeProcess start(String name, Path work, String... args) throws Exception {
            String cp = System.getProperty("surefire.test.class.path");
            if (cp == null || cp.isBlank()) {
                cp = System.getProperty("java.class.path");
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd =
                    new ArrayList<>(List.of(java, "-Xmx1500m", "-XX:TieredStopAtLevel=1"));
            for (String pkg :
                    List.of(
                            "java.lang",
                            "java.util",
                            "java.lang.reflect",
                            "java.io",
                            "java.nio",
                            "sun.nio.ch",
                            "java.net")) {
                cmd.addAll(List.of("--add-opens", "java.base/" + pkg + "=ALL-UNNAMED"));
            }
            Path log4j = Path.of("src/main/resources/log4j2-local.properties").toAbsolutePath();
            if (Files.isRegularFile(log4j)) {
                cmd.add("-Dlog4j2.configurationFile=" + log4j);
            }
            cmd.addAll(List.of("-cp", cp, LocalMode.class.getName()));
            cmd.addAll(List.of("--work-dir", work.toString(), "--port", "-1"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return new LocalModeProcess(pb.start(), work, name);
        }

        /** Waits for an x264 chunk encoder of this run; returns its pid. */
        long awaitEncoder() throws InterruptedException {
            String scratch = work.resolve("scratch").toAbsolutePath().toString();
            long deadline = System.nanoTime() + ENCODER_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<ProcessHandle> enc =
                        process.descendants()
                                .filter(
                                        h -> {
                                            String cl = h.info().commandLine().orElse("");
                                            return cl.contains("libx264") && cl.contains(scratch);
                                        })
                                .findFirst();
                if (enc.isPresent()) {
                    return enc.get().pid();
                }
                if (!process.isAlive()) {
                    throw new AssertionError("local mode ended early:\n" + output);
                }
                Thread.sleep(100);
            }
            throw new AssertionError("no encoder within " + ENCODER_WAIT + ":\n" + output);
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(
                        "local mode did not end within " + timeout + ":\n" + output);
            }
            Thread.sleep(200); // the last lines
            return process.exitValue();
        }

        String output() {
            return output.toString();
        }
    }
}
