package org.transcoder.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.metadata.MetadataStore;

/**
 * Outages and restarts: every embedded service stops and comes back on the same port with the same
 * data, and a kept work directory gives a second start everything the first one wrote.
 */
class EmbeddedServicesRestartITCase {

    @TempDir Path work;

    @Test
    void eachServiceRestartsOnTheSamePortWithItsData() throws Exception {
        try (EmbeddedServices services = EmbeddedServices.start(work, Persistence.EPHEMERAL)) {
            // PostgreSQL + Redis, through the metadata store
            var jdbc = services.postgres().settings();
            var redisSettings = services.redis().settings();
            try (MetadataStore store = new MetadataStore(jdbc, redisSettings)) {
                store.migrate();
                store.upsert(VideoRecord.received("v1", "s3://up/v1.mp4", null));
            }
            int pgPort = services.postgres().port();
            services.postgres().stop();
            assertThat(listening(pgPort)).isFalse();
            services.postgres().restart();
            assertThat(services.postgres().port()).isEqualTo(pgPort);

            int redisPort = services.redis().port();
            services.redis().stop();
            assertThat(listening(redisPort)).isFalse();
            services.redis().restart();
            assertThat(listening(redisPort)).isTrue();
            try (MetadataStore store = new MetadataStore(jdbc, redisSettings)) {
                assertThat(store.find("v1").orElseThrow().getStatus())
                        .isEqualTo(VideoStatus.RECEIVED);
            }

            // S3: the objects are files, the endpoint comes back
            int s3Port = Integer.parseInt(services.s3().endpoint().replaceAll(".*:", ""));
            Files.writeString(work.resolve("s3/transcoder/kept.txt"), "kept");
            services.s3().stop();
            assertThat(listening(s3Port)).isFalse();
            services.s3().restart();
            assertThat(listening(s3Port)).isTrue();

            // Kafka: a record written before the outage is read after it, same address
            String bootstrap = services.kafka().bootstrapServers();
            produce(bootstrap, "before-outage");
            services.kafka().stop();
            assertThat(listening(port(bootstrap))).isFalse();
            services.kafka().restart();
            assertThat(services.kafka().bootstrapServers()).isEqualTo(bootstrap);
            produce(bootstrap, "after-outage");
            assertThat(readAll(bootstrap)).containsExactly("before-outage", "after-outage");
        }
    }

    @Test
    void aKeptWorkDirectoryServesTheSameDataOnTheNextStart() throws Exception {
        String bootstrap;
        int pgPort;
        try (EmbeddedServices services = EmbeddedServices.start(work, Persistence.KEEP)) {
            try (MetadataStore store =
                    new MetadataStore(
                            services.postgres().settings(), services.redis().settings())) {
                store.migrate();
                store.upsert(VideoRecord.received("kept", "s3://up/kept.mp4", null));
            }
            bootstrap = services.kafka().bootstrapServers();
            pgPort = services.postgres().port();
            produce(bootstrap, "first-run");
        }
        try (EmbeddedServices services = EmbeddedServices.start(work, Persistence.KEEP)) {
            assertThat(services.kafka().bootstrapServers()).isEqualTo(bootstrap);
            assertThat(services.postgres().port()).isEqualTo(pgPort);
            try (MetadataStore store =
                    new MetadataStore(
                            services.postgres().settings(), services.redis().settings())) {
                store.migrate();
                assertThat(store.find("kept")).isPresent();
                assertThat(store.cached("kept")).isPresent(); // Redis AOF
            }
            assertThat(readAll(bootstrap)).containsExactly("first-run");
        }
    }

    @Test
    void aLeftoverServerOfAKilledRunIsStopped() throws Exception {
        Process leftover = new ProcessBuilder("sleep", "60").start();
        Path pidFile = work.resolve("leftover.pid");
        Files.writeString(pidFile, leftover.pid() + "\n");
        assertThat(ChildProcesses.stopLeftover(pidFile, "postgres", "INT")).isFalse(); // not ours
        assertThat(leftover.isAlive()).isTrue();
        assertThat(ChildProcesses.stopLeftover(pidFile, "sleep", "INT")).isTrue();
        assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theWatchdogStopsAServerWhoseJvmIsGone() throws Exception {
        // A stand-in "JVM" (sleep) and "server" (another sleep), watched like the real ones.
        Process jvm = new ProcessBuilder("sleep", "60").start();
        Process server = new ProcessBuilder("sleep", "60").start();
        Process watchdog =
                new ProcessBuilder(
                                "sh",
                                "-c",
                                "while kill -0 \"$1\" 2>/dev/null; do sleep 0.2; done; kill"
                                        + " -TERM \"$2\"",
                                "w",
                                Long.toString(jvm.pid()),
                                Long.toString(server.pid()))
                        .start();
        jvm.destroyForcibly().waitFor();
        assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
        watchdog.waitFor(5, TimeUnit.SECONDS);
        // and the real one ends by itself once the process it watches ends first
        Process other = new ProcessBuilder("sleep", "60").start();
        Process real = ChildProcesses.watchdog(other.pid(), "TERM").orElseThrow();
        other.destroy();
        assertThat(real.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }

    private static void produce(String bootstrap, String value) throws Exception {
        try (KafkaProducer<String, String> p =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new StringSerializer())) {
            p.send(new ProducerRecord<>(EmbeddedServices.FAILURES_TOPIC, "k", value)).get();
        }
    }

    private static List<String> readAll(String bootstrap) {
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "restart-it-" + System.nanoTime(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            c.subscribe(List.of(EmbeddedServices.FAILURES_TOPIC));
            List<String> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.value()));
                if (!out.isEmpty() && c.assignment().stream().allMatch(tp -> atEnd(c, tp))) {
                    break;
                }
            }
            return out;
        }
    }

    private static boolean atEnd(
            KafkaConsumer<String, String> c, org.apache.kafka.common.TopicPartition tp) {
        return c.position(tp) >= c.endOffsets(List.of(tp)).get(tp);
    }

    private static int port(String bootstrap) {
        return Integer.parseInt(bootstrap.replaceAll(".*:", ""));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
