package org.transcoder.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.embedded.EmbeddedS3;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.jobs.TranscodeJobConfig;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.testing.HostileMedia;
import redis.clients.jedis.Jedis;

/**
 * The job against events an attacker writes, and with credentials that must never show: events
 * naming /etc/passwd, a symlink out of the root, '..' and its encodings, another bucket, other
 * schemes, oversized labels and ids each end FAILED with their reason, those refused by their URI
 * never reach preparation (where sources are opened), and a good video after them is READY. Then
 * everything the run wrote - every log line at INFO (a file appender on every logger), both output
 * topics, the database rows, the Redis values, the output objects and the work directory - holds
 * neither the JDBC password nor the S3 secret key nor a line of /etc/passwd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityITCase {

    /** The embedded PostgreSQL trusts local connections: any password connects, and must hide. */
    private static final String JDBC_PASSWORD = "pg-Secret-4f9c1e7b";

    private static final String GOOD_CLIP = "h264_854x480_sintel_mp3.mp4";
    private static final Duration WAIT = Duration.ofMinutes(5);

    @TempDir static Path work;
    private final InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();
    private LocalPipeline pipeline;
    private Path log;
    private FileAppender appender;
    private Path fileRoot;

    /** Video id -> the reason it must fail with. */
    private final Map<String, String> expected = new LinkedHashMap<>();

    /** Uploads of hostile files (their events are fine; preparation refuses them). */
    private final List<String> hostileFiles = new ArrayList<>();

    private ServerSocket listener;
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        listen();
        log = work.resolve("everything.log");
        captureAllLogs();
        fileRoot = Files.createDirectories(work.resolve("file-uploads"));
        String bucketRoot = "s3://" + EmbeddedServices.BUCKET + "/uploads";
        pipeline =
                LocalPipeline.start(
                        new LocalPipeline.Settings(
                                work.resolve("pipeline"),
                                2,
                                -1,
                                false,
                                List.of(bucketRoot, fileRoot.toUri().toString()),
                                Duration.ofSeconds(1),
                                Map.of(TranscodeJobConfig.JDBC_PASSWORD.key(), JDBC_PASSWORD)),
                        metrics::addToConfiguration);
        ObjectStorage bucket = pipeline.storage();
        bucket.put("uploads/good.mp4", Fixtures.clip(GOOD_CLIP));
        // A real video where the job must not look: another bucket and outside the prefix.
        pipeline.services().s3().createBucket("other-bucket");
        ObjectStorage.of("s3://other-bucket").put("in/v.mp4", Fixtures.clip(GOOD_CLIP));
        bucket.put("private/v.mp4", Fixtures.clip(GOOD_CLIP));
        Files.createSymbolicLink(fileRoot.resolve("passwd.mp4"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(fileRoot.resolve("out.mp4"), Fixtures.clip(GOOD_CLIP));

        String root = fileRoot.toUri().toString();
        Map<String, String> invalid = new LinkedHashMap<>();
        invalid.put("passwd", "file:///etc/passwd");
        invalid.put("fixture", Fixtures.clip(GOOD_CLIP).toUri().toString());
        invalid.put("dotdot", root + "../../../etc/passwd");
        invalid.put("enc-dotdot", root + "%2e%2e/%2e%2e/%2e%2e/etc/passwd");
        invalid.put("enc-slash", root + "..%2f..%2f..%2fetc%2fpasswd");
        invalid.put("double-enc", root + "%252e%252e/%252e%252e/etc/passwd");
        invalid.put("backslash", root + "..\\..\\etc\\passwd");
        invalid.put("nul", root + "v.mp4%00");
        invalid.put("other-bucket", "s3://other-bucket/in/v.mp4");
        invalid.put("other-prefix", "s3://" + EmbeddedServices.BUCKET + "/private/v.mp4");
        invalid.put("s3-dotdot", bucketRoot + "/../private/v.mp4");
        invalid.put("http", "http://127.0.0.1:1/v.mp4");
        invalid.put("ftp", "ftp://127.0.0.1:1/v.mp4");
        invalid.put("data", "data:video/mp4;base64,AAAA");
        invalid.put("jar", "jar:" + root + "a.jar!/v.mp4");
        invalid.put("concat", "concat:" + fileRoot.resolve("a.mp4") + "|/etc/passwd");
        invalid.forEach(
                (id, uri) -> {
                    pipeline.submit(UploadEvent.of(id, uri));
                    expected.put(id, "INVALID_EVENT");
                });
        UploadEvent labels = UploadEvent.of("big-labels", bucketRoot + "/good.mp4");
        Map<String, String> big = new HashMap<>();
        big.put("k", "x".repeat(1_000_000));
        labels.setLabels(big);
        pipeline.submit(labels);
        expected.put("big-labels", "INVALID_EVENT");
        // An id of 65 characters: rejected on video-failures only, under an id of the job's.
        pipeline.submit(UploadEvent.of("i".repeat(65), bucketRoot + "/good.mp4"));
        // These need I/O to decide: the same reason and message as a file that is not there.
        for (String name : List.of("passwd.mp4", "out.mp4", "missing.mp4")) {
            String id = "link-" + name.replace(".mp4", "");
            pipeline.submit(UploadEvent.of(id, root + name));
            expected.put(id, "SOURCE_MISSING");
        }
        // Hostile files under video names, through the whole pipeline (HostileInputTest has every
        // class on the media path; here: what they leave in logs, topics and the database).
        String http = "http://127.0.0.1:" + listener.getLocalPort() + "/a.ts";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("hls-passwd.mp4", playlist("file:///etc/passwd").getBytes(UTF_8));
        files.put("hls-http.mp4", playlist(http).getBytes(UTF_8));
        files.put(
                "ffconcat.mov",
                ("ffconcat version 1.0\nfile 'file:///etc/passwd'\nfile '" + http + "'\n")
                        .getBytes(UTF_8));
        files.put("zero.mp4", new byte[0]);
        byte[] random = new byte[1 << 20];
        new java.util.Random(13).nextBytes(random);
        files.put("random.mp4", random);
        files.put("lying-header.mkv", Files.readAllBytes(HostileMedia.lyingHeader()));
        Map<String, String> reasons =
                Map.of(
                        "hls-passwd.mp4", "CORRUPT_INPUT",
                        "hls-http.mp4", "CORRUPT_INPUT",
                        "ffconcat.mov", "UNSUPPORTED_CONTAINER",
                        "zero.mp4", "CORRUPT_INPUT",
                        "random.mp4", "CORRUPT_INPUT",
                        "lying-header.mkv", "TOO_MANY_PIXELS");
        files.forEach(
                (name, bytes) -> {
                    String id = "file-" + name.replace('.', '-');
                    bucket.putBytes("uploads/" + name, bytes);
                    pipeline.submit(UploadEvent.of(id, bucketRoot + "/" + name));
                    expected.put(id, reasons.get(name));
                    hostileFiles.add(id);
                });
        pipeline.submit(UploadEvent.of("good", bucketRoot + "/good.mp4"));
    }

    private static String playlist(String entry) {
        return "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n"
                + entry
                + "\n#EXT-X-ENDLIST\n";
    }

    /** Counts connections: a hostile playlist must never make FFmpeg open one. */
    private void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t =
                new Thread(
                        () -> {
                            while (!listener.isClosed()) {
                                try (Socket ignored = listener.accept()) {
                                    connections.incrementAndGet();
                                } catch (IOException closed) {
                                    return;
                                }
                            }
                        },
                        "security-it-listener");
        t.setDaemon(true);
        t.start();
    }

    /** Every logger at INFO into one file; the console keeps its WARN. */
    private void captureAllLogs() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        appender =
                FileAppender.newBuilder()
                        .setName("security-it")
                        .withFileName(log.toString())
                        .setLayout(
                                PatternLayout.newBuilder()
                                        .withPattern("%d %p %c - %m%n%ex")
                                        .build())
                        .build();
        appender.start();
        cfg.addAppender(appender);
        for (LoggerConfig lc : cfg.getLoggers().values()) {
            lc.setLevel(Level.INFO);
        }
        LoggerConfig rootLogger = cfg.getRootLogger();
        var console = rootLogger.getAppenders().get("console");
        rootLogger.removeAppender("console");
        if (console != null) {
            rootLogger.addAppender(console, Level.WARN, null);
        }
        rootLogger.addAppender(appender, Level.INFO, null);
        rootLogger.setLevel(Level.INFO);
        ctx.updateLoggers();
    }

    @AfterAll
    void stop() throws IOException {
        if (listener != null) {
            listener.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.reconfigure(); // back to log4j2-test.properties
        if (appender != null) {
            appender.stop();
        }
    }

    @Test
    void hostileEventsFailWithTheirReasonUnreadAndAGoodVideoAfterThemIsReady() throws Exception {
        VideoRecord good = pipeline.awaitTerminal("good", WAIT);
        assertThat(good.getStatus()).as(good.getMessage()).isEqualTo(VideoStatus.READY);
        List<String> messages = new ArrayList<>();
        for (var e : expected.entrySet()) {
            VideoRecord r = pipeline.awaitTerminal(e.getKey(), WAIT);
            assertThat(r.getStatus()).as(e.getKey()).isEqualTo(VideoStatus.FAILED);
            assertThat(r.getReasonCode())
                    .as(e.getKey() + ": " + r.getMessage())
                    .isEqualTo(e.getValue());
            if (e.getValue().equals("SOURCE_MISSING")) {
                messages.add(r.getMessage());
            }
            assertThat(r.getMessage()).as(e.getKey()).doesNotContain("/etc/passwd");
            assertThat(r.getMessage()).as(e.getKey()).doesNotContain(work.toString());
        }
        // A link to /etc/passwd, a link to a real video outside the root, a missing file: alike.
        assertThat(messages).hasSize(3).containsOnly(messages.get(0));
        // Refused by their URI in ParseUploads (counted there); the only uploads preparation
        // rejected, i.e. the only ones whose source anything tried to open, are the three links.
        long invalid = expected.values().stream().filter("INVALID_EVENT"::equals).count();
        assertThat(JobMetrics.counterSum(metrics, "eventsRejected")).isEqualTo(invalid + 1);
        // Preparation also refuses the hostile files, all but the lying header: its header is
        // fine, and the chunk encoder stops at its first frame over the pixel limit.
        assertThat(JobMetrics.counterSum(metrics, "videosRejected"))
                .isEqualTo(3 + hostileFiles.size() - 1);
        assertThat(connections.get()).as("connections to the test's listener").isZero();
    }

    @Test
    void nothingTheRunWroteHoldsACredentialOrTheFilesItWasAskedFor() throws Exception {
        pipeline.awaitTerminal("good", WAIT);
        for (String id : expected.keySet()) {
            pipeline.awaitTerminal(id, WAIT);
        }
        Thread.sleep(2000); // the last records' checkpoint, metadata writes and log lines
        String passwdLine = Files.readAllLines(Path.of("/etc/passwd")).get(0);
        List<String> secrets = List.of(JDBC_PASSWORD, EmbeddedS3.SECRET_KEY, passwdLine);

        Map<String, String> written = new LinkedHashMap<>();
        written.put("topics", topics());
        written.put("database", database());
        written.put("redis", redis());
        StringBuilder objects = new StringBuilder();
        for (String key : pipeline.storage().list("videos/")) {
            objects.append(key).append('\n');
            if (!key.endsWith(".m4s") && !key.endsWith(".mp4") && !key.endsWith(".jpg")) {
                objects.append(pipeline.storage().readString(key)).append('\n');
            }
        }
        written.put("objects", objects.toString());
        for (var e : written.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).isNotEmpty();
            for (String secret : secrets) {
                assertThat(e.getValue()).as(e.getKey()).doesNotContain(secret);
            }
        }
        assertThat(written.get("database")).contains("good").contains("INVALID_EVENT");
        // Log lines and every file under the work directory (services' data, checkpoints,
        // media segments), as bytes.
        List<Path> files;
        try (Stream<Path> walk = Files.walk(work)) {
            // Not through the test's own links (one of them is /etc/passwd).
            files = walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        assertThat(files).contains(log);
        // The credential was in play, and the raw reasons stay in the server log.
        assertThat(pipeline.config().jdbcPassword()).isEqualTo(JDBC_PASSWORD);
        assertThat(new String(Files.readAllBytes(log), StandardCharsets.UTF_8))
                .contains(" INFO org.apache.flink.runtime") // Flink's own lines are in it
                .contains(" INFO org.apache.kafka")
                .contains("Video passwd FAILED INVALID_EVENT")
                .contains("file:///etc/passwd");
        for (Path f : files) {
            byte[] bytes = readQuietly(f);
            for (String secret : secrets) {
                assertThat(indexOf(bytes, secret.getBytes(StandardCharsets.UTF_8)))
                        .as("%s in %s", secret, f)
                        .isEqualTo(-1);
            }
        }
    }

    private static byte[] readQuietly(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            return new byte[0]; // a socket or a file deleted while walking
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Both output topics, committed and aborted records alike. */
    private String topics() {
        Properties p = new Properties();
        p.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.services().kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "security-it");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        StringBuilder b = new StringBuilder();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(
                    List.of(EmbeddedServices.COMPLETIONS_TOPIC, EmbeddedServices.FAILURES_TOPIC));
            int empty = 0;
            while (empty < 6) {
                var records = c.poll(Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                for (var r : records) {
                    b.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8))
                            .append(' ')
                            .append(new String(r.value(), StandardCharsets.UTF_8))
                            .append('\n');
                }
            }
        }
        return b.toString();
    }

    private String database() throws Exception {
        var jdbc = pipeline.config().jdbc();
        StringBuilder b = new StringBuilder();
        try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
                Statement st = c.createStatement()) {
            for (String table : List.of("videos", "renditions")) {
                try (ResultSet rs =
                        st.executeQuery("SELECT row_to_json(t)::text FROM " + table + " t")) {
                    while (rs.next()) {
                        b.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return b.toString();
    }

    private String redis() {
        StringBuilder b = new StringBuilder();
        try (Jedis jedis = new Jedis(pipeline.config().redis().uri())) {
            for (String key : jedis.keys("*")) {
                b.append(key).append(' ').append(jedis.get(key)).append('\n');
            }
        }
        return b.toString();
    }
}
