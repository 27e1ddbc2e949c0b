package org.transcoder.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) running inside this JVM on free
 * loopback ports, configured so transactional (exactly-once) producers work with one replica.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Allows the 15 min transactions of CompletionSink: a production broker's default maximum. */
    public static final long TRANSACTION_MAX_TIMEOUT_MS = 900_000;

    private final KafkaConfig config;
    private final String bootstrapServers;
    private final Path logDir;
    private final Persistence persistence;
    private final Thread shutdownHook;
    private KafkaRaftServer server;
    private boolean running;
    private volatile boolean closed;

    private EmbeddedKafka(
            KafkaConfig config, String bootstrapServers, Path logDir, Persistence persistence) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
        this.persistence = persistence;
        // On JVM exit without close(): stop cleanly (and remove an ephemeral log directory).
        this.shutdownHook = new Thread(this::closeNow, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Formats a fresh log directory under {@code workDir} and starts the broker. */
    public static EmbeddedKafka start(Path workDir) {
        try {
            Path logDir = Files.createDirectories(workDir).resolve("kafka-" + Uuid.randomUuid());
            return start(logDir, Persistence.EPHEMERAL, FreePorts.next(), FreePorts.next());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Kafka", e);
        }
    }

    /**
     * Starts a broker on {@code logDir}: an already formatted directory (a kept work directory) is
     * reused as it is, with its cluster id, topics, committed offsets and transaction state;
     * anything else is formatted first. {@link Persistence#EPHEMERAL} deletes it on close.
     */
    public static EmbeddedKafka start(
            Path logDir, Persistence persistence, int brokerPort, int controllerPort) {
        try {
            Files.createDirectories(logDir);
            Properties props = serverProperties(logDir, brokerPort, controllerPort);
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            if (!Files.isRegularFile(logDir.resolve("meta.properties"))) {
                format(config, logDir);
            }
            EmbeddedKafka kafka =
                    new EmbeddedKafka(config, "127.0.0.1:" + brokerPort, logDir, persistence);
            kafka.restart();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Kafka", e);
        }
    }

    /**
     * Starts the broker again after {@link #stop()}, on the same ports with the same data (for
     * tests of an outage); a no-op while it runs.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka is closed");
        }
        if (running) {
            return;
        }
        long t0 = System.nanoTime();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        running = true;
        awaitReady();
        LOG.info(
                "Embedded Kafka up on {} in {} ms ({})",
                bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                logDir);
    }

    private static Properties serverProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("transaction.max.timeout.ms", Long.toString(TRANSACTION_MAX_TIMEOUT_MS));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", "1000000");
        return p;
    }

    private static void format(KafkaConfig config, Path logDir) {
        try (PrintStream quiet =
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(config.nodeId())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(List.of(logDir.toString()))
                    .setPrintStream(quiet)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format KRaft storage in " + logDir, e);
        }
    }

    /** The broker answers metadata requests once it is registered with the controller. */
    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("embedded Kafka did not become ready", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        30_000));
    }

    /** Creates the topic (replication 1) and waits for it; an existing topic is left as it is. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    /** The log directory (topics, offsets, transaction state). */
    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        closeNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down; the hook finds us closed
        }
    }

    private synchronized void closeNow() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (persistence == Persistence.EPHEMERAL) {
                Dirs.deleteQuietly(logDir);
            }
        }
    }

    /**
     * Shuts the broker down cleanly and keeps its data: {@link #restart()} brings it back on the
     * same port. Clients see the outage as a broker that does not answer.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        long t0 = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        LOG.info(
                "Embedded Kafka stopped in {} ms",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
}
